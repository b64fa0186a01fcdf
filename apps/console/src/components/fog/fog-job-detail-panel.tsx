'use client';
/**
 * One fog job: its spec, every timestamp and the derived durations, the result, and its
 * stdout / stderr live. Cancel (confirmed) while it is queued, scheduled or running.
 *
 * Live: `fogJobUpdates(jobId)` sends increments from the moment it is subscribed — log
 * chunks are appended to what the last read stored (fog-model `mergeLog`), status changes
 * (and the first event, which fills anything between the first read and the subscription)
 * re-read the job. While the job is active it is also re-read every POLL_MS, in case the
 * socket dropped events.
 */
import Link from 'next/link';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useClient, useMutation } from 'urql';
import type { FogJobQuery, FogLogStream } from '@/gql/graphql';
import { useSocketState } from '@/components/graphql/urql-provider';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { ConfirmBar } from '@/components/ui/confirm-bar';
import { ConnectionBadge } from '@/components/ui/connection-badge';
import { CopyButton } from '@/components/ui/copy-button';
import { Section } from '@/components/ui/section';
import { streamState } from '@/components/ui/stream-state';
import { useMounted } from '@/components/ui/use-mounted';
import { useNow } from '@/components/ui/use-now';
import { apiError, type ApiErrorInfo } from '@/lib/errors';
import { formatBytes, formatDateTime, formatDurationMs, formatMs } from '@/lib/format';
import { FogJobStatusBadge, TierChip } from './fog-badges';
import { fogHref } from './fog-links';
import { isActiveJob, mergeLog, POLL_MS } from './fog-model';
import { cancelFogJobMutation, fogJobQuery, fogJobUpdatesSubscription } from './fog.operations';

type FogJobDetail = FogJobQuery['fogJob'];

/** Status changes come in bursts (SCHEDULED, RUNNING, SUCCEEDED within ms): one re-read per burst. */
const REFETCH_DEBOUNCE_MS = 100;

interface Snapshot {
  job: FogJobDetail;
  /** Live chunks received before this read was sent (already in its stored logs). */
  fromChunk: number;
}

