'use client';
/**
 * The calculator's inputs. Only whether each field is a number is checked here; the API checks
 * that every number is above 0 and its BAD_USER_INPUT message, naming each bad field, is shown
 * as it is. Empty optional fields are left out (the API then uses the guide's 100 ms, the
 * measured capacity of the chosen workload, and sizes no worker for that load).
 */
import { useId, useState, type FormEvent } from 'react';
import type { ApiWorkload, CapacityPlanInput } from '@/gql/graphql';
import { NumberField, parseNumber } from '@/components/peers/number-field';
import type { ApiErrorInfo } from '@/lib/errors';

const WORKLOADS: { value: ApiWorkload; label: string }[] = [
  { value: 'RUN_INFERENCE', label: 'runInference, measured (1,388 req/s)' },
  { value: 'GRAPHQL_NOOP', label: 'No-op query, measured (2,191 req/s)' },
  { value: 'GUIDE_BASELINE', label: "The guide's baseline (100 req/s)" },
];

export function CapacityForm({
  busy,
  onPlan,
  onInvalid,
}: {
  busy: boolean;
  onPlan: (input: CapacityPlanInput) => void;
  onInvalid: (error: ApiErrorInfo) => void;
}) {
  const id = useId();
  const [targetRps, setTargetRps] = useState('1000');
  const [latency, setLatency] = useState('');
  const [workload, setWorkload] = useState<ApiWorkload>('RUN_INFERENCE');
  const [perInstance, setPerInstance] = useState('');
  const [dataSize, setDataSize] = useState('100');
  const [qps, setQps] = useState('500');
  const [inferenceRps, setInferenceRps] = useState('');
  const [ingestion, setIngestion] = useState('');

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = {
      targetRps: parseNumber('Target requests/s', targetRps),
      targetLatencyMs: parseNumber('Target latency', latency, { optional: true }),
      perInstanceRps: parseNumber('Capacity per instance', perInstance, { optional: true }),
      dataSizeGb: parseNumber('Database size', dataSize),
      databaseQps: parseNumber('Database queries/s', qps),
      inferenceRps: parseNumber('Inference requests/s', inferenceRps, { optional: true }),
      ingestionChunksPerSecond: parseNumber('Ingestion chunks/s', ingestion, { optional: true }),
    };
    const bad = Object.values(values).find((v) => typeof v === 'string');
    if (typeof bad === 'string') return onInvalid({ code: 'INVALID_INPUT', message: bad });
    const n = values as { [K in keyof typeof values]: number | null };
    onPlan({ ...n, targetRps: n.targetRps!, dataSizeGb: n.dataSizeGb!, databaseQps: n.databaseQps!, workload });
  };

  return (
    <form className="card form-card" onSubmit={onSubmit} noValidate data-testid="capacity-form">
      <div className="form-grid form-grid--4">
        <NumberField id={`${id}-rps`} label="Target requests/s" value={targetRps} onChange={setTargetRps} testId="capacity-target-rps" />
        <NumberField id={`${id}-latency`} label="Target latency" hint="ms, default 100" value={latency} onChange={setLatency} testId="capacity-latency" placeholder="100" />
        <label className="field" htmlFor={`${id}-workload`}>
          <span className="field__label">Capacity of one API instance</span>
          <select id={`${id}-workload`} className="input" value={workload} onChange={(e) => setWorkload(e.target.value as ApiWorkload)} data-testid="capacity-workload">
            {WORKLOADS.map((w) => (
              <option key={w.value} value={w.value}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
        <NumberField id={`${id}-per-instance`} label="…or your own" hint="req/s per instance" value={perInstance} onChange={setPerInstance} testId="capacity-per-instance" />
        <NumberField id={`${id}-data`} label="Database size" hint="GB" value={dataSize} onChange={setDataSize} testId="capacity-data-size" />
        <NumberField id={`${id}-qps`} label="Database queries/s" value={qps} onChange={setQps} testId="capacity-db-qps" />
        <NumberField id={`${id}-inference`} label="Inference requests/s" hint="optional" value={inferenceRps} onChange={setInferenceRps} testId="capacity-inference-rps" />
        <NumberField id={`${id}-ingestion`} label="Ingestion chunks/s" hint="optional" value={ingestion} onChange={setIngestion} testId="capacity-ingestion" />
      </div>
      <div className="form-card__actions">
        <button type="submit" className="button button--primary" disabled={busy} data-testid="capacity-submit">
          {busy ? 'Planning…' : 'Plan capacity'}
        </button>
      </div>
    </form>
  );
}
