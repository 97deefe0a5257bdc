/**
 * Links from a card to the tracing backend's UI, built from `latencyHeatmap.traceUrlTemplate`
 * (`https://jaeger.example.com/trace/{traceId}`). Snapshots carry no exemplar trace ids, so a card links to the
 * UI's search for the entity's services instead; this knows how to get there from a Jaeger-shaped template.
 */

/** The template with `{traceId}` replaced (URL-encoded). */
export function traceUrl(template: string, traceId: string): string {
  return template.split('{traceId}').join(encodeURIComponent(traceId));
}

/**
 * The trace UI's search for one service: a template ending in `/trace/{traceId}` (Jaeger's) becomes
 * `/search?service=<service>`; undefined for templates of another shape (no guess at their search page).
 */
export function traceSearchUrl(template: string, service: string): string | undefined {
  const match = /\/trace\/\{traceId\}(?:[?#].*)?$/.exec(template);
  if (match === null) return undefined;
  return `${template.slice(0, match.index)}/search?service=${encodeURIComponent(service)}`;
}
