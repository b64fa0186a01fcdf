/**
 * Where the time of one runInference call went: the legs end to end as one stacked bar (send
 * → queue → worker: batch wait, run, the rest → reply), the main figures as tiles, and which
 * worker ran it in how big a batch.
 */
import { StatTile } from '@/components/ui/stat-tile';
import { formatMs } from '@/lib/format';
import type { InferenceAnswer } from './try-inference-panel';

type Timings = InferenceAnswer['timings'];

interface Leg {
  key: string;
  label: string;
  ms: number;
  hint: string;
}

/** The legs in order; what the API measured but no leg explains is "other". */
export function timingLegs(t: Timings): Leg[] {
  const workerRest = Math.max(0, t.workerMs - t.batchWaitMs - t.runMs);
  const other = Math.max(0, t.totalMs - t.sendMs - t.queueMs - t.workerMs - t.replyMs);
  return [
    { key: 'send', label: 'Send', ms: t.sendMs, hint: 'coalescing with the event-loop turn, enqueueing' },
    { key: 'queue', label: 'Queue', ms: t.queueMs, hint: 'until a worker took the job' },
    { key: 'batch-wait', label: 'Batch wait', ms: t.batchWaitMs, hint: "in the worker's dynamic batcher" },
    { key: 'run', label: 'Run', ms: t.runMs, hint: 'inside onnxruntime' },
    { key: 'worker-rest', label: 'Worker other', ms: workerRest, hint: 'decoding inputs, encoding outputs' },
    { key: 'reply', label: 'Reply', ms: t.replyMs, hint: 'from the worker publishing to the API holding it' },
    { key: 'other', label: 'Other', ms: other, hint: 'at the API, outside the legs' },
  ];
}

/** The tiles of durations, as `try-timing-<key>`. */
const DURATION_TILES = [
  { key: 'total', field: 'totalMs', label: 'Total', hint: 'end to end, at the API' },
  { key: 'queue', field: 'queueMs', label: 'Queue', hint: 'until a worker took it' },
  { key: 'batch-wait', field: 'batchWaitMs', label: 'Batch wait', hint: 'waiting for company' },
  { key: 'run', field: 'runMs', label: 'Run', hint: 'inside onnxruntime' },
  { key: 'overhead', field: 'overheadMs', label: 'Overhead', hint: 'total − batch wait − run' },
] as const;

export function InferenceTimings({ timings: t }: { timings: Timings }) {
  const legs = timingLegs(t);
  const scale = Math.max(t.totalMs, legs.reduce((sum, l) => sum + l.ms, 0), 1e-9);
  return (
    <div className="timings" data-testid="try-timings">
      <div className="legs" data-testid="try-timing-legs" aria-label="Where the time went">
        <div className="legs__bar" aria-hidden>
          {legs.map((l) =>
            l.ms > 0 ? (
              <span
                key={l.key}
                className={`legs__seg legs__seg--${l.key}`}
                style={{ width: `${(l.ms / scale) * 100}%` }}
                title={`${l.label}: ${formatMs(l.ms)}`}
              />
            ) : null,
          )}
        </div>
        <ul className="legs__legend">
          {legs.map((l) => (
            <li key={l.key} title={l.hint} data-testid={`try-leg-${l.key}`} data-value={l.ms}>
              <span className={`legs__swatch legs__seg--${l.key}`} aria-hidden />
              {l.label} <span className="mono">{formatMs(l.ms)}</span>
            </li>
          ))}
        </ul>
      </div>
      <div className="grid grid--tiles try__timings">
        {DURATION_TILES.map((d) => (
          <StatTile
            key={d.key}
            testId={`try-timing-${d.key}`}
            label={d.label}
            value={t[d.field]}
            display={formatMs(t[d.field])}
            hint={d.hint}
          />
        ))}
        <StatTile
          testId="try-timing-batch-size"
          label="Batch"
          value={t.batchSize}
          display={t.batchSize}
          unit={t.batchSize === 1 ? 'row' : 'rows'}
          hint={`${t.batchRequests} ${t.batchRequests === 1 ? 'request' : 'requests'} in that run`}
        />
        <StatTile
          testId="try-timing-worker"
          label="Worker"
          value={t.worker}
          display={
            <span className="mono tile__mono" title={t.worker}>
              {t.worker}
            </span>
          }
        />
      </div>
    </div>
  );
}
