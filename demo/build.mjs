// Builds the standalone demo into demo/dist: the page, its stylesheet, and one bundle that imports the built
// npm package (../pkg, linked as node_modules/backstage-plugin-latency-heatmap exactly as an app would install it)
// with the sample system embedded: traces from the real OpenTelemetry SDK and a catalog of the same services.
import { cpSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import esbuild from '../js/node_modules/esbuild/lib/main.js';

const demo = dirname(fileURLToPath(import.meta.url));
const link = join(demo, 'node_modules/backstage-plugin-latency-heatmap');
rmSync(link, { recursive: true, force: true });
mkdirSync(dirname(link), { recursive: true });
symlinkSync(resolve(demo, '../pkg'), link, 'dir');

const dist = join(demo, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
await esbuild.build({
  entryPoints: [join(demo, 'src/main.ts')],
  outfile: join(dist, 'main.js'),
  bundle: true,
  format: 'esm',
  target: 'es2020',
  minify: true,
  // The fixtures go in as text: the wasm module reads JSON itself.
  loader: { '.json': 'text' },
  logLevel: 'warning',
});
for (const file of ['index.html', 'style.css', 'favicon.svg']) cpSync(join(demo, 'src', file), join(dist, file));
console.log(`demo built into ${dist}`);
