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
  const groups = [
    { label: 'in', kind: 'input', specs: inputs },
    { label: 'out', kind: 'output', specs: outputs },
  ] as const;
  return (
    <div className="sig" data-testid="version-signature">
      {groups.map((g) => (
        <div key={g.kind} className="sig__group">
          <span className="sig__label">{g.label}</span>
          <ul className="sig__list">
            {g.specs.map((s) => (
              <SpecLine key={s.name} spec={s} kind={g.kind} />
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}
