// Assembles the npm package in ../pkg from the wasm-bindgen output, the TypeScript sources, the package's manifest
// and README beside this directory (js/package.json, js/README.md) and the repository's LICENSE.
//
//   node js/scripts/build.mjs <wasm-bindgen dir>
//
// 1. Inlines the optimised wasm as base64 and removes wasm-bindgen's `new URL('…wasm', import.meta.url)` fetch
//    path, so nothing in the package needs a bundler's wasm or asset support.
// 2. Bundles the shim with esbuild as ESM (code-split: the root, `/alpha` and `/core` as entries, the cards and the
//    core behind `import()`) and the same files as CommonJS.
// 3. Emits TypeScript declarations, copies the manifest (checking its version against Cargo.toml and that every file
//    it names was built), README and licence, and prints gzipped sizes.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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

// 2. Bundles. ESM: one esbuild run with code splitting over the three entries (root, `/alpha`, `/core`), so every
//    `import()` (the cards, and the core the client loads on its first subscription) is a file of its own that a
//    bundler keeps out of the app's initial chunk, and code the entries share is a shared chunk, never a copy.
//    CommonJS: the same files converted one by one (`import()` becomes a deferred `require` of the `.cjs` sibling), so
//    both formats have the same module graph and one instance of the plugin, the API ref and the core.
rmSync(pkg, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
// What the app installs (the manifest's dependencies and peers) stays an import; the rest is bundled.
const manifest = JSON.parse(readFileSync(join(jsDir, 'package.json'), 'utf8'));
const peers = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }).flatMap((name) => [name, `${name}/*`]);
const esm = await esbuild.build({
  entryPoints: { index: join(jsDir, 'src/index.ts'), alpha: join(jsDir, 'src/alpha.tsx'), core: join(jsDir, 'src/core/index.ts') },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2020',
  jsx: 'automatic',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  external: peers,
  metafile: true,
  logLevel: 'warning',
});
const outputs = Object.keys(esm.metafile.outputs).map((path) => resolve(path));
const toCjsSibling = {
  name: 'cjs-sibling',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => ({ path: args.path.replace(/\.mjs$/, '.cjs'), external: true }));
  },
};
await esbuild.build({
  entryPoints: outputs,
  outdir: dist,
  outbase: dist,
  bundle: true,
  format: 'cjs',
  platform: 'neutral',
  target: 'es2020',
  outExtension: { '.js': '.cjs' },
  // `import()` becomes `Promise.resolve().then(() => require(…))`: a CommonJS file's named exports reach the
  // caller as they are (Node's `import()` of a CommonJS file sees only what its lexer can find).
  supported: { 'dynamic-import': false },
  packages: 'external',
  plugins: [toCjsSibling],
  logLevel: 'warning',
});

// 3. Declarations, manifest, README, app-config schema (configSchema), licence, checks, sizes.
execFileSync(join(jsDir, 'node_modules/.bin/tsc'), ['-p', join(jsDir, 'tsconfig.build.json'), '--outDir', dist], { stdio: 'inherit' });
rmSync(join(dist, 'core/generated'), { recursive: true, force: true });
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

const shipped = readdirSync(dist, { recursive: true }).filter((name) => /\.(mjs|cjs)$/.test(name));
for (const file of shipped) {
  const text = readFileSync(join(dist, file), 'utf8');
  if (text.includes('import.meta') || /new URL\([^)]*\.wasm/.test(text)) fail(`${file} still refers to import.meta or a .wasm URL`);
  // One copy of the wasm: any other file carrying it would double an app's download.
  if (!/^core\.(mjs|cjs)$/.test(file) && text.includes('wasmBase64')) fail(`${file} carries a copy of the wasm; only core.mjs/core.cjs may`);
}
if (shipped.length !== 2 * outputs.length) fail(`the CommonJS conversion produced ${shipped.length - outputs.length} files for ${outputs.length} ES modules`);

// What an app loads up front from `.` and `/alpha`: their static imports, followed through. The wasm and the cards
// must be reachable only through an `import()`, or they would land in the app's initial chunk.
const relativeToDist = (path) => resolve(path).slice(dist.length + 1);
const staticClosure = (entry) => {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const edge of esm.metafile.outputs[relative(process.cwd(), join(dist, file))].imports) {
      if (edge.kind === 'import-statement' && !edge.external) visit(relativeToDist(edge.path));
    }
  };
  visit(entry);
  return [...seen];
};
for (const entry of ['index.mjs', 'alpha.mjs']) {
  const upFront = staticClosure(entry);
  if (upFront.includes('core.mjs')) fail(`${entry} imports core.mjs statically: the wasm would be in every app's initial chunk`);
  // By the sources each file was built from, not by file names: a card's module in a shared chunk counts too.
  const sources = upFront.flatMap((file) => Object.keys(esm.metafile.outputs[relative(process.cwd(), join(dist, file))].inputs));
  const lateOnly = [join(jsDir, 'src/components/'), join(jsDir, 'src/core/index.ts'), join(jsDir, 'src/core/generated/')];
  const early = sources.filter((source) => lateOnly.some((path) => resolve(source).startsWith(path)));
  if (early.length) fail(`${entry} reaches ${early.join(', ')} through static imports; the cards and the core must stay behind import()`);
}

const gz = (bytes) => `${(bytes.length / 1024).toFixed(1)} KiB, ${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1)} KiB gzipped`;
const coreBundle = readFileSync(join(dist, 'core.mjs'));
const shimOnly = Buffer.from(coreBundle.toString('utf8').replace(/export const wasmBase64 = "[^"]*"|var wasmBase64 = "[^"]*"/, ''));
console.log(`pkg/ assembled: backstage-plugin-latency-heatmap@${manifest.version}`);
console.log(`  wasm (after wasm-opt -Os): ${gz(wasmBytes)}`);
console.log(`  JS shim + glue (without the inlined wasm): ${gz(shimOnly)}`);
console.log(`  dist/core.mjs as shipped (wasm inlined as base64): ${gz(coreBundle)}`);
for (const entry of ['index.mjs', 'alpha.mjs']) {
  const upFront = Buffer.concat(staticClosure(entry).map((file) => readFileSync(join(dist, file))));
  console.log(`  dist/${entry} with its static imports (what an app loads up front): ${gz(upFront)}`);
}
const upFrontAnywhere = new Set(['index.mjs', 'alpha.mjs'].flatMap(staticClosure));
const lazy = readdirSync(join(dist, 'chunks')).filter((name) => name.endsWith('.mjs') && !upFrontAnywhere.has(`chunks/${name}`));
console.log(`  behind import() (with core.mjs): ${lazy.map((name) => `${name} ${gz(readFileSync(join(dist, 'chunks', name)))}`).join('; ')}`);
