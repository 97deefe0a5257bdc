// Test layer 4: the built package, installed as npm would install it, loads with no bundler configuration in
// Backstage's bundlers (rspack 1, webpack 5: swc-loader, no wasm experiments), in Jest (@swc/jest's CommonJS
// transform, jsdom as Backstage's frontend tests use) and in Node (ESM and CommonJS).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { rspack } from '@rspack/core';
import webpack from 'webpack';
import { here, inChromium, installBuiltPackage, startServer } from '../harness.mjs';

const expected = JSON.parse(readFileSync(join(here, 'consumer/expected.json'), 'utf8'));

before(() => installBuiltPackage());

/** A configuration in the shape of Backstage's frontend build (see @backstage/cli-module-build). */
function backstageLikeConfig(outputPath, loader) {
  return {
    mode: 'production',
    target: 'web',
    devtool: false,
    context: here,
    entry: join(here, 'consumer/src/index.ts'),
    output: { path: outputPath, filename: 'main.js', clean: true },
    resolve: { extensions: ['.ts', '.tsx', '.mjs', '.js', '.cjs', '.json'] },
    module: {
      rules: [
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
        {
          test: /\.(tsx?|jsx?)$/,
          exclude: /node_modules/,
          use: { loader, options: { jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2020' } } },
        },
      ],
    },
    performance: { hints: false },
  };
}

function compile(bundle, config) {
  return new Promise((resolve, reject) => {
    bundle(config, (error, stats) => {
      if (error) return reject(error);
      const info = stats.toJson({ all: false, errors: true, warnings: true, assets: true });
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
      const assets = info.assets.map((asset) => asset.name);
      assert.ok(!assets.some((asset) => asset.endsWith('.wasm')), `no separate .wasm asset: ${assets}`);
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
    assert.deepEqual(runScenario(), expected);
  });

  it('requires the package from CommonJS', () => {
    const require = createRequire(import.meta.url);
    const core = require('backstage-plugin-latency-heatmap/core');
    const root = require('backstage-plugin-latency-heatmap');
    core.initSync();
    assert.equal(core.parseDuration('1.5s'), 1500);
    assert.equal(root.parseDuration('2m'), 120_000);
    assert.throws(() => core.parseDuration('-5ms'), { name: 'LatencyHeatmapError', code: 'INVALID_DURATION' });
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
