// The cards page in Backstage's dark theme (the app's theme provider around the cards, inside the test app's light
// one): the heat colours are the snapshot's whatever the theme, the chrome (card, labels, legend) the theme's.
import React, { useEffect } from 'react';
import { themes, UnifiedThemeProvider } from '@backstage/theme';
import { EntityLatencyAlertsCard, EntityLatencyHeatmapCard, latencyHeatmapApiRef } from 'backstage-plugin-latency-heatmap';
import { clientOf, mount } from './app';

/**
 * The test app's own (light) theme provider sits outside this one and, mounted last, leaves `data-theme-mode="light"`
 * on the body, which `@backstage/ui`'s stylesheet reads; an app with the dark theme chosen has one provider and a
 * dark body. Give the body that mode once both have mounted.
 */
function DarkBody() {
  useEffect(() => {
    const timer = setTimeout(() => document.body.setAttribute('data-theme-mode', 'dark'));
    return () => clearTimeout(timer);
  }, []);
  return null;
}

void mount((data) => ({
  apis: [[latencyHeatmapApiRef, clientOf(data)]],
  children: (
    <UnifiedThemeProvider theme={themes.dark}>
      <DarkBody />
      <EntityLatencyHeatmapCard maxDepth={Number.POSITIVE_INFINITY} height={700} />
      <EntityLatencyAlertsCard />
    </UnifiedThemeProvider>
  ),
}));
