/** How many samples a live panel received, and when the newest was taken (raw values in `data-value`). */
import { formatClock } from '@/lib/format';

export function SampleCount({ testId, received }: { testId: string; received: number }) {
  return (
    <span data-testid={testId} data-value={received}>
      {received} {received === 1 ? 'sample' : 'samples'}
    </span>
  );
}

/** " · last 12:34:56", or nothing before the first sample. */
export function LastSampleAt({ testId, at }: { testId: string; at: string | undefined }) {
  return at ? (
    <>
      {' · last '}
      <span data-testid={testId} data-value={at}>
        {formatClock(at)}
      </span>
    </>
  ) : null;
}
