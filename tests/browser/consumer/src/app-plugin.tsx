// An app that registers the plugin (its API factory and client come with it) but shows no heat map: its initial
// chunk is what every page of a Backstage app pays for installing the package.
import { createRoot } from 'react-dom/client';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { latencyHeatmapPlugin } from 'backstage-plugin-latency-heatmap';

export const plugins = [latencyHeatmapPlugin];

createRoot(document.getElementById('root') as HTMLElement).render(
  <MemoryRouter>
    <Routes>
      <Route path="/" element={<p>{plugins.map((plugin) => plugin.getId()).join(', ')}</p>} />
    </Routes>
  </MemoryRouter>,
);
