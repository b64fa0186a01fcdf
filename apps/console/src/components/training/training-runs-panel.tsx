'use client';
/**
 * Every training run the viewer can see, newest first, a page at a time ("Load more" follows
 * the cursor), optionally narrowed by status and namespace (kept in the URL). Pages are
 * fetched `network-only` and appended in component state; changing a filter or "Refresh"
 * starts again. While a listed run is queued or running, the rows already loaded are
 * re-fetched every AUTO_REFRESH_MS (unless auto-refresh is switched off).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useClient, useQuery } from 'urql';
import type { TrainingRunStatus, TrainingRunsQuery } from '@/gql/graphql';
import { useMounted } from '@/components/ui/use-mounted';
import { apiError } from '@/lib/errors';
import { newTrainingRunHref, trainingHref } from './training-links';
import { isActive, RUN_STATUSES, statusLabel } from './training-phases';
import { TrainingRunsTable } from './training-runs-table';
import { trainingNamespacesQuery, trainingRunsQuery } from './training.operations';

export const RUNS_PAGE_SIZE = 25;
/** The API serves at most 200 runs per request. */
const MAX_REFRESH_ROWS = 200;
export const AUTO_REFRESH_MS = 3000;

export type TrainingRunRow = TrainingRunsQuery['trainingRuns']['nodes'][number];

interface ListState {
  runs: TrainingRunRow[];
  endCursor: string | null;
  hasNextPage: boolean;
  loading: boolean;
  error: string | null;
}

const EMPTY: ListState = { runs: [], endCursor: null, hasNextPage: false, loading: true, error: null };

