// Harness self-test: the host's own EntityCatalogGraphCard over the page's catalog, with the catalog-graph API an
// app registers for it. If this page fails, the harness (bundle, providers, catalog relations) is at fault, not
// the heat-map cards.
import React from 'react';
import { catalogGraphApiRef, DefaultCatalogGraphApi, EntityCatalogGraphCard } from '@backstage/plugin-catalog-graph';
import { mount } from './app';

void mount(() => ({
  apis: [[catalogGraphApiRef, new DefaultCatalogGraphApi()]],
  children: <EntityCatalogGraphCard maxDepth={Number.POSITIVE_INFINITY} unidirectional={false} height={700} />,
}));
