/** One measured dependency (Postgres, Redis or a queue): up/down, probe latency, details. */
import type { ReactNode } from 'react';
import { formatMs } from '@/lib/format';
import { StatusBadge } from '@/components/ui/status-badge';

export function DependencyCard({
  title,
  kind,
  ok,
  latencyMs,
  error,
  testId,
  children,
}: {
  title: string;
  kind: string;
  ok: boolean;
  latencyMs: number | null | undefined;
  error: string | null | undefined;
  testId: string;
  children?: ReactNode;
}) {
  return (
    <article className="card dep" data-testid={testId} data-ok={ok ? 'true' : 'false'}>
      <header className="dep__head">
        <div>
          <div className="dep__kind">{kind}</div>
          <h3 className="dep__title">{title}</h3>
        </div>
        <StatusBadge tone={ok ? 'ok' : 'error'}>{ok ? 'OK' : 'Down'}</StatusBadge>
      </header>
      <div className="dep__latency" data-testid={`${testId}-latency`} data-value={latencyMs ?? ''}>
        <span className="dep__latency-value">{formatMs(latencyMs)}</span>
        <span className="dep__latency-label">probe round trip</span>
      </div>
      {children}
      {error ? <p className="dep__error">{error}</p> : null}
    </article>
  );
}
