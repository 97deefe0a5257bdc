/**
 * Makes sure the host card finds `catalogGraphApiRef`. A legacy app registers it only when the host plugin's own
 * extension is found in the element tree, which this card hides, so without it the host throws "No implementation
 * available". The app's own implementation is kept when it has one; otherwise the host's default stands in.
 */
import { ApiProvider } from '@backstage/core-app-api';
import { useApiHolder, type ApiHolder, type ApiRef } from '@backstage/core-plugin-api';
import { catalogGraphApiRef, DefaultCatalogGraphApi } from '@backstage/plugin-catalog-graph';
import { useMemo, type ReactNode } from 'react';

export function CatalogGraphApiFallback({ children }: { children: ReactNode }) {
  const holder = useApiHolder();
  const withDefault = useMemo<ApiHolder | undefined>(() => {
    if (holder.get(catalogGraphApiRef) !== undefined) return undefined;
    const fallback = new DefaultCatalogGraphApi();
    return {
      get: <T,>(ref: ApiRef<T>) => (ref.id === catalogGraphApiRef.id ? (fallback as T) : holder.get(ref)),
    };
  }, [holder]);
  return withDefault === undefined ? <>{children}</> : <ApiProvider apis={withDefault}>{children}</ApiProvider>;
}
