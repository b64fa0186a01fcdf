/** A version's signature: each input and output as `name: dtype[dims]`. */
import { formatShape, type TensorSpec } from './tensors';

function SpecLine({ spec, kind }: { spec: TensorSpec; kind: 'input' | 'output' }) {
  return (
    <li className="sig__line" data-testid={`signature-${kind}`} data-name={spec.name} data-dtype={spec.dtype}>
      <span className="sig__name">{spec.name}</span>
      <span className="sig__sep">: </span>
      <span className="sig__dtype">{spec.dtype}</span>
      <span className="sig__shape">{formatShape(spec.shape)}</span>
    </li>
  );
}

export function SignatureList({ inputs, outputs }: { inputs: readonly TensorSpec[]; outputs: readonly TensorSpec[] }) {
  return (
    <div className="sig" data-testid="version-signature">
      <div className="sig__group">
        <span className="sig__label">in</span>
        <ul className="sig__list">
          {inputs.map((s) => (
            <SpecLine key={s.name} spec={s} kind="input" />
          ))}
        </ul>
      </div>
      <div className="sig__group">
        <span className="sig__label">out</span>
        <ul className="sig__list">
          {outputs.map((s) => (
            <SpecLine key={s.name} spec={s} kind="output" />
          ))}
        </ul>
      </div>
    </div>
  );
}
