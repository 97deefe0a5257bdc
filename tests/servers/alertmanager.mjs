// A real Alertmanager (Debian's prometheus-alertmanager 0.25) for the tests: loopback only, gossip off
// (`--cluster.listen-address=` empty; its default binds 0.0.0.0:9094), a temp storage dir and a config whose
// only receiver is a null one, so posted alerts are kept and listed but sent nowhere.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, tempDir } from './process.mjs';

const NULL_RECEIVER_CONFIG = `route:
  receiver: 'null'
receivers:
  - name: 'null'
`;

/** Starts Alertmanager; resolves to `{ baseUrl, port, stop() }` once `/-/ready` answers. */
export async function startAlertmanager() {
  const dir = tempDir('latency-heatmap-alertmanager');
  const config = join(dir, 'alertmanager.yml');
  writeFileSync(config, NULL_RECEIVER_CONFIG);
  return startServer({
    name: 'alertmanager',
    command: 'prometheus-alertmanager',
    dir,
    argsFor: (port) => [
      `--config.file=${config}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
  });
}

/** Posts alerts (`[{ labels, annotations, startsAt?, endsAt? }]`) to `/api/v2/alerts`. */
export async function postAlerts(baseUrl, alerts) {
  return postJson(`${baseUrl}/api/v2/alerts`, alerts);
}

/** Creates a silence (`{ matchers, startsAt, endsAt, createdBy, comment }`); resolves to its id. */
export async function postSilence(baseUrl, silence) {
  const body = await postJson(`${baseUrl}/api/v2/silences`, silence);
  return JSON.parse(body).silenceID;
}

async function postJson(url, value) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${body}`);
  return body;
}
