/** A form's namespace choice: the namespaces offered, or the current value alone (shown as "—" when empty) while there are none. */
export function NamespaceField({
  id,
  value,
  choices,
  onChange,
  testId,
}: {
  id: string;
  value: string;
  choices: readonly string[];
  onChange: (namespace: string) => void;
  testId: string;
}) {
  return (
    <label className="field" htmlFor={id}>
      <span className="field__label">Namespace</span>
      <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {choices.length === 0 ? <option value={value}>{value || '—'}</option> : null}
        {choices.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );
}
