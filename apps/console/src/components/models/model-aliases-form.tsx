'use client';
/**
 * Aliases of one model: where each points, pointing one (new or existing) at a version, and
 * removing one. Inference without a version or alias uses "production". Developers in the
 * model's namespace may change them (the API enforces it); API errors are shown with their code.
 */
import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { apiError, type ApiErrorInfo } from '@/lib/errors';
import { ApiErrorCallout } from './api-error-callout';
import type { ModelDetail } from './model-detail-panel';
import { setModelAliasMutation } from './models.operations';

const SUGGESTED = ['production', 'staging', 'canary', 'shadow'];

export function ModelAliasesForm({
  model,
  canManage,
  onChanged,
}: {
  model: ModelDetail;
  canManage: boolean;
  onChanged: () => void;
}) {
  const id = useId();
  const [state, setAlias] = useMutation(setModelAliasMutation);
  const [alias, setAliasName] = useState('production');
  const [version, setVersion] = useState<string>(() => String(model.versions[0]?.version ?? ''));
  const [removing, setRemoving] = useState<string | null>(null);
  const [error, setError] = useState<ApiErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const versions = model.versions.map((v) => v.version);
  const selected = versions.includes(Number(version)) ? version : String(versions[0] ?? '');
  const existing = model.aliases.find((a) => a.alias === alias.trim());

  const run = async (name: string, to: number | null, done: string) => {
    setError(null);
    setNotice(null);
    const result = await setAlias({ model: model.name, namespace: model.namespace, alias: name, version: to });
    if (result.error) {
      setError(apiError(result.error));
      return;
    }
    setNotice(done);
    onChanged();
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = alias.trim();
    if (!name) return setError({ code: null, message: 'Name the alias, e.g. production or staging.' });
    if (!selected) return setError({ code: null, message: 'This model has no version to point at.' });
    await run(name, Number(selected), `${name} now points at v${selected}.`);
  };

  const onRemove = async (name: string) => {
    setRemoving(name);
    await run(name, null, `${name} removed.`);
    setRemoving(null);
  };

  return (
    <section className="card form-card" data-testid="model-aliases" aria-labelledby={`${id}-title`}>
      <div className="form-card__head">
        <h3 id={`${id}-title`} className="table-card__title">
          Aliases
        </h3>
        <span className="muted small">runInference without a version uses production</span>
      </div>

      {model.aliases.length === 0 ? (
        <p className="muted" data-testid="model-aliases-empty">
          No aliases yet: requests without a version run the latest one.
        </p>
      ) : (
        <ul className="alias-list">
          {model.aliases.map((a) => (
            <li key={a.alias} className="alias-list__item" data-testid="model-alias-row" data-alias={a.alias} data-version={a.version}>
              <span className={`alias alias--${a.alias === 'production' ? 'prod' : a.alias === 'staging' ? 'staging' : 'other'}`}>
                {a.alias}
              </span>
              <span className="muted">→</span>
              <span className="mono">v{a.version}</span>
              {canManage ? (
                <button
                  type="button"
                  className="button button--link alias-list__remove"
                  disabled={removing === a.alias || state.fetching}
                  onClick={() => void onRemove(a.alias)}
                  data-testid="model-alias-remove"
                >
                  {removing === a.alias ? 'Removing…' : 'Remove'}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}

      {canManage ? (
        <form className="alias-form" onSubmit={onSubmit} noValidate data-testid="model-alias-form">
          <label className="field" htmlFor={`${id}-alias`}>
            <span className="field__label">Alias</span>
            <input
              id={`${id}-alias`}
              className="input"
              value={alias}
              maxLength={64}
              list={`${id}-suggestions`}
              placeholder="production"
              onChange={(e) => setAliasName(e.target.value)}
              data-testid="model-alias-name"
            />
            <datalist id={`${id}-suggestions`}>
              {[...new Set([...SUGGESTED, ...model.aliases.map((a) => a.alias)])].map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          </label>
          <label className="field" htmlFor={`${id}-version`}>
            <span className="field__label">Version</span>
            <select
              id={`${id}-version`}
              className="input"
              value={selected}
              onChange={(e) => setVersion(e.target.value)}
              data-testid="model-alias-version"
            >
              {versions.map((v) => (
                <option key={v} value={v}>
                  v{v}
                  {v === versions[0] ? ' (latest)' : ''}
                </option>
              ))}
            </select>
          </label>
          <button
            type="submit"
            className="button button--primary"
            disabled={state.fetching || versions.length === 0}
            data-testid="model-alias-submit"
          >
            {state.fetching && !removing ? 'Saving…' : existing ? 'Move alias' : 'Point alias'}
          </button>
        </form>
      ) : (
        <p className="callout callout--info" data-testid="model-aliases-readonly">
          Moving aliases needs the developer role in {model.namespace}.
        </p>
      )}

      {error ? <ApiErrorCallout error={error} testId="model-alias-error" /> : null}
      {notice && !error ? (
        <p className="callout callout--ok" data-testid="model-alias-notice">
          {notice}
        </p>
      ) : null}
    </section>
  );
}
