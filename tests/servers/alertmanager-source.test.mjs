// The Alertmanager source end to end: `/core`'s `map.poll({ type: 'alertmanager', … })` (the built package, pkg/)
// against a real Alertmanager with posted alerts, one of them silenced. The firing, unsilenced alerts join the
// snapshot (`source: 'alertmanager'`) and force the status of the entities they name (critical → red, warning → at
// least amber); the silenced one is nowhere; `filter` narrows what is asked; a stopped Alertmanager is a failure in
// the report, never a rejected promise, and the list read before stays.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadCore, repo } from './core.mjs';
import { postAlerts, postSilence, startAlertmanager } from './alertmanager.mjs';

const catalog = JSON.parse(readFileSync(join(repo, 'tests/fixtures/catalog/otel-shop.json'), 'utf8'));
const jaeger = readFileSync(join(repo, 'tests/fixtures/otel-sdk/jaeger.json'), 'utf8');
const HOSTILE = '<img src=x onerror=alert(1)>';

let core;
let alertmanager;

before(async () => {
  core = await loadCore();
  alertmanager = await startAlertmanager();
  const now = Date.now();
  const alert = (alertname, service, severity, team) => ({
    labels: { alertname, service, severity, team },
    annotations: { summary: `${service}: ${alertname}`, description: HOSTILE, runbook_url: 'https://runbooks.example.com/x' },
    startsAt: new Date(now - 60_000).toISOString(),
    endsAt: new Date(now + 3_600_000).toISOString(),
  });
  await postAlerts(alertmanager.baseUrl, [
    alert('CheckoutErrors', 'checkout', 'critical', 'orders'),
    alert('FrontendSlow', 'frontend', 'warning', 'storefront'),
    alert('CartSlow', 'cart', 'warning', 'storefront'),
  ]);
  await postSilence(alertmanager.baseUrl, {
    matchers: [{ name: 'alertname', value: 'CartSlow', isRegex: false, isEqual: true }],
    startsAt: new Date(now - 1_000).toISOString(),
    endsAt: new Date(now + 3_600_000).toISOString(),
    createdBy: 'alertmanager-source.test.mjs',
    comment: 'the silenced case',
  });
});

after(async () => {
  await alertmanager?.stop();
});

/** A map with the shop's catalog and spans. */
function shop() {
  const map = new core.HeatMap({ window: 'all', defaults: { latencySlo: '10s' } });
  map.setCatalog(catalog);
  map.ingestJaeger(jaeger);
  return map;
}

const statusOf = (snapshot, ref) => snapshot.nodes.find((node) => node.entityRef === ref)?.status;

test('firing alerts join the snapshot and force their entities red or amber; a silenced one is left out', async (t) => {
  const map = shop();
  try {
    const before = map.snapshot({ level: 'entity' });
    // By latency alone (their annotations' thresholds): checkout amber, frontend and cart green.
    assert.deepEqual(['checkout', 'frontend', 'cart'].map((name) => statusOf(before, `component:default/${name}`)), ['amber', 'green', 'green']);
    const report = await map.poll({ type: 'alertmanager', baseUrl: alertmanager.baseUrl, retries: 0 });
    t.diagnostic(`alertmanager poll: ${report.requests} request, ${report.bytes} bytes, ${report.ms.toFixed(0)} ms`);
    assert.deepEqual(report.failures, []);
    assert.equal(report.queries, 0);
    assert.deepEqual(
      { firing: report.alerts.firing, mapped: report.alerts.mapped, unmapped: report.alerts.unmapped },
      { firing: 2, mapped: 2, unmapped: 0 },
    );
    const snapshot = map.snapshot({ level: 'entity' });
    assert.equal(statusOf(snapshot, 'component:default/checkout'), 'red');
    assert.equal(statusOf(snapshot, 'component:default/frontend'), 'amber');
    assert.equal(statusOf(snapshot, 'component:default/cart'), 'green');
    const firing = snapshot.alerts.filter((alert) => alert.source === 'alertmanager');
    assert.deepEqual(firing.map((alert) => [alert.alertname, alert.entityRef, alert.severity, alert.status]).sort(), [
      ['CheckoutErrors', 'component:default/checkout', 'critical', 'red'],
      ['FrontendSlow', 'component:default/frontend', 'warning', 'amber'],
    ]);
    assert.equal(firing[0].annotations.description, HOSTILE);
    // The System of checkout is red at system level too.
    const systems = map.snapshot({ level: 'system' });
    assert.equal(statusOf(systems, 'system:default/orders'), 'red');
  } finally {
    map.free();
  }
});

test('filter narrows what Alertmanager is asked for', async () => {
  const map = shop();
  try {
    const report = await map.poll({ type: 'alertmanager', baseUrl: alertmanager.baseUrl, filter: ['team="orders"'], retries: 0 });
    assert.equal(report.alerts.firing, 1);
    const firing = map.snapshot({ level: 'entity' }).alerts.filter((alert) => alert.source === 'alertmanager');
    assert.deepEqual(firing.map((alert) => alert.alertname), ['CheckoutErrors']);
  } finally {
    map.free();
  }
});

test('a stopped Alertmanager is a failure in the report, and the list read before stays', async () => {
  const map = shop();
  const other = await startAlertmanager();
  try {
    await postAlerts(other.baseUrl, [
      { labels: { alertname: 'CheckoutErrors', service: 'checkout', severity: 'critical' }, annotations: {}, startsAt: new Date().toISOString() },
    ]);
    const first = await map.poll({ type: 'alertmanager', baseUrl: other.baseUrl, retries: 0 });
    assert.equal(first.alerts.firing, 1);
    await other.stop();
    const second = await map.poll({ type: 'alertmanager', baseUrl: other.baseUrl, retries: 0, timeout: '2s' });
    assert.deepEqual(second.failures.map((failure) => failure.code), ['poll.network']);
    assert.equal(second.alerts, null);
    assert.equal(statusOf(map.snapshot({ level: 'entity' }), 'component:default/checkout'), 'red');
  } finally {
    await other.stop();
    map.free();
  }
});
