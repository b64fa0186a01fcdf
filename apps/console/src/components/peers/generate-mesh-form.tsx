'use client';
/**
 * Generating a mesh (`generateMeshTopology`): a seeded small-world graph of `nodes` peers with
 * a target average degree, a transport mix (shares of links whose primary transport is BLE,
 * HTX or QUIC; they sum to 1) and a share of mobile peers. Same parameters, same graph. Only
 * the form's own shape is checked here (numbers); the API checks the ranges — nodes above
 * P2P_MAX_SIM_NODES, a mix that does not sum to 1 — and its message is shown as it is.
 */
import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { apiError, type ApiErrorInfo } from '@/lib/errors';
import { NumberField, parseNumber } from './number-field';
import { generateMeshTopologyMutation } from './peers.operations';

export function GenerateMeshForm({ namespace, onGenerated }: { namespace: string; onGenerated: (id: string) => void }) {
  const id = useId();
  const [state, generate] = useMutation(generateMeshTopologyMutation);
  const [name, setName] = useState('');
  const [nodes, setNodes] = useState('100');
  const [degree, setDegree] = useState('6');
  const [seed, setSeed] = useState('1');
  const [mobileShare, setMobileShare] = useState('0.3');
  const [ble, setBle] = useState('0.2');
  const [htx, setHtx] = useState('0.3');
  const [quic, setQuic] = useState('0.5');
  const [error, setError] = useState<ApiErrorInfo | null>(null);
  const [created, setCreated] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    setCreated(null);
    const values = {
      nodes: parseNumber('Nodes', nodes, { integer: true }),
      degree: parseNumber('Degree', degree, { integer: true }),
      seed: parseNumber('Seed', seed, { integer: true }),
      mobileShare: parseNumber('Mobile share', mobileShare),
      ble: parseNumber('BLE share', ble),
      htx: parseNumber('HTX share', htx),
      quic: parseNumber('QUIC share', quic),
    };
    const bad = Object.values(values).find((v) => typeof v === 'string');
    if (typeof bad === 'string') return setError({ code: 'INVALID_INPUT', message: bad });
    const n = values as { [K in keyof typeof values]: number };
    const result = await generate({
      namespace,
      name: name.trim() || null,
      nodes: n.nodes,
      degree: n.degree,
      seed: n.seed,
      mobileShare: n.mobileShare,
      transportMix: { ble: n.ble, htx: n.htx, quic: n.quic },
    });
    if (result.error) return setError(apiError(result.error));
    if (result.data) {
      setCreated(result.data.generateMeshTopology.name);
      onGenerated(result.data.generateMeshTopology.id);
    }
  };

  return (
    <form className="card form-card" onSubmit={onSubmit} noValidate data-testid="mesh-generate-form">
      <div className="form-card__head">
        <div>
          <h3 className="table-card__title">Generate a mesh</h3>
          <p className="muted small">A seeded small-world mesh, generated on a worker; meshes of at most 2,000 peers can be drawn.</p>
        </div>
      </div>
      <div className="form-grid form-grid--4">
        <label className="field field--span2" htmlFor={`${id}-name`}>
          <span className="field__label">
            Name <span className="field__optional">optional, default mesh-&lt;nodes&gt;-d&lt;degree&gt;-s&lt;seed&gt;</span>
          </span>
          <input id={`${id}-name`} className="input" value={name} maxLength={128} onChange={(e) => setName(e.target.value)} data-testid="mesh-generate-name" />
        </label>
        <NumberField id={`${id}-nodes`} label="Nodes" value={nodes} onChange={setNodes} testId="mesh-generate-nodes" />
        <NumberField id={`${id}-degree`} label="Average degree" value={degree} onChange={setDegree} testId="mesh-generate-degree" />
        <NumberField id={`${id}-seed`} label="Seed" value={seed} onChange={setSeed} testId="mesh-generate-seed" />
        <NumberField id={`${id}-mobile`} label="Mobile share" hint="0–1" value={mobileShare} onChange={setMobileShare} testId="mesh-generate-mobile-share" />
        <fieldset className="field field--span2 mix-field">
          <legend className="field__label">
            Transport mix <span className="field__optional">shares of links, sum 1</span>
          </legend>
          <div className="mix-field__inputs">
            <NumberField id={`${id}-ble`} label="BLE" value={ble} onChange={setBle} testId="mesh-generate-ble" compact />
            <NumberField id={`${id}-htx`} label="HTX" value={htx} onChange={setHtx} testId="mesh-generate-htx" compact />
            <NumberField id={`${id}-quic`} label="QUIC" value={quic} onChange={setQuic} testId="mesh-generate-quic" compact />
          </div>
        </fieldset>
      </div>
      {error ? <ApiErrorCallout error={error} testId="mesh-generate-error" prefix="Could not generate the mesh" /> : null}
      {created && !error ? (
        <p className="callout callout--ok" data-testid="mesh-generate-notice">
          Queued {created}: it appears below and can be drawn and simulated once generated.
        </p>
      ) : null}
      <div className="form-card__actions">
        <button type="submit" className="button button--primary" disabled={state.fetching} data-testid="mesh-generate-submit">
          {state.fetching ? 'Queueing…' : 'Generate mesh'}
        </button>
      </div>
    </form>
  );
}
