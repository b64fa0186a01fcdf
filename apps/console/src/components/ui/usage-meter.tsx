/**
 * Current use against a limit: "12 / 500" with a bar that turns amber at 80 % and red at
 * 100 %. A null limit reads "Unlimited" without a count: the API does not meter what it does
 * not limit, so its count would always be 0. Raw numbers go to data-value / data-limit.
 */
export function UsageMeter({
  used,
  limit,
  unit,
  testId,
  dimmed = false,
}: {
  used: number;
  limit: number | null;
  unit: string;
  testId: string;
  dimmed?: boolean;
}) {
  const ratio = limit ? Math.min(1, used / limit) : 0;
  const tone = limit == null ? 'none' : ratio >= 1 ? 'error' : ratio >= 0.8 ? 'warn' : 'ok';
  return (
    <div
      className={`meter${dimmed ? ' meter--dimmed' : ''}`}
      data-testid={testId}
      data-value={used}
      data-limit={limit ?? ''}
      title={limit == null ? "Unlimited: not limited, not metered" : `${used} of ${limit} ${unit}`}
    >
      {limit == null ? (
        <div className="meter__text meter__text--unlimited">Unlimited</div>
      ) : (
        <>
          <div className="meter__text">
            <span className="meter__used">{used.toLocaleString('en-US')}</span>
            <span className="meter__limit"> / {limit.toLocaleString('en-US')}</span>
          </div>
          <div className="meter__track" aria-hidden>
            <div className={`meter__bar meter__bar--${tone}`} style={{ width: `${Math.max(ratio * 100, used > 0 ? 3 : 0)}%` }} />
          </div>
        </>
      )}
    </div>
  );
}
