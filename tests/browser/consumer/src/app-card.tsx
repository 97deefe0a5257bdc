// The same app with the graph card on an entity route: the card and the wasm must still arrive only when that
// route renders (lazy chunks), not in the initial chunk.
import { createRoot } from 'react-dom/client';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { EntityLatencyHeatmapCard, latencyHeatmapPlugin } from 'backstage-plugin-latency-heatmap';

export const plugins = [latencyHeatmapPlugin];

createRoot(document.getElementById('root') as HTMLElement).render(
  <MemoryRouter>
    <Routes>
      <Route path="/" element={<p>{plugins.map((plugin) => plugin.getId()).join(', ')}</p>} />
      <Route path="/entity" element={<EntityLatencyHeatmapCard heatmap={{ percentile: 'p99' }} />} />
    </Routes>
  </MemoryRouter>,
);
