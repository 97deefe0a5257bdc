/**
 * Which telemetry services to ask the backend about for a set of catalog entities: the names in the
 * `latencyheatmap/service-name` annotation (comma-separated), else the `metadata.name` of a Component or Resource —
 * the rule of the core's catalog (`src/catalog/services.rs`), which maps the answers back onto the entities. This
 * only picks query names; matching, clashes and truncation stay in the core.
 */

/** The part of a catalog entity read here. */
export interface EntityLike {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
}

export const SERVICE_NAME_ANNOTATION = 'latencyheatmap/service-name';

/** Sorted, each once (names match without case, as in the core). */
export function serviceNamesOf(entities: readonly EntityLike[]): string[] {
  const names = new Map<string, string>();
  for (const entity of entities) {
    const annotated = entity.metadata.annotations?.[SERVICE_NAME_ANNOTATION];
    const kind = entity.kind.toLowerCase();
    const claimed =
      annotated !== undefined
        ? annotated.split(',').map((name) => name.trim())
        : kind === 'component' || kind === 'resource'
          ? [entity.metadata.name]
          : [];
    for (const name of claimed) if (name !== '' && !names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  }
  return [...names.values()].sort();
}
