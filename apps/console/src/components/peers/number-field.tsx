/**
 * A number typed into a form, kept as text while it is edited. Only whether it is a number is
 * checked here; ranges are the API's to check (its message is what the page shows).
 */

/** The number in `text`; empty: null when optional; otherwise a message naming `label`. */
export function parseNumber(label: string, text: string, { integer = false, optional = false } = {}): number | null | string {
  const trimmed = text.trim();
  if (trimmed === '') return optional ? null : `${label} is required.`;
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return `${label} must be a number, got “${trimmed}”.`;
  if (integer && !Number.isInteger(value)) return `${label} must be a whole number, got ${trimmed}.`;
  return value;
}

export function NumberField({
  id,
  label,
  hint,
  value,
  onChange,
  testId,
  placeholder,
  compact = false,
}: {
  id: string;
  label: string;
  hint?: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
  placeholder?: string;
  /** Label beside a narrow input (inside a fieldset). */
  compact?: boolean;
}) {
  return (
    <label className={compact ? 'field field--compact' : 'field'} htmlFor={id}>
      <span className="field__label">
        {label}
        {hint ? <span className="field__optional"> {hint}</span> : null}
      </span>
      <input
        id={id}
        className={compact ? 'input input--narrow mono' : 'input mono'}
        inputMode="decimal"
        value={value}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      />
    </label>
  );
}
