'use client';
/**
 * "Try it": runs one request through `runInference` on the inference workers. The editor is
 * pre-filled with a valid example built from the chosen version's input signature (symbolic
 * dims 1 unless set otherwise here, floats 0, integer ids small) and follows the choice of
 * version or alias; the answer
 * shows the outputs (class probabilities and argmax when an output looks like scores), where
 * the time went, or the API's error with its code — a BAD_USER_INPUT names the expected
 * signature, listed below it.
 */
import { useId, useState, type KeyboardEvent } from 'react';
import { useMutation } from 'urql';
import type { RunInferenceMutation } from '@/gql/graphql';
import { apiError, type ApiErrorInfo } from '@/lib/errors';
import { ApiErrorCallout } from './api-error-callout';
import { InferenceOutputs } from './inference-outputs';
import { InferenceTimings } from './inference-timings';
import type { ModelDetail, ModelVersionRow } from './model-detail-panel';
import { runInferenceMutation } from './models.operations';
import {
  DIM_MAX,
  EXAMPLE_MAX_ELEMENTS,
  exampleElements,
  exampleInputs,
  formatInputs,
  formatSpec,
  symbolicDims,
  type DimSizes,
  type TensorSpec,
} from './tensors';

export type InferenceAnswer = RunInferenceMutation['runInference'];

/** "default" (production, else latest), "alias:<name>" or "version:<n>". */
type Target = string;

interface TryError extends ApiErrorInfo {
  /** The signature the API expected (BAD_USER_INPUT from a model), when it sent one. */
  expected: TensorSpec[] | null;
}

function isSpecList(value: unknown): value is TensorSpec[] {
  return Array.isArray(value) && value.every((s) => s && typeof s === 'object' && typeof (s as TensorSpec).name === 'string');
}

/** The version a target means, as the API resolves it. */
function versionFor(model: ModelDetail, target: Target): ModelVersionRow | undefined {
  const byNumber = (n: number | undefined) => model.versions.find((v) => v.version === n);
  if (target.startsWith('version:')) return byNumber(Number(target.slice('version:'.length)));
  if (target.startsWith('alias:')) return byNumber(model.aliases.find((a) => a.alias === target.slice('alias:'.length))?.version);
  return byNumber(model.aliases.find((a) => a.alias === 'production')?.version) ?? model.versions[0];
}

/** The example request as editor text; null when it would be too large to edit. */
function example(version: ModelVersionRow | undefined, sizes: DimSizes = {}, random = false): string | null {
  if (!version) return '{}';
  if (exampleElements(version.inputs, sizes) > EXAMPLE_MAX_ELEMENTS) return null;
  return formatInputs(exampleInputs(version.inputs, random, sizes));
}

