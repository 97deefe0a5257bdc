// material-ui-popup-state (under @backstage/plugin-catalog-react) ships `.mjs` files that import MUI directories,
// which Node's ESM loader refuses; vite resolves them, so it is inlined instead of loaded by Node.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { server: { deps: { inline: ['material-ui-popup-state'] } } },
});
