'use client';
/**
 * The namespace's fog jobs, newest first, a page at a time (`fogJobs(filter, first, after)`),
 * narrowed by status, tier and node (kept in the URL). While a listed job is active, the rows
 * already loaded are re-read every POLL_MS.
 */
import { useEffect } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import type { FogJobStatus, FogJobsQuery, FogTier } from '@/gql/graphql';
import { ListBody, ListError, LoadMore } from '@/components/ui/list-states';
import { FilterSelect, RefreshButton } from '@/components/ui/toolbar';
import { useCursorList } from '@/components/ui/use-cursor-list';
import { useNow } from '@/components/ui/use-now';
import { formatAgo, formatDateTime, formatDurationMs, titleCase } from '@/lib/format';
import { FogJobStatusBadge, TierChip } from './fog-badges';
import { fogHref, fogJobHref } from './fog-links';
import { isActiveJob, JOB_STATUSES, POLL_MS, TIERS } from './fog-model';
import type { FogNodeRow } from './fog-nodes-panel';
import { fogJobsQuery } from './fog.operations';

export const JOBS_PAGE_SIZE = 20;
const MAX_REFRESH_ROWS = 200;

type FogJobRow = FogJobsQuery['fogJobs']['nodes'][number];

const STATUS_OPTIONS = JOB_STATUSES.map((s) => ({ value: s, label: titleCase(s.replace('_', ' ')) }));
const TIER_OPTIONS = [...TIERS].reverse().map((t) => ({ value: t, label: titleCase(t) }));

/** Queue wait and run time so far: the API's once known, else counted from the timestamps. */
function waitMs(j: FogJobRow, now: number): number | null {
  if (j.timings.queueWaitMs != null) return j.timings.queueWaitMs;
  return j.status === 'QUEUED' ? now - Date.parse(j.queuedAt) : null;
}
function runMs(j: FogJobRow, now: number): number | null {
  if (j.timings.totalRunMs != null) return j.timings.totalRunMs;
  return j.startedAt && j.status === 'RUNNING' ? now - Date.parse(j.startedAt) : null;
}

export function FogJobsPanel({
  namespace,
  status,
  tier,
  nodeId,
  nodes,
}: {
  namespace: string;
  status: FogJobStatus | null;
  tier: FogTier | null;
  nodeId: string | null;
  nodes: FogNodeRow[];
}) {
  const router = useRouter();
  const now = useNow(1000);
  const { list, refresh, loadMore, reloadShown } = useCursorList({
    query: fogJobsQuery,
    variables: { filter: { namespace, status, tier, nodeId } },
    select: (data) => data.fogJobs,
    pageSize: JOBS_PAGE_SIZE,
  });
  const jobs = list.items;
  const anyActive = jobs.some((j) => isActiveJob(j.status));
  useEffect(() => {
    if (!anyActive) return;
    const timer = setInterval(() => reloadShown(MAX_REFRESH_ROWS), POLL_MS);
    return () => clearInterval(timer);
  }, [anyActive, reloadShown]);

  const nodeNames = new Map(nodes.map((n) => [n.id, n.name]));
  const nodeOptions = nodes.map((n) => ({ value: n.id, label: n.name }));
  if (nodeId && !nodeNames.has(nodeId)) nodeOptions.unshift({ value: nodeId, label: nodeId.slice(0, 8) });
  const go = (view: { status?: FogJobStatus | null; tier?: FogTier | null; node?: string | null }) =>
    router.replace(fogHref({ namespace, status, tier, node: nodeId, ...view }), { scroll: false });

  return (
    <section className="card table-card" data-testid="fog-jobs" aria-labelledby="fog-jobs-title">
      <div className="table-card__head table-card__head--tools">
        <div>
          <h2 id="fog-jobs-title" className="table-card__title">
            Jobs
          </h2>
          <span className="muted" data-testid="fog-jobs-count" data-value={jobs.length}>
            {list.loading && jobs.length === 0 ? 'Loading…' : `${jobs.length} ${jobs.length === 1 ? 'job' : 'jobs'}${list.hasNextPage ? ', more available' : ''}`}
          </span>
        </div>
        <div className="toolbar toolbar--wrap">
          <FilterSelect
            label="Status"
            allLabel="All statuses"
            value={status ?? ''}
            options={STATUS_OPTIONS}
            onChange={(v) => go({ status: (v || null) as FogJobStatus | null })}
            testId="fog-jobs-filter-status"
          />
          <FilterSelect
            label="Tier"
            allLabel="All tiers"
            value={tier ?? ''}
            options={TIER_OPTIONS}
            onChange={(v) => go({ tier: (v || null) as FogTier | null })}
            testId="fog-jobs-filter-tier"
          />
          <FilterSelect label="Node" allLabel="All nodes" value={nodeId ?? ''} options={nodeOptions} onChange={(v) => go({ node: v || null })} testId="fog-jobs-filter-node" />
          <RefreshButton onClick={refresh} testId="fog-jobs-refresh" />
        </div>
      </div>
      <ListError error={list.error} what="fog jobs" testId="fog-jobs-error" />
      <ListBody
        list={list}
        empty={
          <div className="empty" data-testid="fog-jobs-empty">
            {status || tier || nodeId ? 'No jobs match these filters.' : 'No fog jobs yet: submit one below.'}
          </div>
        }
      >
        <div className="table-scroll">
          <table className="table" data-testid="fog-jobs-table">
            <thead>
              <tr>
                <th>Job</th>
                <th>Status</th>
                <th>Tier</th>
                <th>SLA</th>
                <th>Runtime</th>
                <th className="num">Queue wait</th>
                <th className="num">Run time</th>
                <th>Node</th>
                <th>Queued</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => {
                const wait = waitMs(j, now);
                const run = runMs(j, now);
                return (
                  <tr key={j.id} data-testid="fog-job-row" data-id={j.id} data-status={j.status} data-tier={j.tier}>
                    <td className="cell-details">
                      <Link className="link cell-title" href={fogJobHref(j.id)} data-testid="fog-job-open">
                        {j.name || j.id.slice(0, 8)}
                      </Link>
                      <div className="muted small cell-sub mono" title={j.id}>
                        {j.id.slice(0, 8)}
                        {j.attempt > 1 ? ` · attempt ${j.attempt}` : ''}
                      </div>
                      {j.holdReason && j.status === 'QUEUED' ? <div className="muted small" data-testid="fog-job-hold">{j.holdReason}</div> : null}
                    </td>
                    <td>
                      <FogJobStatusBadge status={j.status} testId="fog-job-status" />
                      {j.errorCode ? <div className="muted small mono">{j.errorCode}</div> : null}
                    </td>
                    <td>
                      <TierChip tier={j.tier} />
                    </td>
                    <td>{j.sla}</td>
                    <td>{j.runtime === 'COMMAND' ? <span className="mono">{j.template}</span> : 'WASI'}</td>
                    <td className="num mono" data-testid="fog-job-wait" data-value={wait ?? ''}>
                      {formatDurationMs(wait)}
                    </td>
                    <td className="num mono" data-testid="fog-job-run" data-value={run ?? ''}>
                      {formatDurationMs(run)}
                    </td>
                    <td>{j.nodeId ? nodeNames.get(j.nodeId) ?? <span className="mono">{j.nodeId.slice(0, 8)}</span> : <span className="muted">—</span>}</td>
                    <td title={formatDateTime(j.queuedAt, true)}>{formatAgo(j.queuedAt, now)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </ListBody>
      {list.hasNextPage ? <LoadMore list={list} onClick={loadMore} testId="fog-jobs-load-more" /> : null}
    </section>
  );
}
