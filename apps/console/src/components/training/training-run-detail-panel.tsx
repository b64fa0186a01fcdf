'use client';
/**
 * One training run: its state (status, generation, timings, error) with Cancel while it is
 * queued or running; its phases (training-phase-timeline.tsx) with Retry / Resume from here
 * once it finished; its metrics, live; the model versions it produced; its configuration.
 *
 * Live: `trainingRunProgress` sends only changes from the moment it is subscribed. Metric
 * points are kept in component state and drawn after the stored history (training-metrics.ts);
 * run and phase changes re-read the run (`network-only`, debounced), and so does the first
 * event — it fills whatever happened between the first read and the subscription starting.
 * While the run is active it is also re-read every ACTIVE_REFRESH_MS, in case the socket
 * dropped events.
 */
import Link from 'next/link';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import type { TrainingPhase, TrainingRunQuery } from '@/gql/graphql';
import { useSocketState } from '@/components/graphql/urql-provider';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { modelHref } from '@/components/models/model-links';
import { CopyButton } from '@/components/ui/copy-button';
import { Section } from '@/components/ui/section';
import { useMounted } from '@/components/ui/use-mounted';
import { streamState } from '@/components/ui/stream-state';
import { useNow } from '@/components/ui/use-now';
import { apiError, type ApiErrorInfo } from '@/lib/errors';
import { formatAgo, formatBytes, formatDateTime, formatDurationMs } from '@/lib/format';
import { figureEntries, TrainingPhaseTimeline } from './training-phase-timeline';
import { newTrainingRunHref, trainingHref } from './training-links';
import { TrainingMetricsPanel } from './training-metrics-panel';
import { addLivePoints, MAX_HISTORY_POINTS, mergeSeries, type LiveSeries } from './training-metrics';
import { elapsedMs, isActive, PHASE_ORDER, phaseTitle } from './training-phases';
import { TrainingStatusBadge } from './training-status-badge';
import {
  cancelTrainingRunMutation,
  retryTrainingPhaseMutation,
  trainingRunProgressSubscription,
  trainingRunQuery,
} from './training.operations';

export type TrainingRunDetail = TrainingRunQuery['trainingRun'];
export type TrainingPhaseRow = TrainingRunDetail['phases'][number];

export const ACTIVE_REFRESH_MS = 5000;
/** Run and phase changes arrive in bursts; one re-read per burst. */
const REFETCH_DEBOUNCE_MS = 150;

interface LiveState {
  series: LiveSeries;
  /** Points delivered by the subscription. */
  received: number;
  /** Events delivered by the subscription. */
  events: number;
  error: ApiErrorInfo | null;
}

