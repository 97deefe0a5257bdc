// The browser entry of the consumer app, TypeScript as in a Backstage app, bundled by rspack and webpack.
import { runScenario } from './scenario.js';

declare global {
  interface Window {
    latencyHeatmapScenario?: unknown;
  }
}

runScenario()
  .catch((error: unknown) => ({ error: String(error) }))
  .then((outcome) => {
    window.latencyHeatmapScenario = outcome;
    const output = document.getElementById('result');
    if (output) output.textContent = JSON.stringify(outcome);
  });
