// Bundles the test pages once per run with esbuild (js/'s copy), resolving React, MUI and @backstage/* from
// js/node_modules (one copy of each, as an app has) and the package itself as an app would consume it: the build
// in pkg/, packed and installed into tests/browser/node_modules, through its `exports` map. It serves nothing.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { here as browserDir, repo } from '../harness.mjs';

const jsDir = join(repo, 'js');
const esbuild = createRequire(join(jsDir, 'package.json'))('esbuild');
const hostModules = join(jsDir, 'node_modules') + sep;

/**
 * Bare imports from the pages and from the installed package resolve in js/ (the app's dependencies); imports
 * inside js/node_modules resolve as usual. Without it the pages would pick tests/browser's own React and the
 * hooks would run against a second copy.
 */
const appDependencies = {
  name: 'app-dependencies',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'redirected' || args.importer.startsWith(hostModules)) return undefined;
      const resolveDir = args.path === 'backstage-plugin-latency-heatmap' || args.path.startsWith('backstage-plugin-latency-heatmap/') ? browserDir : jsDir;
      const result = await build.resolve(args.path, { kind: args.kind, resolveDir, pluginData: 'redirected' });
      return result.errors.length > 0 ? { errors: result.errors } : result;
    });
  },
};

/**
 * The trap in the research notes stays armed on purpose: the pages (tests/browser) and the package (pkg/) are both
 * `"type": "module"`, so esbuild gives a default import of a CommonJS module Node's shape (`module.exports`, ignoring
 * `__esModule`): `import AddIcon from '@material-ui/icons/Add'` yields the exports object and React fails with
 * error #130. Apps bundling the package meet the same rule (webpack and rspack apply it to `type: module` code), so
 * a card importing MUI that way must fail here, as a page error. Named imports from MUI's roots are safe.
 *
 * Writes `entries` (names of page/*.tsx; their shared code split into chunks) with their CSS and an HTML page each
 * into `outDir`; returns the ms taken.
 */
export async function bundlePages(outDir, entries) {
  const started = performance.now();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await esbuild.build({
    entryPoints: Object.fromEntries(entries.map((name) => [name, join(browserDir, 'backstage/page', `${name}.tsx`)])),
    outdir: outDir,
    bundle: true,
    format: 'esm',
    splitting: true,
    platform: 'browser',
    target: 'chrome120',
    jsx: 'automatic',
    loader: { '.svg': 'file', '.png': 'file', '.woff': 'file', '.woff2': 'file' },
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    plugins: [appDependencies],
    logLevel: 'silent',
  });
  const html = readFileSync(join(browserDir, 'backstage/page/index.html'), 'utf8');
  for (const name of entries) writeFileSync(join(outDir, `${name}.html`), html.replaceAll('ENTRY', name));
  return performance.now() - started;
}
