import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getComponentData } from '@backstage/core-plugin-api';
import { createElement, type JSX } from 'react';
import { describe, expect, it } from 'vitest';
import * as root from './index';

const src = fileURLToPath(new URL('.', import.meta.url));
// Value imports and re-exports only: `import type` / `export type` vanish at build time and `import()` is lazy.
const STATIC = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\s+from\s+)?['"](\.[^'"]+)['"]/gm;

function resolveSource(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  const found = ['.ts', '.tsx', '/index.ts', '/index.tsx'].map((suffix) => base + suffix).find((path) => existsSync(path));
  if (!found) throw new Error(`${relative(src, from)}: cannot resolve ${specifier}`);
  return found;
}

/** Every source file `entry` reaches through static value imports, relative to src/. */
function staticGraph(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(STATIC)) visit(resolveSource(file, match[1]));
  };
  visit(join(src, entry));
  return [...seen].map((file) => relative(src, file)).sort();
}

describe('package root', () => {
  it('exports the plugin, its cards, the API and the hooks, and none of the core functions', () => {
    expect(Object.keys(root).sort()).toEqual([
      'EntityLatencyAlertsCard',
      'EntityLatencyHeatmapCard',
      'LatencyHeatmapClient',
      'entityLatencyStatus',
      'latencyHeatmapApiRef',
      'latencyHeatmapPlugin',
      'useEntityLatencyStatus',
      'useLatencyHeatmap',
    ]);
  });

  it('offers the cards as component extensions of latencyHeatmapPlugin', () => {
    for (const [card, name] of [
      [root.EntityLatencyHeatmapCard, 'EntityLatencyHeatmapCard'],
      [root.EntityLatencyAlertsCard, 'EntityLatencyAlertsCard'],
    ] as const) {
      const element = createElement(card as (props: object) => JSX.Element | null);
      expect(getComponentData(element, 'core.plugin')).toBe(root.latencyHeatmapPlugin);
      expect(getComponentData(element, 'core.extensionName')).toBe(name);
    }
  });

  it.each([
    ['index.ts', 'extensions.tsx'],
    ['alpha.tsx', 'api/LatencyHeatmapClient.ts'],
  ])('%s reaches neither the core (and its inlined wasm) nor the cards through static imports', (entry, reached) => {
    const graph = staticGraph(entry);
    expect(graph.filter((file) => file.startsWith('core/') || file.startsWith('components/'))).toEqual([]);
    expect(graph).toContain(reached);
    expect(graph).toContain('api/types.ts');
  });

  it('finds the static imports the graph follows, and skips type-only and lazy ones', () => {
    const source = [
      "import { a, type B } from './a';",
      "import type { C } from './c';",
      "export type * from './core';",
      "export { d } from './d';",
      "import './e';",
      "const lazy = () => import('./f');",
    ].join('\n');
    expect([...source.matchAll(STATIC)].map((match) => match[1])).toEqual(['./a', './d', './e']);
  });
});
