// The catalog the Backstage render shows: tests/fixtures/catalog/otel-shop.json (a Domain, two Systems, two
// Groups, Components, APIs and Resources) plus one Component whose title is markup, each with the `relations` that
// Backstage's catalog processors write from `spec` (BuiltinKindsEntityProcessor emits both directions; the catalog
// stores each relation on its source entity). It knows nothing of telemetry or of the page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repo } from '../harness.mjs';

/** The title a hostile catalog-info.yaml could carry: must render as text, never as an `<img>`. */
export const XSS_TITLE = '<img src=x onerror=alert(1)>';
export const XSS_REF = 'component:default/promo-banner';

/** The page's entity: the graph card is rooted here and the alerts card judges it and its neighbours. */
export const ROOT_REF = 'component:default/frontend';

/** `kind:namespace/name` in lower case, with the default kind of the field (as `parseEntityRef` with defaultKind). */
export function fullRef(ref, defaultKind) {
  const match = /^(?:([^:/]+):)?(?:([^:/]+)\/)?([^:/]+)$/.exec(ref);
  if (!match) throw new Error(`not an entity ref: ${ref}`);
  const [, kind = defaultKind, namespace = 'default', name] = match;
  if (!kind) throw new Error(`${ref} has no kind and the field has no default`);
  return `${kind}:${namespace}/${name}`.toLowerCase();
}

export function refOf(entity) {
  return `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`.toLowerCase();
}

const asList = (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** [field, default kind of its refs, relation from the entity, relation back from the target]. */
const SPEC_RELATIONS = [
  ['owner', 'group', 'ownedBy', 'ownerOf'],
  ['system', 'system', 'partOf', 'hasPart'],
  ['domain', 'domain', 'partOf', 'hasPart'],
  ['subcomponentOf', 'component', 'partOf', 'hasPart'],
  ['providesApis', 'api', 'providesApi', 'apiProvidedBy'],
  ['consumesApis', 'api', 'consumesApi', 'apiConsumedBy'],
  ['dependsOn', undefined, 'dependsOn', 'dependencyOf'],
  ['dependencyOf', undefined, 'dependencyOf', 'dependsOn'],
  ['parent', 'group', 'childOf', 'parentOf'],
  ['children', 'group', 'parentOf', 'childOf'],
  ['members', 'user', 'hasMember', 'memberOf'],
];

/** Entities with `relations` derived from their specs; both directions, each relation once, sorted. */
export function withRelations(entities) {
  const byRef = new Map(entities.map((entity) => [refOf(entity), { ...entity, relations: [] }]));
  const seen = new Set();
  const add = (source, type, target) => {
    const key = `${source} ${type} ${target}`;
    if (seen.has(key) || !byRef.has(source)) return; // relations live on their source; a missing source stores none
    seen.add(key);
    byRef.get(source).relations.push({ type, targetRef: target });
  };
  for (const [ref, entity] of byRef) {
    for (const [field, defaultKind, forward, backward] of SPEC_RELATIONS) {
      for (const value of asList(entity.spec?.[field])) {
        const target = fullRef(value, defaultKind);
        add(ref, forward, target);
        add(target, backward, ref);
      }
    }
  }
  for (const entity of byRef.values()) {
    entity.relations.sort((a, b) => (a.type + a.targetRef < b.type + b.targetRef ? -1 : 1));
  }
  return [...byRef.values()];
}

/** The page's catalog: the fixture's 18 entities and the hostile-title Component, with relations. */
export function loadCatalog() {
  const { items } = JSON.parse(readFileSync(join(repo, 'tests/fixtures/catalog/otel-shop.json'), 'utf8'));
  const promo = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'promo-banner', namespace: 'default', title: XSS_TITLE },
    spec: { type: 'website', lifecycle: 'experimental', owner: 'group:team-storefront', system: 'storefront', dependsOn: ['component:frontend'] },
  };
  return withRelations([...items, promo].map((entity) => ({ ...entity, metadata: { namespace: 'default', ...entity.metadata } })));
}
