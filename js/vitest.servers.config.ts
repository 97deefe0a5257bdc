/**
 * The client tests that need real servers (`*.servers.test.ts`: Debian's Prometheus, started by the
 * `tests/servers/` harness), run by `make test-servers` after `.ci/setup --servers`, never by `make test-js`.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['src/**/*.servers.test.ts'] } });
