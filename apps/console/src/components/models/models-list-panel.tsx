'use client';
/**
 * Every model the viewer can see, by name, a page at a time ("Load more" follows the cursor),
 * optionally narrowed to one namespace (kept in the URL). Pages are fetched `network-only`
 * and appended in component state; changing the namespace or "Refresh" starts again.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useClient, useQuery } from 'urql';
import type { ModelsQuery } from '@/gql/graphql';
import { useMounted } from '@/components/ui/use-mounted';
import { apiError } from '@/lib/errors';
import { modelsHref } from './model-links';
import { ModelsEmptyState } from './models-empty-state';
import { ModelsTable } from './models-table';
import { modelNamespacesQuery, modelsQuery } from './models.operations';

export const MODELS_PAGE_SIZE = 50;

export type ModelRow = ModelsQuery['models']['nodes'][number];

interface ListState {
  models: ModelRow[];
  endCursor: string | null;
  hasNextPage: boolean;
  loading: boolean;
  error: string | null;
}

const EMPTY: ListState = { models: [], endCursor: null, hasNextPage: false, loading: true, error: null };

export function ModelsListPanel({ namespace }: { namespace: string | null }) {
  const client = useClient();
  const router = useRouter();
  const mounted = useMounted();
  const [namespaces] = useQuery({ query: modelNamespacesQuery, pause: !mounted });
  const [list, setList] = useState<ListState>(EMPTY);
  const generation = useRef(0);

  const load = useCallback(
    async (after: string | null) => {
      const mine = after ? generation.current : ++generation.current;
      setList((prev) => (after ? { ...prev, loading: true, error: null } : { ...EMPTY }));
      const result = await client
        .query(modelsQuery, { namespace, first: MODELS_PAGE_SIZE, after }, { requestPolicy: 'network-only' })
        .toPromise();
      if (mine !== generation.current) return; // a newer filter or refresh started meanwhile
      if (result.error || !result.data) {
        const message = result.error ? apiError(result.error).message : 'No answer from the API';
        setList((prev) => ({ ...prev, loading: false, error: message }));
        return;
      }
      const page = result.data.models;
      setList((prev) => ({
        models: after ? [...prev.models, ...page.nodes] : page.nodes,
        endCursor: page.pageInfo.endCursor ?? null,
        hasNextPage: page.pageInfo.hasNextPage,
        loading: false,
        error: null,
      }));
    },
    [client, namespace],
  );

  useEffect(() => {
    if (mounted) void load(null);
  }, [mounted, load]);

  const namespaceNames = namespaces.data?.namespaces.map((n) => n.name) ?? [];
  const choices = namespace && !namespaceNames.includes(namespace) ? [namespace, ...namespaceNames] : namespaceNames;
  const aliasCount = list.models.reduce((sum, m) => sum + m.aliases.length, 0);
  const empty = !list.loading && !list.error && list.models.length === 0;

  return (
    <section className="card table-card" data-testid="models" aria-labelledby="models-title">
      <div className="table-card__head table-card__head--tools">
        <div>
          <h2 id="models-title" className="table-card__title">
            Registry
          </h2>
          <span className="muted" data-testid="models-count" data-value={list.models.length}>
            {list.loading && list.models.length === 0
              ? 'Loading…'
              : `${list.models.length} ${list.models.length === 1 ? 'model' : 'models'}${list.hasNextPage ? ', more available' : ''} · ${aliasCount} ${aliasCount === 1 ? 'alias' : 'aliases'}`}
          </span>
        </div>
        <div className="toolbar">
          <label className="toolbar__field">
            <span className="muted">Namespace</span>
            <select
              className="input input--compact"
              value={namespace ?? ''}
              onChange={(e) => router.replace(modelsHref(e.target.value || null))}
              data-testid="models-filter-namespace"
            >
              <option value="">All namespaces</option>
              {choices.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="button button--secondary button--small"
            onClick={() => void load(null)}
            data-testid="models-refresh"
          >
            Refresh
          </button>
        </div>
      </div>

      {list.error ? (
        <div className="callout callout--error table-card__callout" role="alert" data-testid="models-error">
          Could not load models: {list.error}
        </div>
      ) : null}

      {list.models.length === 0 && list.loading ? (
        <div className="skeleton skeleton--rows" aria-busy />
      ) : empty ? (
        <ModelsEmptyState namespace={namespace} />
      ) : list.models.length > 0 ? (
        <ModelsTable models={list.models} />
      ) : null}

      {list.hasNextPage ? (
        <div className="table-card__foot">
          <button
            type="button"
            className="button button--secondary button--small"
            disabled={list.loading}
            onClick={() => void load(list.endCursor)}
            data-testid="models-load-more"
          >
            {list.loading ? 'Loading…' : 'Load more'}
          </button>
        </div>
      ) : null}
    </section>
  );
}
