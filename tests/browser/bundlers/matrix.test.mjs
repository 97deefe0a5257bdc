// Test layer 4: the built package, installed as npm would install it, loads with no bundler configuration in
// Backstage's bundlers (rspack 1, webpack 5: swc-loader, no wasm experiments), in Jest (@swc/jest's CommonJS
// transform, jsdom as Backstage's frontend tests use) and in Node (ESM and CommonJS). The bundlers also build three
// apps (plugin registered only, plugin with the graph card on a route, the `/alpha` plugin as a feature) to check
// that the wasm and the cards stay out of an app's initial chunk, and print the sizes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { before, describe, it } from 'node:test';
import { rspack } from '@rspack/core';
import webpack from 'webpack';
import { here, inChromium, installBuiltPackage, repo, startServer } from '../harness.mjs';

const expected = JSON.parse(readFileSync(join(here, 'consumer/expected.json'), 'utf8'));

// The apps' dependencies (React, MUI, the Backstage host packages the cards import) come from the package's own
// install in js/node_modules, which this directory does not duplicate: the consumer's sources and the installed
// package look there first; everything inside js/node_modules resolves as usual (nested versions included).
const jsModules = join(repo, 'js/node_modules');

before(() => installBuiltPackage());

/** A configuration in the shape of Backstage's frontend build (see @backstage/cli-module-build). */
function backstageLikeConfig(outputPath, loader) {
  return {
    mode: 'production',
    target: 'web',
    devtool: false,
    context: here,
    entry: {
      main: join(here, 'consumer/src/index.ts'),
      'app-plugin': join(here, 'consumer/src/app-plugin.tsx'),
      'app-card': join(here, 'consumer/src/app-card.tsx'),
      'app-alpha': join(here, 'consumer/src/app-alpha.ts'),
    },
    output: { path: outputPath, filename: '[name].js', chunkFilename: 'chunks/[id].[contenthash:8].js', clean: true },
    resolve: { extensions: ['.ts', '.tsx', '.mjs', '.js', '.cjs', '.json'] },
    module: {
      rules: [
        {
          include: [join(here, 'consumer'), join(here, 'node_modules/backstage-plugin-latency-heatmap')],
          resolve: { modules: [jsModules, 'node_modules'] },
        },
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
        {
          test: /\.(tsx?|jsx?)$/,
          exclude: /node_modules/,
          use: {
            loader,
            options: { jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2020', transform: { react: { runtime: 'automatic' } } } },
          },
        },
        { test: /\.(svg|png)$/, type: 'asset/resource' },
        { test: /\.css$/, type: 'asset/resource' },
      ],
    },
    performance: { hints: false },
  };
}

/** A stretch of the inlined wasm's base64, to find which emitted file carries the wasm. */
function wasmFingerprint() {
  const core = readFileSync(join(here, 'node_modules/backstage-plugin-latency-heatmap/dist/core.mjs'), 'utf8');
  const base64 = /wasmBase64 = "([A-Za-z0-9+/=]{4096})/.exec(core);
  assert.ok(base64, 'dist/core.mjs carries the inlined wasm');
  return base64[1].slice(2048, 2048 + 256);
}

const kib = (bytes) => `${(bytes.length / 1024).toFixed(1)} KiB (${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1)} KiB gzipped)`;

/** The apps' initial chunks must not carry the wasm; exactly one lazy chunk does. Prints the sizes. */
function checkInitialChunks(name, outputPath) {
  const fingerprint = wasmFingerprint();
  const read = (asset) => readFileSync(join(outputPath, asset));
  const lazy = readdirSync(join(outputPath, 'chunks')).filter((asset) => asset.endsWith('.js')).map((asset) => `chunks/${asset}`);
  const withWasm = lazy.filter((asset) => read(asset).includes(fingerprint));
  assert.equal(withWasm.length, 1, `one lazy chunk carries the wasm: ${withWasm}`);
  console.log(`${name}: lazy chunk with the wasm (${withWasm[0]}): ${kib(read(withWasm[0]))}`);
  for (const app of ['app-plugin', 'app-card', 'app-alpha']) {
    const initial = read(`${app}.js`);
    assert.ok(!initial.includes(fingerprint), `${app}.js carries the wasm`);
    console.log(`${name}: ${app}.js (initial chunk): ${kib(initial)}`);
  }
  // The card's own chunk is not in the initial chunk either: only the entity route loads it (the DOM contract's
  // data-testid, a string minifiers keep, marks it).
  const cardChunks = lazy.filter((asset) => read(asset).includes('latency-heatmap-graph-card'));
  assert.ok(cardChunks.length > 0, 'a lazy chunk holds the graph card (its root data-testid)');
  console.log(`${name}: lazy chunk with the graph card (${cardChunks.join(', ')}): ${kib(Buffer.concat(cardChunks.map(read)))}`);
  assert.ok(!read('app-card.js').includes('latency-heatmap-graph-card'), 'app-card.js carries the graph card');
}

function compile(bundle, config) {
  return new Promise((resolve, reject) => {
    bundle(config, (error, stats) => {
      if (error) return reject(error);
      const info = stats.toJson({ all: false, errors: true, warnings: true });
      if (stats.hasErrors()) return reject(new Error(info.errors.map((e) => e.message).join('\n')));
      resolve(info);
    });
  });
}

async function runBundled(outputPath) {
  copyFileSync(join(here, 'consumer/index.html'), join(outputPath, 'index.html'));
  const server = await startServer({ root: outputPath });
  try {
    return await inChromium(server.url, async (page) => {
      await page.waitForFunction(() => window.latencyHeatmapScenario !== undefined, null, { timeout: 20_000 });
      return page.evaluate(() => window.latencyHeatmapScenario);
    });
  } finally {
    await server.close();
  }
}

const bundlers = [
  ['rspack', rspack, 'builtin:swc-loader'],
  ['webpack 5', webpack, 'swc-loader'],
];

describe('bundlers', () => {
  for (const [name, bundle, loader] of bundlers) {
    it(`${name} bundles the package and the bundle runs in Chromium`, { timeout: 180_000 }, async () => {
      const outputPath = join(here, 'dist', name.replace(/\W+/g, '-'));
      const info = await compile(bundle, backstageLikeConfig(outputPath, loader));
      assert.deepEqual(info.warnings.map((w) => w.message), [], 'bundler warnings');
      const assets = readdirSync(outputPath, { recursive: true });
      assert.ok(!assets.some((asset) => asset.endsWith('.wasm')), `no separate .wasm asset: ${assets}`);
      checkInitialChunks(name, outputPath);
      const { result, errors } = await runBundled(outputPath);
      assert.deepEqual(errors, []);
      assert.deepEqual(result, expected);
    });
  }
});

describe('Jest', () => {
  it('imports the package through @swc/jest in jsdom', { timeout: 180_000 }, () => {
    const run = spawnSync(join(here, 'node_modules/.bin/jest'), ['--config', join(here, 'jest/jest.config.cjs'), '--ci'], {
      cwd: here,
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, /Tests:\s+\d+ passed/);
  });
});

describe('Node', () => {
  it('runs the scenario from ESM', async () => {
    const { runScenario } = await import('../consumer/src/scenario.js');
    assert.deepEqual(await runScenario(), expected);
  });

  it('requires the package from CommonJS', () => {
    const require = createRequire(import.meta.url);
    const core = require('backstage-plugin-latency-heatmap/core');
    const root = require('backstage-plugin-latency-heatmap');
    core.initSync();
    assert.equal(core.parseDuration('1.5s'), 1500);
    assert.equal(root.parseDuration, undefined, 'the root leaves the core functions to /core');
    assert.equal(root.latencyHeatmapPlugin.getId(), 'latency-heatmap');
    assert.throws(() => core.parseDuration('-5ms'), { name: 'LatencyHeatmapError', code: 'INVALID_DURATION' });
  });

  it('loads the core lazily from CommonJS (a deferred require of the .cjs sibling)', () => {
    const run = spawnSync(
      process.execPath,
      [
        '-e',
        "const { LatencyHeatmapClient } = require('backstage-plugin-latency-heatmap'); const { ConfigReader } = require('@backstage/config');" +
          "import('./consumer/src/lazy-core.js').then((m) => m.firstStateWithBadInterval(LatencyHeatmapClient, ConfigReader)).then((state) => console.log(JSON.stringify(state)));",
      ],
      { cwd: here, encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), expected.lazyCore);
  });

  it('loads /core where neither React nor Backstage is installed, and the root then names what is missing', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'latency-heatmap-bare-'));
    try {
      cpSync(join(here, 'node_modules/backstage-plugin-latency-heatmap'), join(scratch, 'node_modules/backstage-plugin-latency-heatmap'), { recursive: true });
      const run = (script) => spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: scratch, encoding: 'utf8' });
      const core = run("const m = await import('backstage-plugin-latency-heatmap/core'); m.initSync(); console.log(m.parseDuration('1.5s'));");
      assert.equal(core.status, 0, core.stderr);
      assert.equal(core.stdout, '1500\n');
      const root = run("await import('backstage-plugin-latency-heatmap');");
      assert.notEqual(root.status, 0);
      assert.match(root.stderr, /Cannot find package '(@backstage\/[a-z-]+|react)'/);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
