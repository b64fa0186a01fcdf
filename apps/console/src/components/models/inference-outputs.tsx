/**
 * The outputs of one run. An output that looks like class scores (a probability distribution
 * per row, or named like logits/scores) shows each row's argmax and its top classes as bars;
 * any other output shows its values as JSON. The raw answer is always one click away.
 */
import { asOutputs, formatShape, readScores, type OutputTensor, type Scores } from './tensors';

const MAX_ROWS = 8;
const TOP_CLASSES = 5;
const MAX_JSON_VALUES = 512;

const MAX_RAW_CHARS = 100_000;

function pct(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}

function raw(outputs: unknown): string {
  const text = JSON.stringify(outputs, null, 1);
  return text.length > MAX_RAW_CHARS ? `${text.slice(0, MAX_RAW_CHARS)}\n… (${(text.length - MAX_RAW_CHARS).toLocaleString('en-US')} more characters)` : text;
}

function ScoresView({ name, scores }: { name: string; scores: Scores }) {
  return (
    <div className="scores" data-testid="try-output-scores" data-kind={scores.kind}>
      {scores.kind === 'logits' ? <div className="muted small">softmax of {name}, which reads as logits</div> : null}
      {scores.rows.slice(0, MAX_ROWS).map((row, r) => {
        const top = row.probabilities
          .map((p, i) => ({ i, p }))
          .sort((a, b) => b.p - a.p)
          .slice(0, TOP_CLASSES);
        return (
          <div key={r} className="scores__row" data-testid="try-output-row" data-argmax={row.argmax}>
            <div className="scores__head">
              {scores.rows.length > 1 ? <span className="muted">row {r}</span> : null}
              <span>
                argmax <strong className="mono" data-testid="try-output-argmax" data-value={row.argmax}>
                  class {row.argmax}
                </strong>
              </span>
              <span className="muted">p = {pct(row.probabilities[row.argmax])}</span>
            </div>
            <ul className="scores__bars">
              {top.map(({ i, p }) => (
                <li key={i} className={`scores__bar${i === row.argmax ? ' scores__bar--top' : ''}`}>
                  <span className="scores__label mono">{i}</span>
                  <span className="scores__track" aria-hidden>
                    <span className="scores__fill" style={{ width: `${Math.max(p * 100, p > 0 ? 1 : 0)}%` }} />
                  </span>
                  <span className="scores__value mono">{pct(p)}</span>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
      {scores.rows.length > MAX_ROWS ? <div className="muted small">… {scores.rows.length - MAX_ROWS} more rows in the JSON</div> : null}
    </div>
  );
}

function preview(tensor: OutputTensor): string {
  const shown = tensor.data.length > MAX_JSON_VALUES ? tensor.data.slice(0, MAX_JSON_VALUES) : tensor.data;
  const body = JSON.stringify(shown).replaceAll(',', ', ');
  return tensor.data.length > MAX_JSON_VALUES ? `${body.slice(0, -1)}, … ${tensor.data.length - MAX_JSON_VALUES} more]` : body;
}

export function InferenceOutputs({ outputs }: { outputs: unknown }) {
  const tensors = asOutputs(outputs);
  const entries = Object.entries(tensors);
  return (
    <div className="outputs" data-testid="try-outputs" data-count={entries.length}>
      {entries.map(([name, tensor]) => {
        const scores = readScores(name, tensor);
        return (
          <div key={name} className="output" data-testid="try-output" data-name={name} data-dims={tensor.dims.join(',')}>
            <div className="output__head">
              <span className="sig__name">{name}</span>
              <span className="sig__sep">: </span>
              <span className="sig__dtype">{tensor.dtype}</span>
              <span className="sig__shape">{formatShape(tensor.dims.map(String))}</span>
            </div>
            {scores ? <ScoresView name={name} scores={scores} /> : <pre className="snippet output__json">{preview(tensor)}</pre>}
          </div>
        );
      })}
      <details className="output__raw">
        <summary>Raw outputs (JSON)</summary>
        <pre className="snippet" data-testid="try-outputs-json">
          {raw(outputs)}
        </pre>
      </details>
    </div>
  );
}
