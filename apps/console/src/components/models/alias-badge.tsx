/** An alias as a pill: "production → v3" (or just "production" beside its version). */
export function AliasBadge({ alias, version }: { alias: string; version?: number }) {
  const tone = alias === 'production' ? 'prod' : alias === 'staging' ? 'staging' : 'other';
  return (
    <span className={`alias alias--${tone}`} data-testid="model-alias" data-alias={alias} data-version={version ?? ''}>
      {alias}
      {version !== undefined ? <span className="alias__version">v{version}</span> : null}
    </span>
  );
}
