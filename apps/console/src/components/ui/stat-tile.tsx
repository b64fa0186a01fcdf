/**
 * One current value with its label. `value` is also written raw to `data-value` so tests and
 * scripts read numbers, not formatted text.
 */
import type { ReactNode } from 'react';
import { formatNumber } from '@/lib/format';

interface StatTileProps {
  label: string;
  display: ReactNode;
  value: number | string | null;
  unit?: string;
  hint?: ReactNode;
  testId: string;
}

export function StatTile({ label, display, value, unit, hint, testId }: StatTileProps) {
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

/** A tile for a number shown by `formatNumber` ("—" while there is none). */
export function NumberTile({
  value,
  digits,
  ...tile
}: Omit<StatTileProps, 'value' | 'display'> & { value: number | null | undefined; digits?: number }) {
  return <StatTile {...tile} value={value ?? null} display={formatNumber(value, digits)} />;
}
