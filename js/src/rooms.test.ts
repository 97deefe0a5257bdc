/**
 * The package's rooms: `core/` (the wasm API, also published alone as `/core`) must load in Node scripts, workers
 * and Jest without React or Backstage, so nothing under it may import them; `format/` is pure and shared with the
 * demo, so the same holds there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('.', import.meta.url));
const FORBIDDEN = /^(react|react-dom)(\/|$)|^@backstage\/|^@material-ui\/|^@mui\//;
// Static imports and re-exports (`… from 'x'`, `import 'x'`), dynamic `import('x')` and `require('x')`.
const SPECIFIERS = /\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every `module specifier` a source imports that the rooms forbid. */
function forbiddenImports(source: string): string[] {
  return [...source.matchAll(SPECIFIERS)].map((match) => match[1] ?? match[2] ?? match[3]).filter((specifier) => FORBIDDEN.test(specifier));
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return /\.(ts|tsx|js|mjs|cjs)$/.test(entry.name) ? [path] : [];
  });
}

/** `core/loader.ts imports react` for every offending import under a room. */
function violations(room: string): string[] {
  return sourcesUnder(join(src, room)).flatMap((file) =>
    forbiddenImports(readFileSync(file, 'utf8')).map((specifier) => `${relative(src, file)} imports ${specifier}`),
  );
}

describe('forbiddenImports', () => {
  it('finds React, Backstage and MUI in every import form', () => {
    const source = [
      "import React from 'react';",
      "import type { ApiRef } from '@backstage/core-plugin-api';",
      "export { Card } from \"@material-ui/core\";",
      "import '@mui/material/styles';",
      "const dom = await import('react-dom/client');",
      "const jsx = require('react/jsx-runtime');",
    ].join('\n');
    expect(forbiddenImports(source)).toEqual([
      'react',
      '@backstage/core-plugin-api',
      '@material-ui/core',
      '@mui/material/styles',
      'react-dom/client',
      'react/jsx-runtime',
    ]);
  });

  it('lets the rest through', () => {
    const source = "import { wasmBase64 } from './generated/wasm_inline.js';\nimport type { Snapshot } from '../core/types';\nimport reactish from 'reactive-streams';";
    expect(forbiddenImports(source)).toEqual([]);
  });
});

describe.each(['core', 'format'])('js/src/%s/', (room) => {
  it('holds sources to check', () => {
    expect(sourcesUnder(join(src, room)).map((file) => relative(src, file))).toContain(`${room}/index.ts`);
  });

  it('imports no React, @backstage/*, @material-ui/* or @mui/*', () => {
    const found = violations(room);
    expect(found, `forbidden imports: ${found.join('; ')}`).toEqual([]);
  });
});
