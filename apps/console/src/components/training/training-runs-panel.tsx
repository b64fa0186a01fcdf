'use client';
/**
 * Every training run the viewer can see, newest first, a page at a time ("Load more" follows
 * the cursor), optionally narrowed by status and namespace (kept in the URL). Pages are
 * fetched `network-only` and appended in component state; changing a filter or "Refresh"
 * starts again. While a listed run is queued or running, the rows already loaded are
 * re-fetched every AUTO_REFRESH_MS (unless auto-refresh is switched off).
 */
import { useEffect, useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useQuery } from 'urql';
import type { TrainingRunStatus, TrainingRunsQuery } from '@/gql/graphql';
import { ListBody, ListError, LoadMore } from '@/components/ui/list-states';
import { FilterSelect, namespaceChoices, RefreshButton } from '@/components/ui/toolbar';
import { useCursorList } from '@/components/ui/use-cursor-list';
import { useMounted } from '@/components/ui/use-mounted';
import { newTrainingRunHref, trainingHref } from './training-links';
import { isActive, RUN_STATUSES, statusLabel } from './training-phases';
import { TrainingRunsTable } from './training-runs-table';
import { trainingNamespacesQuery, trainingRunsQuery } from './training.operations';

export const RUNS_PAGE_SIZE = 25;
/** The API serves at most 200 runs per request. */
const MAX_REFRESH_ROWS = 200;
export const AUTO_REFRESH_MS = 3000;

export type TrainingRunRow = TrainingRunsQuery['trainingRuns']['nodes'][number];

const STATUS_OPTIONS = RUN_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }));

export function TrainingRunsPanel({ status, namespace }: { status: TrainingRunStatus | null; namespace: string | null }) {
  const router = useRouter();
  const mounted = useMounted();
  const [namespaces] = useQuery({ query: trainingNamespacesQuery, pause: !mounted });
  const [autoRefresh, setAutoRefresh] = useState(true);
  const { list, refresh, loadMore, reloadShown } = useCursorList({
    query: trainingRunsQuery,
    variables: { filter: { status, namespace } },
    select: (data) => data.trainingRuns,
    pageSize: RUNS_PAGE_SIZE,
  });
  const runs = list.items;

  const anyActive = runs.some((r) => isActive(r.status));
  const refreshing = autoRefresh && anyActive;
  useEffect(() => {
    if (!refreshing) return;
    const timer = setInterval(() => reloadShown(MAX_REFRESH_ROWS), AUTO_REFRESH_MS);
    return () => clearInterval(timer);
  }, [refreshing, reloadShown]);

  const choices = namespaceChoices(namespace, namespaces.data?.namespaces.map((n) => n.name) ?? []);
  const activeCount = runs.filter((r) => isActive(r.status)).length;
  const filtered = Boolean(status || namespace);

  return (
    <section className="card table-card" data-testid="training-runs" aria-labelledby="training-runs-title">
      <div className="table-card__head table-card__head--tools">
        <div>
          <h2 id="training-runs-title" className="table-card__title">
            Runs
          </h2>
          <span className="muted" data-testid="training-runs-count" data-value={runs.length} data-active={activeCount}>
            {list.loading && runs.length === 0
              ? 'Loading…'
              : `${runs.length} ${runs.length === 1 ? 'run' : 'runs'}${list.hasNextPage ? ', more available' : ''} · ${activeCount} active`}
          </span>
        </div>
        <div className="toolbar toolbar--wrap">
          <FilterSelect
            label="Status"
            allLabel="All statuses"
            value={status ?? ''}
            options={STATUS_OPTIONS}
            onChange={(value) => router.replace(trainingHref({ status: (value || null) as TrainingRunStatus | null, namespace }))}
            testId="training-filter-status"
          />
          <FilterSelect
            label="Namespace"
            allLabel="All namespaces"
            value={namespace ?? ''}
            options={choices}
            onChange={(value) => router.replace(trainingHref({ status, namespace: value || null }))}
            testId="training-filter-namespace"
          />
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
          <RefreshButton onClick={refresh} testId="training-refresh" />
          <Link className="button button--primary button--small" href={newTrainingRunHref()} data-testid="training-new">
            New run
          </Link>
        </div>
      </div>

      <ListError error={list.error} what="training runs" testId="training-runs-error" />
      <ListBody list={list} empty={<RunsEmptyState filtered={filtered} />}>
        <TrainingRunsTable runs={runs} />
      </ListBody>
      {list.hasNextPage ? <LoadMore list={list} onClick={loadMore} testId="training-runs-load-more" /> : null}
    </section>
  );
}

function RunsEmptyState({ filtered }: { filtered: boolean }) {
  return (
    <div className="empty" data-testid="training-runs-empty" data-filtered={filtered}>
      {filtered ? (
        <>
          No runs match these filters. <Link className="link" href={trainingHref()}>Show every run</Link>.
        </>
      ) : (
        <>
          No training runs yet. <Link className="link" href={newTrainingRunHref()}>Start one</Link>: the built-in phases train
          a small classifier on the digits dataset; Quiet-STaR and Tool/persona baking run when bound to a command
          (TRAINING_COMMANDS).
        </>
      )}
    </div>
  );
}
