'use client';
/**
 * A run's eight phases in pipeline order: status, executor (and bound command), attempt (more
 * than one: a retry, or a worker that stopped mid-phase and another that resumed it from its
 * checkpoint — the only cause while the run is in its first generation), how
 * long it ran, why it was skipped, its error (a command's stderr tail), its summary figures
 * and the model versions it registered (linked to the Models page). A finished run offers
 * "Retry" on a failed or cancelled phase and "Resume from here" on a succeeded one; the
 * API's refusal (CONFLICT, BAD_USER_INPUT) is shown on the phase.
 */
import Link from 'next/link';
import type { TrainingPhase } from '@/gql/graphql';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { modelHref } from '@/components/models/model-links';
import type { ApiErrorInfo } from '@/lib/errors';
import { formatAgo, formatBytes, formatClock, formatDateTime, formatDurationMs } from '@/lib/format';
import type { TrainingRunDetail, TrainingPhaseRow } from './training-run-detail-panel';
import { elapsedMs, isActive, phaseMeta, PHASE_ORDER } from './training-phases';
import { TrainingStatusBadge } from './training-status-badge';

/** "0.9731", "12", "ternary-2bit", JSON for anything else. */
export function figure(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function figureEntries(value: unknown): [string, string][] {
  if (value == null) return [];
  if (typeof value !== 'object' || Array.isArray(value)) return [['value', figure(value)]];
  return Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, figure(v)]);
}

type RetryMode = 'retry' | 'resume';

function retryModeOf(run: TrainingRunDetail, phase: TrainingPhaseRow): RetryMode | null {
  if (isActive(run.status) || phase.executor === 'SKIP') return null;
  if (phase.status === 'FAILED' || phase.status === 'CANCELLED') return 'retry';
  if (phase.status === 'SUCCEEDED') return 'resume';
  return null;
}

function commandOf(run: TrainingRunDetail, phase: TrainingPhase): string | null {
  const config = run.config as { phases?: Record<string, { command?: unknown }> } | null;
  const command = config?.phases?.[phase]?.command;
  return typeof command === 'string' ? command : null;
}

export function TrainingPhaseTimeline({
  run,
  now,
  retrying,
  retryError,
  onRetry,
}: {
  run: TrainingRunDetail;
  now: number;
  /** The phase whose retry is in flight. */
  retrying: TrainingPhase | null;
  retryError: { phase: TrainingPhase; error: ApiErrorInfo } | null;
  onRetry: (phase: TrainingPhase) => void;
}) {
  const phases = [...run.phases].sort((a, b) => PHASE_ORDER.indexOf(a.phase) - PHASE_ORDER.indexOf(b.phase));
  return (
    <ol className="timeline" data-testid="training-phases">
      {phases.map((p, index) => {
        const meta = phaseMeta(p.phase);
        const mode = retryModeOf(run, p);
        const duration = p.status === 'RUNNING' || p.finishedAt ? elapsedMs(p, now) : null;
        const command = p.executor === 'COMMAND' ? commandOf(run, p.phase) : null;
        const summary = figureEntries(p.summary);
        const error = retryError?.phase === p.phase ? retryError.error : null;
        return (
          <li
            key={p.id}
            className={`timeline__item timeline__item--${p.status.toLowerCase()}`}
            data-testid="training-phase"
            data-phase={p.phase}
            data-status={p.status}
            data-attempt={p.attempt}
            data-executor={p.executor}
          >
            <div className="timeline__marker" aria-hidden>
              {index + 1}
            </div>
            <div className="timeline__body">
              <div className="timeline__head">
                <span className="timeline__title">{meta.title}</span>
                <code className="code">{p.phase}</code>
                <span className="chip" data-testid="training-phase-executor">
                  {p.executor === 'BUILTIN' ? 'built-in' : p.executor === 'COMMAND' ? `command${command ? `: ${command}` : ''}` : 'skip'}
                </span>
                <TrainingStatusBadge status={p.status} testId="training-phase-status" />
                {p.attempt > 1 ? (
                  <span
                    className="training-attempt"
                    data-testid="training-phase-attempt"
                    data-value={p.attempt}
                    data-resumed={run.generation === 1}
                    title={
                      run.generation === 1
                        ? 'A worker stopped during this phase; another one resumed it from its last checkpoint'
                        : 'Started more than once: by a retry or resume, or after a worker stopped mid-phase'
                    }
                  >
                    attempt {p.attempt}
                    {run.generation === 1 ? ' · resumed after a worker stopped' : ''}
                  </span>
                ) : (
                  <span className="muted small" data-testid="training-phase-attempt" data-value={p.attempt}>
                    {p.attempt === 1 ? 'attempt 1' : ''}
                  </span>
                )}
                <span className="timeline__time muted small">
                  {p.startedAt ? (
                    <span title={formatDateTime(p.startedAt, true)}>started {formatClock(p.startedAt)}</span>
                  ) : null}
                  {duration != null ? (
                    <span data-testid="training-phase-duration" data-value={duration}>
                      {p.status === 'RUNNING' ? 'running for ' : 'took '}
                      {formatDurationMs(duration)}
                    </span>
                  ) : null}
                  {p.status === 'RUNNING' && p.checkpointAt ? (
                    <span data-testid="training-phase-checkpoint">checkpoint {formatAgo(p.checkpointAt, now)}</span>
                  ) : null}
                </span>
                {mode ? (
                  <button
                    type="button"
                    className={`button button--small ${mode === 'retry' ? 'button--secondary' : 'button--link'} timeline__action`}
                    disabled={retrying !== null}
                    onClick={() => onRetry(p.phase)}
                    data-testid="training-phase-retry"
                    data-mode={mode}
                    title={
                      mode === 'retry'
                        ? 'Run this phase again, and every phase after it, as a new generation'
                        : 'Run the pipeline again from this phase (this phase and every later one), as a new generation'
                    }
                  >
                    {retrying === p.phase ? 'Queuing…' : mode === 'retry' ? 'Retry' : 'Resume from here'}
                  </button>
                ) : null}
              </div>

              {p.status === 'SKIPPED' && p.skipReason ? (
                <p className="timeline__note muted" data-testid="training-phase-skip-reason">
                  {p.skipReason}
                </p>
              ) : null}
              {p.error ? (
                <pre className="snippet snippet--error" data-testid="training-phase-error">
                  {p.error}
                </pre>
              ) : null}
              {summary.length ? (
                <div className="timeline__figures" data-testid="training-phase-summary">
                  {summary.map(([k, v]) => (
                    <span key={k} className="kv" title={`${k}: ${v}`}>
                      <span className="kv__key">{k}</span> <span className="mono">{v}</span>
                    </span>
                  ))}
                </div>
              ) : null}
              {p.artifacts.length ? (
                <div className="timeline__artifacts" data-testid="training-phase-artifacts">
                  <span className="muted small">Registered</span>
                  {p.artifacts.map((a) => (
                    <Link
                      key={a.id}
                      className="link training-artifact"
                      href={modelHref(run.modelName, run.namespace)}
                      data-testid="training-phase-artifact"
                      data-version={a.version}
                      title={`sha256 ${a.sha256}`}
                    >
                      {run.modelName} v{a.version}
                      <span className="muted small">
                        {' '}
                        · {a.quantisation} · {formatBytes(a.sizeBytes)}
                      </span>
                    </Link>
                  ))}
                </div>
              ) : null}
              {error ? <ApiErrorCallout error={error} testId="training-phase-retry-error" prefix={`Could not retry ${p.phase}`} /> : null}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