export function FogJobDetailPanel({ id }: { id: string }) {
  const client = useClient();
  const mounted = useMounted();
  const socket = useSocketState();
  const now = useNow(1000);
  const [snapshot, setSnapshot] = useState<Snapshot | null>(null);
  const [loadError, setLoadError] = useState<ApiErrorInfo | null>(null);
  const chunks = useRef<{ stream: FogLogStream; text: string }[]>([]);
  const [live, setLive] = useState({ chunks: 0, events: 0, error: null as ApiErrorInfo | null });
  const [confirming, setConfirming] = useState(false);
  const [cancelState, cancelJob] = useMutation(cancelFogJobMutation);
  const [cancelError, setCancelError] = useState<ApiErrorInfo | null>(null);

  const load = useCallback(async () => {
    const fromChunk = chunks.current.length;
    const r = await client.query(fogJobQuery, { id }, { requestPolicy: 'network-only' }).toPromise();
    if (r.data?.fogJob) {
      const job = r.data.fogJob;
      // A read answered after a newer one must not replace it.
      setSnapshot((prev) => (prev && prev.fromChunk > fromChunk ? prev : { job, fromChunk }));
      setLoadError(null);
    } else if (r.error) setLoadError(apiError(r.error));
  }, [client, id]);

  useEffect(() => {
    if (mounted) void load();
  }, [mounted, load]);

  useEffect(() => {
    if (!mounted) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let first = true;
    const loadSoon = () => {
      timer ??= setTimeout(() => {
        timer = null;
        void load();
      }, REFETCH_DEBOUNCE_MS);
    };
    const subscription = client.subscription(fogJobUpdatesSubscription, { jobId: id }).subscribe((r) => {
      if (r.error) return setLive((prev) => ({ ...prev, error: apiError(r.error!) }));
      const u = r.data?.fogJobUpdates;
      if (!u) return;
      if (u.kind === 'LOG' && u.stream && u.text) chunks.current.push({ stream: u.stream, text: u.text });
      setLive((prev) => ({ chunks: chunks.current.length, events: prev.events + 1, error: null }));
      if (first || u.kind !== 'LOG') loadSoon();
      first = false;
    });
    return () => {
      subscription.unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [mounted, client, id, load]);

  const job = snapshot?.job;
  const active = job ? isActiveJob(job.status) : false;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [active, load]);

  const liveText = (stream: FogLogStream) =>
    chunks.current
      .slice(snapshot?.fromChunk ?? 0)
      .filter((c) => c.stream === stream)
      .map((c) => c.text)
      .join('');
  const stdout = job ? mergeLog(job.stdout, liveText('STDOUT')) : '';
  const stderr = job ? mergeLog(job.stderr, liveText('STDERR')) : '';
  const stream = streamState(live.error, socket, live.events, false);

  const onCancel = async () => {
    setCancelError(null);
    const outcome = await cancelJob({ id });
    setConfirming(false);
    if (outcome.error) return setCancelError(apiError(outcome.error));
    void load();
  };

  return (
    <div className="fog-job" data-testid="fog-job" data-id={id} data-status={job?.status ?? ''}>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href={fogHref({ namespace: job?.namespace })} className="link" data-testid="fog-job-back">
          Fog
        </Link>
        <span aria-hidden>/</span>
        <span className="crumbs__current">{job?.name || id}</span>
      </nav>

      {loadError && !job ? (
        <ApiErrorCallout error={loadError} testId="fog-job-load-error" prefix={loadError.code === 'NOT_FOUND' ? undefined : 'Could not load the job'} />
      ) : !job ? (
        <div className="card skeleton" aria-busy />
      ) : (
        <>
          <header className="card model__head">
            <div className="model__title-row">
              <h2 className="model__title" data-testid="fog-job-name">
                {job.name || 'Fog job'}
              </h2>
              <FogJobStatusBadge status={job.status} testId="fog-job-status" />
              <TierChip tier={job.tier} testId="fog-job-tier" />
              <span className="chip">{job.namespace}</span>
              <div className="training-run__actions">
                {active && !job.cancelRequested ? (
                  <button type="button" className="button button--ghost-danger button--small" onClick={() => setConfirming(true)} data-testid="fog-job-cancel">
                    Cancel job
                  </button>
                ) : null}
                {job.cancelRequested && active ? <span className="muted small" data-testid="fog-job-cancel-requested">cancelling…</span> : null}
                <button type="button" className="button button--secondary button--small" onClick={() => void load()} data-testid="fog-job-refresh">
                  Refresh
                </button>
              </div>
            </div>
            <div className="model__meta muted">
              <span className="mono">{job.id}</span>
              <CopyButton text={job.id} small label="Copy id" testId="fog-job-copy-id" />
              <span>attempt {job.attempt}</span>
              {job.nodeId ? (
                <Link className="link" href={fogHref({ namespace: job.namespace, node: job.nodeId })} data-testid="fog-job-node" data-value={job.nodeId}>
                  node {job.nodeId.slice(0, 8)}
                </Link>
              ) : null}
            </div>
            {job.holdReason && job.status === 'QUEUED' ? (
              <p className="callout callout--info" data-testid="fog-job-hold">
                Waiting: {job.holdReason}
              </p>
            ) : null}
            {confirming ? (
              <ConfirmBar
                label="Cancel job"
                title="Cancel this job?"
                action="Cancel job"
                busyAction="Cancelling…"
                busy={cancelState.fetching}
                onCancel={() => setConfirming(false)}
                onConfirm={() => void onCancel()}
                testIdPrefix="fog-job-cancel"
              >
                A queued job is cancelled at once; a running one is stopped by its agent at its next heartbeat.
              </ConfirmBar>
            ) : null}
            {cancelError ? <ApiErrorCallout error={cancelError} testId="fog-job-cancel-error" prefix="Could not cancel" /> : null}
          </header>

          <div className="fog-job__cards">
            <FogJobSpec job={job} />
            <FogJobTimeline job={job} now={now} />
            <FogJobResult job={job} />
          </div>

          <Section
            testId="fog-job-logs"
            heading="h3"
            title="Output"
            sub="stdout and stderr as the agent reports them, appended live; the first FOG_LOG_MAX_BYTES characters are stored."
            aside={<ConnectionBadge state={stream} testId="fog-job-stream" />}
          >
            <div className="fog-logs">
              <LogView label="stdout" text={stdout} bytes={job.stdoutBytes} testId="fog-job-stdout" liveChunks={live.chunks} />
              <LogView label="stderr" text={stderr} bytes={job.stderrBytes} testId="fog-job-stderr" liveChunks={live.chunks} />
            </div>
          </Section>
        </>
      )}
    </div>
  );
}

function Field({ label, children, testId, value }: { label: string; children: ReactNode; testId?: string; value?: string | number | null }) {
  return (
    <div className="peer-fields__item" data-testid={testId} data-value={value ?? ''}>
      <span className="peer-fields__key">{label}</span> <span>{children}</span>
    </div>
  );
}

function FogJobSpec({ job }: { job: FogJobDetail }) {
  return (
    <section className="card peer-fields" data-testid="fog-job-spec" aria-label="Spec">
      <h3 className="table-card__title">Spec</h3>
      <Field label="Runtime" testId="fog-job-runtime" value={job.runtime}>
        {job.runtime === 'COMMAND' ? <>command template <span className="mono">{job.template}</span></> : 'WASI module'}
      </Field>
      {job.moduleSha256 ? (
        <Field label="Module" value={job.moduleSha256}>
          <span className="mono small" title={job.moduleSha256}>sha256 {job.moduleSha256.slice(0, 16)}…</span>
        </Field>
      ) : null}
      <Field label="Args" testId="fog-job-args" value={job.args.join(' ')}>
        {job.args.length ? job.args.map((a, i) => <code key={i} className="code">{a}</code>) : <span className="muted">none</span>}
      </Field>
      <Field label="Resources" testId="fog-job-resources">
        {job.cpuCores} cores · {job.memoryMb} MB · {job.gpus} GPUs
      </Field>
      <Field label="Timeout" value={job.timeoutMs}>{formatDurationMs(job.timeoutMs)}</Field>
      <Field label="SLA · priority" testId="fog-job-sla" value={job.sla}>
        {job.sla} · {job.priority}
      </Field>
    </section>
  );
}

const STAMPS = [
  ['queuedAt', 'Queued'],
  ['scheduledAt', 'Scheduled'],
  ['startedAt', 'Started'],
  ['finishedAt', 'Finished'],
] as const;
const SPANS = [
  ['queueWaitMs', 'Queue wait', 'queued → scheduled'],
  ['allocationMs', 'Allocation', 'scheduled → running on the agent'],
  ['startupMs', 'Startup', 'sandbox: compile + instantiate'],
  ['runMs', 'Run', 'sandbox: _start'],
  ['cleanupMs', 'Cleanup', 'sandbox: teardown'],
  ['totalRunMs', 'Running', 'running → finished, as the API saw it'],
] as const;

function FogJobTimeline({ job, now }: { job: FogJobDetail; now: number }) {
  return (
    <section className="card peer-fields" data-testid="fog-job-timings" aria-label="Timings">
      <h3 className="table-card__title">Timeline</h3>
      {STAMPS.map(([key, label]) => (
        <Field key={key} label={label} testId={`fog-job-${key}`} value={job[key] ?? null}>
          <span className="mono">{formatDateTime(job[key], true)}</span>
        </Field>
      ))}
      {SPANS.map(([key, label, hint]) => {
        let value = job.timings[key] ?? null;
        // Still waiting or running: counted from the timestamps until the API has the figure.
        if (value == null && key === 'queueWaitMs' && job.status === 'QUEUED') value = now - Date.parse(job.queuedAt);
        if (value == null && key === 'totalRunMs' && job.status === 'RUNNING' && job.startedAt) value = now - Date.parse(job.startedAt);
        return (
          <Field key={key} label={label} testId={`fog-job-${key}`} value={job.timings[key] ?? null}>
            <span className="mono" title={hint}>{key === 'totalRunMs' || key === 'queueWaitMs' ? formatDurationMs(value) : formatMs(value)}</span>
          </Field>
        );
      })}
    </section>
  );
}

function FogJobResult({ job }: { job: FogJobDetail }) {
  return (
    <section className="card peer-fields" data-testid="fog-job-result" aria-label="Result">
      <h3 className="table-card__title">Result</h3>
      <Field label="Status" value={job.status}>{job.status}</Field>
      <Field label="Exit code" testId="fog-job-exit-code" value={job.exitCode}>
        {job.exitCode ?? '—'}
      </Field>
      <Field label="Error code" testId="fog-job-error-code" value={job.errorCode}>
        {job.errorCode ? <code className="code">{job.errorCode}</code> : '—'}
      </Field>
      <Field label="CPU time" testId="fog-job-cpu" value={job.cpuMs}>{formatMs(job.cpuMs)}</Field>
      {job.error ? (
        <pre className="snippet snippet--error" data-testid="fog-job-error">
          {job.error}
        </pre>
      ) : null}
    </section>
  );
}

function LogView({ label, text, bytes, testId, liveChunks }: { label: string; text: string; bytes: number; testId: string; liveChunks: number }) {
  return (
    <figure className="card fog-logs__stream" data-testid={testId} data-length={text.length} data-bytes={bytes} data-live-chunks={liveChunks}>
      <figcaption className="fog-logs__head">
        <span className="table-card__title">{label}</span>
        <span className="muted small">{formatBytes(bytes)} written</span>
      </figcaption>
      <pre className="snippet fog-log" data-testid={`${testId}-text`}>
        {text || <span className="muted">(nothing yet)</span>}
      </pre>
    </figure>
  );
}
