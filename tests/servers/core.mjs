// The built package's wasm core (pkg/dist/core.mjs) as the source tests drive it, and where the repository is. It
// starts no server.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../../', import.meta.url));

/** `/core` of the built package, initialised; fails with what to run when it is not built. */
export async function loadCore() {
  const corePath = join(repo, 'pkg/dist/core.mjs');
  assert.ok(existsSync(corePath), `${corePath} is missing: run \`make build\` first`);
  const core = await import(corePath);
  core.initSync();
  return core;
}
