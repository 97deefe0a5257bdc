/**
 * Vitest for the package. `material-ui-popup-state` (imported by `@backstage/plugin-catalog-react`) imports
 * `@mui/material/Popover`, a directory, which Node's ESM loader refuses: Vite resolves it when the module is inlined.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { server: { deps: { inline: ['material-ui-popup-state'] } } },
});
