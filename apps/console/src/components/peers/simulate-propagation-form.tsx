'use client';
/**
 * Running a gossip propagation simulation (`simulatePropagation`) on a generated mesh or on
 * the namespace's registered ONLINE peers as they are when the job runs: the source, TTL,
 * the share of failed peers, the seed, an optional fanout (empty: flooding), the message size
 * and whether links drop messages at their measured loss. The API checks the ranges (ttl
 * 0–16, failure rate in [0, 1), …) and its message is shown as it is.
 */
import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { apiError, type ApiErrorInfo } from '@/lib/errors';
import type { MeshPeer } from './mesh-graph-model';
import type { Topology } from './simulation-model';
import { NumberField, parseNumber } from './number-field';
import { simulatePropagationMutation } from './peers.operations';

export function SimulatePropagationForm({
  namespace,
  peers,
  topologies,
  target,
  onTarget,
  onQueued,
}: {
  namespace: string;
  peers: readonly MeshPeer[];
  /** Generated meshes that can be simulated on (SUCCEEDED). */
  topologies: readonly Topology[];
  /** The mesh to simulate on; '' for the registered peers. */
  target: string;
  onTarget: (target: string) => void;
  onQueued: (id: string) => void;
}) {
  const id = useId();
  const [state, simulate] = useMutation(simulatePropagationMutation);
  const [source, setSource] = useState('');
  const [ttl, setTtl] = useState('7');
  const [failureRate, setFailureRate] = useState('0.1');
  const [seed, setSeed] = useState('1');
  const [fanout, setFanout] = useState('');
  const [messageSize, setMessageSize] = useState('1024');
  const [linkLoss, setLinkLoss] = useState(false);
  const [error, setError] = useState<ApiErrorInfo | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    const values = {
      ttl: parseNumber('TTL', ttl, { integer: true }),
      failureRate: parseNumber('Failure rate', failureRate),
      seed: parseNumber('Seed', seed, { integer: true }),
      fanout: parseNumber('Fanout', fanout, { integer: true, optional: true }),
      messageSize: parseNumber('Message size', messageSize, { integer: true }),
    };
    const bad = Object.values(values).find((v) => typeof v === 'string');
    if (typeof bad === 'string') return setError({ code: 'INVALID_INPUT', message: bad });
    const n = values as { ttl: number; failureRate: number; seed: number; fanout: number | null; messageSize: number };
    const result = await simulate({
      input: { namespace, topologyId: target || null, source: source.trim() || null, linkLoss, ...n },
    });
    if (result.error) return setError(apiError(result.error));
    if (result.data) onQueued(result.data.simulatePropagation.id);
  };

  const changeTarget = (value: string) => {
    setSource('');
    onTarget(value);
  };

  return (
    <form className="card form-card" onSubmit={onSubmit} noValidate data-testid="simulate-form">
      <div className="form-card__head">
        <div>
          <h3 className="table-card__title">Simulate propagation</h3>
          <p className="muted small">Gossip one message from a source; every run is stored, so runs can be compared below.</p>
        </div>
      </div>
      <div className="form-grid form-grid--4">
        <label className="field field--span2" htmlFor={`${id}-target`}>
          <span className="field__label">Mesh</span>
          <select id={`${id}-target`} className="input" value={target} onChange={(e) => changeTarget(e.target.value)} data-testid="simulate-target">
            <option value="">Registered peers of {namespace} (ONLINE, when it runs)</option>
            {topologies.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} · {t.nodes} peers
              </option>
            ))}
          </select>
        </label>
        <label className="field field--span2" htmlFor={`${id}-source`}>
          <span className="field__label">
            Source <span className="field__optional">default: the first peer</span>
          </span>
          {target ? (
            <input id={`${id}-source`} className="input mono" value={source} placeholder="peer-0" onChange={(e) => setSource(e.target.value)} data-testid="simulate-source" />
          ) : (
            <select id={`${id}-source`} className="input" value={source} onChange={(e) => setSource(e.target.value)} data-testid="simulate-source">
              <option value="">The first peer</option>
              {peers
                .filter((p) => p.status === 'ONLINE')
                .map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.displayName}
                  </option>
                ))}
            </select>
          )}
        </label>
        <NumberField id={`${id}-ttl`} label="TTL" hint="hops, 0–16" value={ttl} onChange={setTtl} testId="simulate-ttl" />
        <NumberField id={`${id}-failure`} label="Failure rate" hint="share of peers down" value={failureRate} onChange={setFailureRate} testId="simulate-failure-rate" />
        <NumberField id={`${id}-seed`} label="Seed" value={seed} onChange={setSeed} testId="simulate-seed" />
        <NumberField id={`${id}-fanout`} label="Fanout" hint="empty: flood" value={fanout} onChange={setFanout} testId="simulate-fanout" placeholder="all neighbours" />
        <NumberField id={`${id}-size`} label="Message size" hint="bytes" value={messageSize} onChange={setMessageSize} testId="simulate-message-size" />
        <label className="check field--span2 simulate-form__check">
          <input type="checkbox" checked={linkLoss} onChange={(e) => setLinkLoss(e.target.checked)} data-testid="simulate-link-loss" />
          <span>Links drop messages (probability 1 − success rate)</span>
        </label>
      </div>
      {error ? <ApiErrorCallout error={error} testId="simulate-error" prefix="Could not start the simulation" /> : null}
      <div className="form-card__actions">
        <button type="submit" className="button button--primary" disabled={state.fetching} data-testid="simulate-submit">
          {state.fetching ? 'Queueing…' : 'Run simulation'}
        </button>
      </div>
    </form>
  );
}
