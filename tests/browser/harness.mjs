// Shared by the bundler matrix and the demo end-to-end test: the built package installed as a consumer gets it,
// a static server, and Debian's Chromium driven by playwright-core.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export { startServer } from '../../demo/serve.mjs';

export const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, '../..');

/**
 * Installs ../../pkg into node_modules exactly as npm would publish it (`npm pack`, then unpack), so the tests
 * see only the files listed in the package's `files` and resolve it through its `exports` map.
 */
export function installBuiltPackage() {
  const scratch = mkdtempSync(join(tmpdir(), 'latency-heatmap-pack-'));
  try {
    execFileSync('npm', ['pack', join(repo, 'pkg'), '--pack-destination', scratch, '--loglevel=error'], { stdio: 'pipe' });
    const [tarball] = readdirSync(scratch).filter((name) => name.endsWith('.tgz'));
    const target = join(here, 'node_modules/backstage-plugin-latency-heatmap');
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', join(scratch, tarball), '-C', target, '--strip-components=1']);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Opens `url` in headless Chromium, runs `inspect(page)`, and returns what it returned together with every console
 * error and uncaught page error seen, so a test can insist there were none.
 */
export async function inChromium(url, inspect, { viewport = { width: 1280, height: 800 } } = {}) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  try {
    const page = await browser.newPage({ viewport });
    const errors = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
    await page.goto(url, { waitUntil: 'load' });
    const result = await inspect(page);
    return { result, errors };
  } finally {
    await browser.close();
  }
}