export function TryInferencePanel({ model }: { model: ModelDetail }) {
  const id = useId();
  const [, runInference] = useMutation(runInferenceMutation);
  const [target, setTarget] = useState<Target>('default');
  const version = versionFor(model, target);
  const [sizes, setSizes] = useState<DimSizes>({});
  const [text, setText] = useState(() => example(version) ?? '{}');
  const [exampleOf, setExampleOf] = useState(version?.id ?? '');
  const [running, setRunning] = useState(false);
  const [answer, setAnswer] = useState<InferenceAnswer | null>(null);
  const [error, setError] = useState<TryError | null>(null);
  const [runs, setRuns] = useState(0);

  // The editor follows the chosen version's signature (adjusted while rendering, not in an effect).
  const versionId = version?.id ?? '';
  if (exampleOf !== versionId) {
    setExampleOf(versionId);
    setSizes({});
    setText(example(version) ?? '{}');
  }
  const dims = version ? symbolicDims(version.inputs) : [];
  const elements = version ? exampleElements(version.inputs, sizes) : 0;
  const tooLarge = elements > EXAMPLE_MAX_ELEMENTS;
  /** Regenerates the example (unless too large to edit); the editor keeps its text otherwise. */
  const regenerate = (nextSizes: DimSizes, random = false) => {
    const next = example(version, nextSizes, random);
    if (next !== null) setText(next);
  };
  const setDim = (name: string, raw: string) => {
    const n = Math.min(DIM_MAX, Math.max(1, Math.floor(Number(raw)) || 1));
    const next = { ...sizes, [name]: n };
    setSizes(next);
    regenerate(next);
  };

  const production = model.aliases.find((a) => a.alias === 'production');
  const defaultLabel = production ? `Default — production (v${production.version})` : `Default — latest (v${model.versions[0]?.version ?? '—'})`;

  const run = async () => {
    setError(null);
    let inputs: unknown;
    try {
      inputs = JSON.parse(text);
    } catch (e) {
      setError({ code: 'INVALID_JSON', message: `The request is not valid JSON: ${(e as Error).message}`, expected: null });
      return;
    }
    setRunning(true);
    const result = await runInference({
      model: model.name,
      namespace: model.namespace,
      version: target.startsWith('version:') ? Number(target.slice('version:'.length)) : null,
      alias: target.startsWith('alias:') ? target.slice('alias:'.length) : null,
      inputs,
    });
    setRunning(false);
    setRuns((n) => n + 1);
    if (result.error) {
      const expected = result.error.graphQLErrors[0]?.extensions?.expected;
      setError({ ...apiError(result.error), expected: isSpecList(expected) ? expected : null });
      return;
    }
    if (result.data) setAnswer(result.data.runInference);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
      event.preventDefault();
      if (!running) void run();
    }
  };

  return (
    <section className="card form-card try" data-testid="try-inference" aria-labelledby={`${id}-title`}>
      <div className="form-card__head">
        <h3 id={`${id}-title`} className="table-card__title">
          Try it
        </h3>
        <span className="muted small">runs on the inference workers, like any API client</span>
      </div>

      <div className="try__controls">
        <label className="field" htmlFor={`${id}-target`}>
          <span className="field__label">Version or alias</span>
          <select
            id={`${id}-target`}
            className="input"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            data-testid="try-target"
          >
            <option value="default">{defaultLabel}</option>
            {model.aliases.length ? (
              <optgroup label="Aliases">
                {model.aliases.map((a) => (
                  <option key={a.alias} value={`alias:${a.alias}`}>
                    {a.alias} → v{a.version}
                  </option>
                ))}
              </optgroup>
            ) : null}
            <optgroup label="Versions">
              {model.versions.map((v) => (
                <option key={v.id} value={`version:${v.version}`}>
                  v{v.version}
                  {v.aliases.length ? ` (${v.aliases.join(', ')})` : ''}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        {version ? (
          <div className="try__signature" data-testid="try-signature">
            <span className="field__label">Expected inputs</span>
            <span className="mono">{version.inputs.map(formatSpec).join(', ') || '—'}</span>
          </div>
        ) : null}
      </div>

      {dims.length ? (
        <fieldset className="field try__dims" data-testid="try-dims">
          <legend className="field__label">
            Symbolic dims <span className="field__optional">sizes used by the example</span>
          </legend>
          <div className="try__dims-list">
            {dims.map((d) => (
              <label key={d} className="toolbar__field">
                <span className="mono">{d}</span>
                <input
                  className="input input--compact input--dim"
                  type="number"
                  min={1}
                  max={DIM_MAX}
                  step={1}
                  value={sizes[d] ?? 1}
                  onChange={(e) => setDim(d, e.target.value)}
                  data-testid={`try-dim-${d}`}
                />
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}

      <label className="field" htmlFor={`${id}-inputs`}>
        <span className="field__label">
          inputs <span className="field__optional">JSON: each input name → nested arrays, or {'{ data, dims }'}</span>
        </span>
        <textarea
          id={`${id}-inputs`}
          className="input textarea mono"
          rows={Math.min(12, Math.max(4, text.split('\n').length + 1))}
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          data-testid="try-input"
        />
        <span className={`field__hint${tooLarge ? ' field__hint--warn' : ''}`} data-testid="try-input-hint">
          {tooLarge
            ? `An example of ${elements.toLocaleString('en-US')} values is too large to edit here (at most ${EXAMPLE_MAX_ELEMENTS.toLocaleString('en-US')}); lower the symbolic dims, or send it from a script.`
            : `The example holds ${elements.toLocaleString('en-US')} ${elements === 1 ? 'value' : 'values'}. Ctrl+Enter runs.`}
        </span>
      </label>

      <div className="form-card__actions">
        <button
          type="button"
          className="button button--primary"
          disabled={running || !version}
          onClick={() => void run()}
          data-testid="try-run"
        >
          {running ? 'Running…' : 'Run'}
        </button>
        <button
          type="button"
          className="button button--secondary"
          disabled={!version || tooLarge}
          onClick={() => regenerate(sizes)}
          data-testid="try-reset"
        >
          Reset example
        </button>
        <button
          type="button"
          className="button button--secondary"
          disabled={!version || tooLarge}
          onClick={() => regenerate(sizes, true)}
          data-testid="try-randomise"
          title="Small random values for float inputs"
        >
          Random values
        </button>
        <span className="muted small try__runs" data-testid="try-run-count" data-value={runs}>
          {runs ? `${runs} ${runs === 1 ? 'run' : 'runs'}` : ''}
        </span>
      </div>

      {error ? (
        <ApiErrorCallout error={error} testId="try-error">
          {error.expected ? (
            <div className="api-error__expected" data-testid="try-error-expected">
              Expected inputs:{' '}
              {error.expected.map((s) => (
                <code key={s.name} className="code">
                  {formatSpec(s)}
                </code>
              ))}
            </div>
          ) : null}
        </ApiErrorCallout>
      ) : null}

      {answer ? (
        <div className={`try__answer${error ? ' try__answer--stale' : ''}`} data-testid="try-result" data-version={answer.version}>
          <div className="try__answer-head">
            <strong>
              Ran v{answer.version} of {answer.model}
            </strong>
            {error ? <span className="muted small"> · previous successful run</span> : null}
          </div>
          <InferenceTimings timings={answer.timings} />
          <InferenceOutputs outputs={answer.outputs} />
        </div>
      ) : null}
    </section>
  );
}