export function TrainingRunDetailPanel({ id }: { id: string }) {
  const client = useClient();
  const mounted = useMounted();
  const now = useNow(1000);
  const socket = useSocketState();
  const [result, reexecute] = useQuery({
    query: trainingRunQuery,
    variables: { id, maxPoints: MAX_HISTORY_POINTS },
    pause: !mounted,
    requestPolicy: 'cache-and-network',
  });
  const [cancelState, cancelRun] = useMutation(cancelTrainingRunMutation);
  const [, retryPhase] = useMutation(retryTrainingPhaseMutation);
  const [live, setLive] = useState<LiveState>({ series: {}, received: 0, events: 0, error: null });
  const [cancelError, setCancelError] = useState<ApiErrorInfo | null>(null);
  const [retrying, setRetrying] = useState<TrainingPhase | null>(null);
  const [retryError, setRetryError] = useState<{ phase: TrainingPhase; error: ApiErrorInfo } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  // The subscription outlives renders; it re-reads through whatever `refresh` is current.
  const refreshRef = useRef(refresh);
  useEffect(() => {
    refreshRef.current = refresh;
  });

  useEffect(() => {
    if (!mounted) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let first = true;
    const refetchSoon = () => {
      timer ??= setTimeout(() => {
        timer = null;
        refreshRef.current();
      }, REFETCH_DEBOUNCE_MS);
    };
    const subscription = client.subscription(trainingRunProgressSubscription, { runId: id }).subscribe((r) => {
      if (r.error) {
        setLive((prev) => ({ ...prev, error: apiError(r.error!) }));
        return;
      }
      const progress = r.data?.trainingRunProgress;
      if (!progress) return;
      setLive((prev) => ({
        series: addLivePoints(prev.series, progress.points),
        received: prev.received + progress.points.length,
        events: prev.events + 1,
        error: null,
      }));
      if (first || progress.kind !== 'METRICS') refetchSoon();
      first = false;
    });
    return () => {
      subscription.unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [mounted, client, id]);

  const run = result.data?.trainingRun;
  const active = run ? isActive(run.status) : false;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => refreshRef.current(), ACTIVE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [active]);

  const series = useMemo(() => mergeSeries(run?.metricSeries ?? [], live.series), [run?.metricSeries, live.series]);
  const stream = streamState(live.error, socket, live.received, false);

  const onCancel = async () => {
    setCancelError(null);
    setNotice(null);
    const outcome = await cancelRun({ id });
    if (outcome.error) return setCancelError(apiError(outcome.error));
    setNotice('Cancelled: the running phase stops at its next check.');
    refresh();
  };

  const onRetry = async (phase: TrainingPhase) => {
    setRetrying(phase);
    setRetryError(null);
    setCancelError(null);
    setNotice(null);
    const outcome = await retryPhase({ runId: id, phase });
    setRetrying(null);
    if (outcome.error) return setRetryError({ phase, error: apiError(outcome.error) });
    const generation = outcome.data?.retryTrainingPhase.generation;
    setNotice(`${phaseTitle(phase)} and the phases after it are queued again as generation ${generation ?? '?'}.`);
    refresh();
  };

  const loadError = result.error && !run ? apiError(result.error) : null;

  return (
    <div className="training-run" data-testid="training-run" data-id={id} data-status={run?.status ?? ''}>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href={trainingHref()} className="link" data-testid="training-back">
          Training
        </Link>
        <span aria-hidden>/</span>
        {run ? (
          <>
            <Link href={trainingHref({ namespace: run.namespace })} className="link">
              {run.namespace}
            </Link>
            <span aria-hidden>/</span>
            <span className="crumbs__current">{run.name}</span>
          </>
        ) : (
          <span className="crumbs__current mono">{id}</span>
        )}
      </nav>

      {loadError ? (
        <ApiErrorCallout
          error={loadError}
          testId="training-run-load-error"
          prefix={loadError.code === 'NOT_FOUND' ? undefined : 'Could not load the run'}
        />
      ) : !run ? (
        <div className="card skeleton" aria-busy />
      ) : (
        <>
          <RunHeader
            run={run}
            now={now}
            cancelling={cancelState.fetching}
            onCancel={() => void onCancel()}
            onRefresh={refresh}
            cancelError={cancelError}
            notice={notice}
          />

          <Section
            testId="training-timeline"
            heading="h3"
            title="Pipeline"
            sub={
              <>
                Eight phases in order; each starts when the one before it succeeded.
                {active ? '' : ' Retry a failed phase, or resume a finished run from any phase that ran.'}
              </>
            }
          >
            <div className="card timeline-card">
              <TrainingPhaseTimeline
                run={run}
                now={now}
                retrying={retrying}
                retryError={retryError}
                onRetry={(phase) => void onRetry(phase)}
              />
            </div>
          </Section>

          <TrainingMetricsPanel series={series} received={live.received} state={stream} error={live.error} active={active} />

          <RunArtifacts run={run} />

          <details className="card training-config" data-testid="training-run-config">
            <summary className="training-config__summary">
              <span className="table-card__title">Configuration</span>
              <span className="muted small">validated by the API, defaults filled in</span>
            </summary>
            <pre className="snippet training-config__json">{JSON.stringify(run.config, null, 2)}</pre>
          </details>
        </>
      )}
    </div>
  );
}

function RunHeader({
  run,
  now,
  cancelling,
  onCancel,
  onRefresh,
  cancelError,
  notice,
}: {
  run: TrainingRunDetail;
  now: number;
  cancelling: boolean;
  onCancel: () => void;
  onRefresh: () => void;
  cancelError: ApiErrorInfo | null;
  notice: string | null;
}) {
  const active = isActive(run.status);
  const duration = elapsedMs(run, now);
  const phases = [...run.phases].sort((a, b) => PHASE_ORDER.indexOf(a.phase) - PHASE_ORDER.indexOf(b.phase));
  return (
    <header className="card model__head training-run__head" data-testid="training-run-summary">
      <div className="model__title-row">
        <h2 className="model__title" data-testid="training-run-name">
          {run.name}
        </h2>
        <TrainingStatusBadge status={run.status} testId="training-run-status" />
        <span className="chip" data-testid="training-run-generation" data-value={run.generation} title="Bumped by every retry or resume">
          generation {run.generation}
        </span>
        <span className="chip">{run.namespace}</span>
        <span className="task">{run.template}</span>
        <div className="training-run__actions">
          {active ? (
            <button
              type="button"
              className="button button--ghost-danger button--small"
              disabled={cancelling}
              onClick={onCancel}
              data-testid="training-run-cancel"
            >
              {cancelling ? 'Cancelling…' : 'Cancel run'}
            </button>
          ) : null}
          <Link className="button button--secondary button--small" href={newTrainingRunHref(run.id)} data-testid="training-run-clone">
            New run from this config
          </Link>
          <button type="button" className="button button--secondary button--small" onClick={onRefresh} data-testid="training-run-refresh">
            Refresh
          </button>
        </div>
      </div>

      <div className="model__meta muted">
        <span className="mono" title={run.id}>
          {run.id}
        </span>
        <CopyButton text={run.id} small label="Copy id" testId="training-run-copy-id" />
        <span>
          model{' '}
          <Link className="link mono" href={modelHref(run.modelName, run.namespace)} data-testid="training-run-model">
            {run.modelName}
          </Link>
        </span>
        <span title={formatDateTime(run.createdAt, true)}>created {formatAgo(run.createdAt, now)}</span>
        <span title={formatDateTime(run.startedAt, true)}>started {run.startedAt ? formatDateTime(run.startedAt, true) : '—'}</span>
        <span title={formatDateTime(run.finishedAt, true)}>finished {run.finishedAt ? formatDateTime(run.finishedAt, true) : '—'}</span>
        <span data-testid="training-run-duration" data-value={duration ?? ''}>
          {active && run.startedAt ? 'running for ' : 'took '}
          {formatDurationMs(duration)}
        </span>
      </div>

      <ol className="pipeline-strip" aria-label="Phases" data-testid="training-run-strip">
        {phases.map((p) => (
          <li
            key={p.id}
            className={`pipeline-strip__seg pipeline-strip__seg--${p.status.toLowerCase()}`}
            title={`${phaseTitle(p.phase)}: ${p.status.toLowerCase()}`}
            data-phase={p.phase}
            data-status={p.status}
          >
            <span className="pipeline-strip__label">{phaseTitle(p.phase)}</span>
          </li>
        ))}
      </ol>

      {run.error && run.status !== 'SUCCEEDED' ? (
        <div
          className={`callout ${run.status === 'CANCELLED' ? 'callout--warn' : 'callout--error'} training-run__error`}
          data-testid="training-run-error"
        >
          {run.error}
        </div>
      ) : null}
      {cancelError ? <ApiErrorCallout error={cancelError} testId="training-run-cancel-error" prefix="Could not cancel" /> : null}
      {notice && !cancelError ? (
        <p className="callout callout--ok" data-testid="training-run-notice">
          {notice}
        </p>
      ) : null}
    </header>
  );
}

function RunArtifacts({ run }: { run: TrainingRunDetail }) {
  return (
    <section className="card table-card" data-testid="training-run-artifacts" aria-labelledby="training-artifacts-title">
      <div className="table-card__head">
        <h3 id="training-artifacts-title" className="table-card__title">
          Model versions
        </h3>
        <span className="muted">
          registered by this run in{' '}
          <Link className="link mono" href={modelHref(run.modelName, run.namespace)}>
            {run.modelName}
          </Link>
        </span>
      </div>
      {run.artifacts.length === 0 ? (
        <p className="empty" data-testid="training-run-artifacts-empty">
          None yet: phases register versions as they produce models.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="table table--versions">
            <thead>
              <tr>
                <th>Version</th>
                <th>Quantisation</th>
                <th className="num">Size</th>
                <th>Metrics</th>
                <th>sha256</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {run.artifacts.map((a) => (
                <tr key={a.id} data-testid="training-run-artifact" data-version={a.version}>
                  <td>
                    <Link className="link mono" href={modelHref(run.modelName, run.namespace)}>
                      v{a.version}
                    </Link>
                  </td>
                  <td>{a.quantisation}</td>
                  <td className="num">{formatBytes(a.sizeBytes)}</td>
                  <td className="cell-metrics">
                    {figureEntries(a.metrics).map(([k, v]) => (
                      <span key={k} className="kv">
                        <span className="kv__key">{k}</span> <span className="mono">{v}</span>
                      </span>
                    ))}
                  </td>
                  <td className="mono" title={a.sha256}>
                    {a.sha256.slice(0, 12)}…
                  </td>
                  <td title={formatDateTime(a.createdAt, true)}>{formatDateTime(a.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
