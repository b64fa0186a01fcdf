/**
 * One current value with its label. `value` is also written raw to `data-value` so tests and
 * scripts read numbers, not formatted text.
 */
import type { ReactNode } from 'react';

export function StatTile({
  label,
  display,
  value,
  unit,
  hint,
  testId,
}: {
  label: string;
  display: ReactNode;
  value: number | string | null;
  unit?: string;
  hint?: ReactNode;
  testId: string;
}) {
  return (
    <div className="tile" data-testid={testId} data-value={value ?? ''}>
      <div className="tile__label">{label}</div>
      <div className="tile__value">
        {display}
        {unit ? <span className="tile__unit">{unit}</span> : null}
      </div>
      {hint ? <div className="tile__hint">{hint}</div> : null}
    </div>
  );
}
