/**
 * Entity refs shortened for tight spaces (lists, chips). The full ref stays in tooltips and data attributes.
 */

/** `component:default/checkout` → `checkout`; `?` for no ref. */
export function shortRef(ref: string | null): string {
  return ref === null ? '?' : ref.slice(ref.indexOf('/') + 1);
}
