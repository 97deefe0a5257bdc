/**
 * Vitest for the package. `material-ui-popup-state` (imported by `@backstage/plugin-catalog-react`) imports
 * `@mui/material/Popover`, a directory, which Node's ESM loader refuses: Vite resolves it when the module is inlined.
 */
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    server: { deps: { inline: ['material-ui-popup-state'] } },
    // The card tests render the real host graph (about 1 s each here, 2 s with the cores busy): room for a slower
    // CI machine, where the 5 s default would fail a test that only waited.
    testTimeout: 15_000,
    // Real-server tests run in `make test-servers` (vitest.servers.config.ts).
    exclude: [...configDefaults.exclude, 'src/**/*.servers.test.ts'],
  },
});
