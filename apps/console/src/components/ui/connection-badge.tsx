/** The state of a live stream (a subscription): connecting, live (pulsing), or failed. */
import { StatusBadge, type Tone } from './status-badge';
import type { StreamState } from './stream-state';

export function ConnectionBadge({
  state,
  testId,
  liveLabel = 'Live',
  pulse = state === 'live',
}: {
  state: StreamState;
  testId: string;
  liveLabel?: string;
  pulse?: boolean;
}) {
  const tone: Tone = state === 'live' ? 'ok' : state === 'error' ? 'error' : 'neutral';
  const label = state === 'live' ? liveLabel : state === 'error' ? 'Connection error' : 'Connecting…';
  return (
    <span data-testid={testId} data-state={state} className={pulse ? 'pulse' : undefined}>
      <StatusBadge tone={tone}>{label}</StatusBadge>
    </span>
  );
}
