'use client';
/**
 * The live API instances and worker processes, each with "CPU profile" (for the chosen
 * seconds) and "Heap snapshot". Seconds are only checked for being a number here; the API's
 * refusal (1 to 60) is shown as it comes.
 */
import { useId, useState } from 'react';
import type { ProfilingTargetsQuery } from '@/gql/graphql';
import { NumberField, parseNumber } from '@/components/peers/number-field';
import { StatusBadge } from '@/components/ui/status-badge';
import { formatDateTime } from '@/lib/format';

type Target = ProfilingTargetsQuery['profilingTargets'][number];

export function ProfilingTargetsTable({
  targets,
  busy,
  onCpu,
  onHeap,
}: {
  targets: readonly Target[];
  /** Instance ids with a capture PENDING or CAPTURING. */
  busy: ReadonlySet<string>;
  onCpu: (target: string, seconds: number) => void;
  onHeap: (target: string) => void;
}) {
  const id = useId();
  const [seconds, setSeconds] = useState('5');
  const [problem, setProblem] = useState<string | null>(null);
  const cpu = (target: string) => {
    const value = parseNumber('Seconds', seconds, { integer: true });
    if (typeof value !== 'number') return setProblem(value ?? 'Seconds is required.');
    setProblem(null);
    onCpu(target, value);
  };
  return (
    <>
      <div className="toolbar">
        <NumberField id={`${id}-seconds`} label="CPU profile length (s)" hint="1 to 60" value={seconds} onChange={setSeconds} testId="profiling-seconds" compact />
      </div>
      {problem ? (
        <div className="callout callout--error" role="alert" data-testid="profiling-seconds-problem">
          {problem}
        </div>
      ) : null}
      <div className="table-scroll">
        <table className="table" data-testid="profiling-targets">
          <thead>
            <tr>
              <th>Process</th>
              <th>Instance</th>
              <th>Last seen</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {targets.map((t) => (
              <tr key={t.id} data-testid="profiling-target" data-id={t.id} data-component={t.component} data-self={t.self}>
                <td>
                  <StatusBadge tone="neutral">{t.component === 'API' ? 'API' : 'Worker'}</StatusBadge>
                  {t.self ? <div className="small muted">this instance</div> : null}
                </td>
                <td className="small">
                  <div className="mono">{t.id}</div>
                  <div className="muted">
                    {t.host ?? 'host ?'} · pid {t.pid ?? '?'}
                    {t.queues.length ? ` · ${t.queues.join(', ')}` : ''}
                  </div>
                </td>
                <td className="mono small">{formatDateTime(t.lastSeenAt, true)}</td>
                <td className="actions">
                  <div className="toolbar">
                    <button type="button" className="button button--secondary button--small" data-testid="profiling-capture-cpu" disabled={busy.has(t.id)} onClick={() => cpu(t.id)}>
                      CPU profile
                    </button>
                    <button type="button" className="button button--secondary button--small" data-testid="profiling-capture-heap" disabled={busy.has(t.id)} onClick={() => onHeap(t.id)}>
                      Heap snapshot
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
