/** A small coloured pill: ok / warn / error / neutral. */
import type { ReactNode } from 'react';

export type Tone = 'ok' | 'warn' | 'error' | 'neutral';

export function StatusBadge({ tone, children, testId }: { tone: Tone; children: ReactNode; testId?: string }) {
  return (
    <span className={`badge badge--${tone}`} data-testid={testId} data-tone={tone}>
      <span className="badge__dot" aria-hidden />
      {children}
    </span>
  );
}
