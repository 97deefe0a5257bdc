// Assembles the npm package in ../pkg from the wasm-bindgen output, the TypeScript sources, the package's manifest
// and README beside this directory (js/package.json, js/README.md) and the repository's LICENSE.
//
//   node js/scripts/build.mjs <wasm-bindgen dir>
//
// 1. Inlines the optimised wasm as base64 and removes wasm-bindgen's `new URL('…wasm', import.meta.url)` fetch
//    path, so nothing in the package needs a bundler's wasm or asset support.
// 2. Bundles the shim with esbuild as ESM and CommonJS (two entry points: the root and `/core`, the root
//    importing `/core` rather than carrying a second copy of the wasm).
// 3. Emits TypeScript declarations, copies the manifest (checking its version against Cargo.toml and that every file
//    it names was built), README and licence, and prints gzipped sizes.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const jsDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(jsDir, '..');
const bindgenDir = resolve(process.argv[2] ?? join(root, 'target/wasm-bindgen'));
const generated = join(jsDir, 'src/core/generated');
const pkg = join(root, 'pkg');
const dist = join(pkg, 'dist');

function fail(message) {
  console.error(`build: ${message}`);
  process.exit(1);
}

// 1. Generated sources (git-ignored) that the shim imports.
const wasmBytes = readFileSync(join(bindgenDir, 'latency_heatmap_bg.wasm'));
const glue = readFileSync(join(bindgenDir, 'latency_heatmap.js'), 'utf8');
const fetchPath = /new URL\('latency_heatmap_bg\.wasm', import\.meta\.url\)/g;
if ((glue.match(fetchPath) ?? []).length !== 1) fail('wasm-bindgen glue no longer has exactly one `new URL(…wasm)`; update the patch');
const patchedGlue = glue.replace(
  fetchPath,
  '(() => { throw new Error("backstage-plugin-latency-heatmap: the wasm is inlined; call initSync()"); })()',
);
rmSync(generated, { recursive: true, force: true });
mkdirSync(generated, { recursive: true });
writeFileSync(join(generated, 'latency_heatmap.js'), patchedGlue);
cpSync(join(bindgenDir, 'latency_heatmap.d.ts'), join(generated, 'latency_heatmap.d.ts'));
writeFileSync(join(generated, 'wasm_inline.js'), `export const wasmBase64 = "${wasmBytes.toString('base64')}";\n`);
writeFileSync(join(generated, 'wasm_inline.d.ts'), 'export declare const wasmBase64: string;\n');

// 2. Bundles.
rmSync(pkg, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
const coreAsSibling = (extension) => ({
  name: 'core-as-sibling',
  setup(build) {
    // `./core` from index.ts, `../core` from api/ and hooks/: every import of the core room is the sibling bundle.
    build.onResolve({ filter: /(^|\/)core$/ }, (args) =>
      resolve(args.resolveDir, args.path) === join(jsDir, 'src/core') ? { path: `./core${extension}`, external: true } : undefined,
    );
  },
});
for (const [format, extension] of [['esm', '.mjs'], ['cjs', '.cjs']]) {
  const common = { bundle: true, format, platform: 'neutral', target: 'es2020', logLevel: 'warning', external: ['react', 'react/*', '@backstage/*', '@material-ui/*'] };
  await esbuild.build({ ...common, entryPoints: [join(jsDir, 'src/core/index.ts')], outfile: join(dist, `core${extension}`) });
  await esbuild.build({ ...common, entryPoints: [join(jsDir, 'src/index.ts')], outfile: join(dist, `index${extension}`), plugins: [coreAsSibling(extension)] });
}

// 3. Declarations, manifest, README, app-config schema (configSchema), licence, checks, sizes.
execFileSync(join(jsDir, 'node_modules/.bin/tsc'), ['-p', join(jsDir, 'tsconfig.build.json'), '--outDir', dist], { stdio: 'inherit' });
rmSync(join(dist, 'core/generated'), { recursive: true, force: true });
const manifest = JSON.parse(readFileSync(join(jsDir, 'package.json'), 'utf8'));
const cargoVersion = /^version = "([^"]+)"/m.exec(readFileSync(join(root, 'Cargo.toml'), 'utf8'))?.[1] ?? fail('no version in Cargo.toml');
// The crate and the package are one release: a bump in one place only would publish a mismatched pair.
if (manifest.version !== cargoVersion) fail(`js/package.json has version ${manifest.version}, Cargo.toml ${cargoVersion}: bump both`);
cpSync(join(jsDir, 'package.json'), join(pkg, 'package.json'));
cpSync(join(jsDir, 'README.md'), join(pkg, 'README.md'));
cpSync(join(jsDir, 'config.d.ts'), join(pkg, 'config.d.ts'));
cpSync(join(root, 'LICENSE'), join(pkg, 'LICENSE'));

// Every file the manifest points at must be in the package: an entry added before its code would publish a
// package that fails only when someone imports it.
const named = [
  manifest.main,
  manifest.module,
  manifest.types,
  ...Object.values(manifest.exports).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target))),
  ...Object.values(manifest.typesVersions?.['*'] ?? {}).flat(),
  ...manifest.files,
  manifest.configSchema,
];
const missing = named.filter((path) => !existsSync(join(pkg, path)));
if (missing.length) fail(`js/package.json names files the build did not produce: ${missing.join(', ')}`);

for (const file of readdirSync(dist).filter((name) => /\.(mjs|cjs)$/.test(name))) {
  const text = readFileSync(join(dist, file), 'utf8');
  if (text.includes('import.meta') || /new URL\([^)]*\.wasm/.test(text)) fail(`${file} still refers to import.meta or a .wasm URL`);
  // One copy of the wasm: a root that bundled the core again would double every app's download.
  if (file.startsWith('index.') && text.includes('wasmBase64')) fail(`${file} carries a second copy of the wasm; import the core as '../core'`);
}

const gz = (bytes) => `${(bytes.length / 1024).toFixed(1)} KiB, ${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1)} KiB gzipped`;
const coreBundle = readFileSync(join(dist, 'core.mjs'));
const shimOnly = Buffer.from(coreBundle.toString('utf8').replace(/export const wasmBase64 = "[^"]*"|var wasmBase64 = "[^"]*"/, ''));
console.log(`pkg/ assembled: backstage-plugin-latency-heatmap@${manifest.version}`);
console.log(`  wasm (after wasm-opt -Os): ${gz(wasmBytes)}`);
console.log(`  JS shim + glue (without the inlined wasm): ${gz(shimOnly)}`);
console.log(`  dist/core.mjs as shipped (wasm inlined as base64): ${gz(coreBundle)}`);
console.log(`  dist/index.mjs (plugin, API client, hook; imports core.mjs): ${gz(readFileSync(join(dist, 'index.mjs')))}`);
