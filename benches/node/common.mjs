// Helpers shared by the two Node benchmarks: where things are, medians, number formatting and plain-text tables.
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (worktree) root: two levels above this folder. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Public sample data lives beside the repository: `<repo>/../shared/data`. */
export const SHARED_DATA = resolve(REPO, '../shared/data');
/**
 * The built package (`make build`); LATENCY_HEATMAP_CORE=<path to a core.mjs> benchmarks another build instead
 * (another worktree's, or one built with other optimisation settings).
 */
export const CORE = resolve(process.env.LATENCY_HEATMAP_CORE || resolve(REPO, 'pkg/dist/core.mjs'));

export async function loadCore() {
  if (!existsSync(CORE)) {
    throw new Error(`${CORE} is missing: run \`make build\` first (or \`make bench-node\`, which does)`);
  }
  const core = await import(CORE);
  core.initSync();
  return core;
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** `--name=value` command-line options with defaults. */
export function options(defaults) {
  const out = { ...defaults };
  for (const arg of process.argv.slice(2)) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(arg);
    if (!m || !(m[1] in defaults)) throw new Error(`unknown option ${arg}; known: ${Object.keys(defaults).map((k) => `--${k}`).join(' ')}`);
    out[m[1]] = m[2] ?? true;
  }
  return out;
}

/** 1234567 → "1 234 567" (the repository's documents use thin spaces for thousands). */
export function int(n) {
  return Math.round(n).toLocaleString('en-US').replace(/,/g, ' ');
}

export function ms(n) {
  if (n >= 1000) return int(n);
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export function ratio(a, b) {
  if (!(a > 0) || !(b > 0)) return '–';
  const r = a / b;
  return r >= 100 ? `${r.toFixed(0)}×` : r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
}

/** A table with a header row; columns after the first are right-aligned. */
export function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const width = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ');
  return [line(all[0]), width.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

export function machine() {
  return `Node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs, ${load()}`;
}

/** The 1/5/15-minute load averages: on a shared machine, say how shared it was. */
export function load() {
  return `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
}

/** mulberry32: a tiny seeded generator (32-bit state, plain Number arithmetic), enough for test data; `next()` in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return next;
}
