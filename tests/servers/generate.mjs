#!/usr/bin/env node
// Writes a service-graph OpenMetrics file for `promtool tsdb create-blocks-from openmetrics`, streaming:
//
//   node tests/servers/generate.mjs --shape otel|tempo [--services 5000] [--edges 20000] [--seconds 1800]
//        [--step 15] [--seed 13] OUT.om     a synthetic graph (the benchmark's set by default)
//   node tests/servers/generate.mjs --shape otel|tempo --fixture OUT.om     the OTel shop fixture's edges
//
// Series end at QUERY_TIME (servicegraph.mjs); query there. Prints the seconds it took and the file's size.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fixtureCalls, fixtureRound, QUERY_TIME, syntheticRounds, writeOpenMetrics } from './servicegraph.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    shape: { type: 'string', default: 'otel' },
    fixture: { type: 'boolean', default: false },
    services: { type: 'string', default: '5000' },
    edges: { type: 'string', default: '20000' },
    seconds: { type: 'string', default: '1800' },
    step: { type: 'string', default: '15' },
    seed: { type: 'string', default: '13' },
  },
});
if (positionals.length !== 1 || !['otel', 'tempo'].includes(values.shape)) {
  console.error('usage: generate.mjs --shape otel|tempo [--fixture | --services N --edges N] [--seconds S --step S] OUT.om');
  process.exit(2);
}
const [out] = positionals;
const start = performance.now();
let roundsOf;
if (values.fixture) {
  const jaeger = fileURLToPath(new URL('../fixtures/otel-sdk/jaeger.json', import.meta.url));
  const rounds = fixtureRound(fixtureCalls(JSON.parse(readFileSync(jaeger, 'utf8'))), values.shape);
  roundsOf = () => rounds;
} else {
  const options = { services: Number(values.services), edges: Number(values.edges), seed: Number(values.seed) };
  roundsOf = () => syntheticRounds(values.shape, options);
}
await writeOpenMetrics(out, values.shape, roundsOf, { seconds: Number(values.seconds), step: Number(values.step) });
const megabytes = statSync(out).size / 1e6;
console.log(`${out}: ${megabytes.toFixed(1)} MB in ${((performance.now() - start) / 1000).toFixed(1)} s; query at time=${QUERY_TIME}`);
