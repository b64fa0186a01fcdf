/** Controls of a list's toolbar: a filter (a select whose empty choice means "all", unless there is none) and Refresh. */
import type { ReactNode } from 'react';

export interface FilterOption {
  value: string;
  label: ReactNode;
}

export function FilterSelect({
  label,
  allLabel,
  value,
  options,
  onChange,
  testId,
}: {
  label: string;
  /** The empty choice: no filter. Without it a value must be chosen (e.g. the one namespace a live view follows). */
  allLabel?: string;
  value: string;
  /** Values shown as they are, or with labels. */
  options: readonly (string | FilterOption)[];
  onChange: (value: string) => void;
  testId: string;
}) {
  return (
    <label className="toolbar__field">
      <span className="muted">{label}</span>
      <select className="input input--compact" value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {allLabel != null ? <option value="">{allLabel}</option> : null}
        {options.map((o) => {
          const { value: v, label: text } = typeof o === 'string' ? { value: o, label: o } : o;
          return (
            <option key={v} value={v}>
              {text}
            </option>
          );
        })}
      </select>
    </label>
  );
}

/** The namespaces to offer: the viewer's, and the selected one first if it is not among them (a shared URL). */
export function namespaceChoices(selected: string | null, names: readonly string[]): string[] {
  return selected && !names.includes(selected) ? [selected, ...names] : [...names];
}

export function RefreshButton({ onClick, testId }: { onClick: () => void; testId: string }) {
  return (
    <button type="button" className="button button--secondary button--small" onClick={onClick} data-testid={testId}>
      Refresh
    </button>
  );
}