export function TrainingRunsPanel({ status, namespace }: { status: TrainingRunStatus | null; namespace: string | null }) {
  const client = useClient();
  const router = useRouter();
  const mounted = useMounted();
  const [namespaces] = useQuery({ query: trainingNamespacesQuery, pause: !mounted });
  const [list, setList] = useState<ListState>(EMPTY);
  const [autoRefresh, setAutoRefresh] = useState(true);
  const generation = useRef(0);
  const loadedCount = useRef(0);

  /**
   * `after`: the next page. `reload`: the rows already shown, again (auto-refresh), without
   * clearing the table first.
   */
  const load = useCallback(
    async (after: string | null, reload = false) => {
      const mine = after ? generation.current : ++generation.current;
      const first = reload ? Math.min(MAX_REFRESH_ROWS, Math.max(RUNS_PAGE_SIZE, loadedCount.current)) : RUNS_PAGE_SIZE;
      // A background reload keeps the table as it is until the answer comes.
      if (!reload) setList((prev) => (after ? { ...prev, loading: true, error: null } : { ...EMPTY }));
      const result = await client
        .query(
          trainingRunsQuery,
          { filter: { status, namespace }, first, after },
          { requestPolicy: 'network-only' },
        )
        .toPromise();
      if (mine !== generation.current) return; // a newer filter or refresh started meanwhile
      if (result.error || !result.data) {
        const message = result.error ? apiError(result.error).message : 'No answer from the API';
        setList((prev) => ({ ...prev, loading: false, error: message }));
        return;
      }
      const page = result.data.trainingRuns;
      setList((prev) => {
        const runs = after ? [...prev.runs, ...page.nodes] : page.nodes;
        loadedCount.current = runs.length;
        return {
          runs,
          endCursor: page.pageInfo.endCursor ?? null,
          hasNextPage: page.pageInfo.hasNextPage,
          loading: false,
          error: null,
        };
      });
    },
    [client, status, namespace],
  );

  useEffect(() => {
    if (mounted) void load(null);
  }, [mounted, load]);

  const anyActive = list.runs.some((r) => isActive(r.status));
  const refreshing = autoRefresh && anyActive;
  useEffect(() => {
    if (!refreshing) return;
    const timer = setInterval(() => void load(null, true), AUTO_REFRESH_MS);
    return () => clearInterval(timer);
  }, [refreshing, load]);

  const namespaceNames = namespaces.data?.namespaces.map((n) => n.name) ?? [];
  const choices = namespace && !namespaceNames.includes(namespace) ? [namespace, ...namespaceNames] : namespaceNames;
  const activeCount = list.runs.filter((r) => isActive(r.status)).length;
  const empty = !list.loading && !list.error && list.runs.length === 0;
  const filtered = Boolean(status || namespace);

  return (
    <section className="card table-card" data-testid="training-runs" aria-labelledby="training-runs-title">
      <div className="table-card__head table-card__head--tools">
        <div>
          <h2 id="training-runs-title" className="table-card__title">
            Runs
          </h2>
          <span className="muted" data-testid="training-runs-count" data-value={list.runs.length} data-active={activeCount}>
            {list.loading && list.runs.length === 0
              ? 'Loading…'
              : `${list.runs.length} ${list.runs.length === 1 ? 'run' : 'runs'}${list.hasNextPage ? ', more available' : ''} · ${activeCount} active`}
          </span>
        </div>
        <div className="toolbar toolbar--wrap">
          <label className="toolbar__field">
            <span className="muted">Status</span>
            <select
              className="input input--compact"
              value={status ?? ''}
              onChange={(e) => router.replace(trainingHref({ status: (e.target.value || null) as TrainingRunStatus | null, namespace }))}
              data-testid="training-filter-status"
            >
              <option value="">All statuses</option>
              {RUN_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {statusLabel(s)}
                </option>
              ))}
            </select>
          </label>
          <label className="toolbar__field">
            <span className="muted">Namespace</span>
            <select
              className="input input--compact"
              value={namespace ?? ''}
              onChange={(e) => router.replace(trainingHref({ status, namespace: e.target.value || null }))}
              data-testid="training-filter-namespace"
            >
              <option value="">All namespaces</option>
              {choices.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <label className="check small" title={`While a run is queued or running, refresh every ${AUTO_REFRESH_MS / 1000} s`}>
            <input
              type="checkbox"
              checked={autoRefresh}
              onChange={(e) => setAutoRefresh(e.target.checked)}
              data-testid="training-auto-refresh"
              data-active={refreshing}
            />
            <span className={refreshing ? 'training-live' : 'muted'}>{refreshing ? 'Auto-refreshing' : 'Auto-refresh'}</span>
          </label>
          <button
            type="button"
            className="button button--secondary button--small"
            onClick={() => void load(null)}
            data-testid="training-refresh"
          >
            Refresh
          </button>
          <Link className="button button--primary button--small" href={newTrainingRunHref()} data-testid="training-new">
            New run
          </Link>
        </div>
      </div>

      {list.error ? (
        <div className="callout callout--error table-card__callout" role="alert" data-testid="training-runs-error">
          Could not load training runs: {list.error}
        </div>
      ) : null}

      {list.runs.length === 0 && list.loading ? (
        <div className="skeleton skeleton--rows" aria-busy />
      ) : empty ? (
        <div className="empty" data-testid="training-runs-empty" data-filtered={filtered}>
          {filtered ? (
            <>
              No runs match these filters. <Link className="link" href={trainingHref()}>Show every run</Link>.
            </>
          ) : (
            <>
              No training runs yet. <Link className="link" href={newTrainingRunHref()}>Start one</Link>: the built-in phases
              train a small classifier on the digits dataset; Quiet-STaR and Tool/persona baking run when bound to a command
              (TRAINING_COMMANDS).
            </>
          )}
        </div>
      ) : list.runs.length > 0 ? (
        <TrainingRunsTable runs={list.runs} />
      ) : null}

      {list.hasNextPage ? (
        <div className="table-card__foot">
          <button
            type="button"
            className="button button--secondary button--small"
            disabled={list.loading}
            onClick={() => void load(list.endCursor)}
            data-testid="training-runs-load-more"
          >
            {list.loading ? 'Loading…' : 'Load more'}
          </button>
        </div>
      ) : null}
    </section>
  );
}
