/**
 * The capacity planner: the performance guide's scaling formulas (Scaling Guidelines and
 * Resource Requirements › Scaling Formulas), fed with per-instance capacities measured by this
 * repository's benchmarks where they exist. Pure: no I/O. Every figure carries the formula it
 * came from and each input with where that input's value came from, so a reader can redo the
 * arithmetic and knows which numbers are measured, which are the guide's, and which are theirs.
 */
import { badInput } from '@aivillage/errors';

/** A value with its unit and where it comes from (a benchmark, the guide, the caller, this deployment). */
export interface Sourced {
  value: number;
  unit: string;
  source: string;
}

export interface FigureInput extends Sourced {
  name: string;
}

export interface CapacityFigure {
  key: string;
  label: string;
  value: number;
  unit: string;
  /** The formula as written with the input names below. */
  formula: string;
  /** Where the formula itself comes from. */
  formulaSource: string;
  inputs: FigureInput[];
}

/** Which measured figure stands for one API instance's capacity. */
export type ApiWorkload = 'GUIDE_BASELINE' | 'GRAPHQL_NOOP' | 'RUN_INFERENCE';

const GUIDE = 'Performance guide';
const BENCH_MACHINE =
  'one API process and one worker on a 2-core VM shared with Redis and the load generator; figures move about ±30% between runs';

/**
 * Per-API-instance capacity by workload. The guide's formula calls it base_capacity: requests/s
 * one instance serves at < 100 ms; both measured figures were taken at a stricter p99 < 45 ms.
 */
export const API_CAPACITY: Record<ApiWorkload, Sourced> = {
  GUIDE_BASELINE: {
    value: 100,
    unit: 'req/s',
    source: `${GUIDE} › Scaling Formulas › calculate_api_instances: base_capacity = 100 RPS per instance at < 100 ms (also the HPA's 100 requests/s per pod)`,
  },
  GRAPHQL_NOOP: {
    value: 2191,
    unit: 'req/s',
    source: `Measured (README › Inference › Why a queue, npm run bench:inference): highest rate of the no-op query { __typename } with p99 < 45 ms — ${BENCH_MACHINE}`,
  },
  RUN_INFERENCE: {
    value: 1388,
    unit: 'req/s',
    source: `Measured (README › Inference › Why a queue, npm run bench:inference): highest runInference rate on the reference MLP with p99 < 45 ms, 32 connections — ${BENCH_MACHINE}`,
  },
};

/** The measured workload used when the caller names none: a real operation, and the lower of the two measured figures. */
export const DEFAULT_API_WORKLOAD: ApiWorkload = 'RUN_INFERENCE';

/** One inference worker process: the same bench's figure (the worker kept up with the API, so this is a lower bound). */
export const INFERENCE_WORKER_CAPACITY: Sourced = {
  value: 1388,
  unit: 'req/s',
  source: `Measured (README › Inference, npm run bench:inference): one inference worker served the 1,388 runInference req/s at p99 < 45 ms — ${BENCH_MACHINE}; a lower bound, the shared cores limited it`,
};

/** One knowledge worker process ingesting (chunking, embedding, extraction, writes). */
export const INGESTION_WORKER_CAPACITY: Sourced = {
  value: 78,
  unit: 'chunks/s',
  source: 'Measured (README › Knowledge, npm run bench:knowledge -- --size 100000): ingestion 78 chunks/s with one worker, hashing embedder, 2-core VM',
};

/**
 * The guide's API formula: 30% headroom, never fewer than 2 instances, capacity scaled by
 * 100 / target_latency. Kept exactly as written, although that factor grows as the target
 * tightens (50 ms doubles an instance's capacity); plans for targets other than 100 ms say so.
 */
export const GUIDE_API = { referenceLatencyMs: 100, headroom: 1.3, minInstances: 2 } as const;
/** The guide's HorizontalPodAutoscaler (Scaling Guidelines › Auto-scaling Configuration). */
export const GUIDE_HPA = { minReplicas: 3, maxReplicas: 50, requestsPerSecondPerPod: 100, cpuUtilization: 70, memoryUtilization: 80 } as const;
/** The guide's database formula (Scaling Formulas › Database Scaling). */
export const GUIDE_DATABASE = {
  minMemoryGb: 8, memoryPerDataGb: 0.25, memoryGbPerQps: 0.1,
  baseCpuCores: 4, qpsPerCore: 100, storagePerDataGb: 2, readShare: 0.7, readQpsPerReplica: 500,
} as const;
/** PostgreSQL's documented default `max_connections`. */
export const POSTGRES_DEFAULT_MAX_CONNECTIONS = 100;

export interface CapacityPlanInput {
  /** Requests per second the API must serve. */
  targetRps: number;
  /** Target response time in ms (default: the guide's KPI, 100 ms for 95% of requests). */
  targetLatencyMs?: number | null;
  /** Which measured capacity stands for one API instance (default RUN_INFERENCE). */
  workload?: ApiWorkload | null;
  /** Overrides the workload's capacity with the caller's own measurement (req/s per instance). */
  perInstanceRps?: number | null;
  /** Database size in GB. */
  dataSizeGb: number;
  /** Database queries per second. */
  databaseQps: number;
  /** runInference requests per second (sizes the inference workers; omit for none). */
  inferenceRps?: number | null;
  /** Knowledge chunks per second to ingest (sizes the ingestion workers; omit for none). */
  ingestionChunksPerSecond?: number | null;
}

export interface CapacityPlanContext {
  /** DATABASE_POOL_SIZE of this deployment (connections per process). */
  databasePoolSize: number;
}

export interface CapacityPlan {
  apiInstances: CapacityFigure;
  hpaReplicas: CapacityFigure;
  databaseMemoryGb: CapacityFigure;
  databaseCpuCores: CapacityFigure;
  databaseStorageGb: CapacityFigure;
  databaseReadReplicas: CapacityFigure;
  inferenceWorkers: CapacityFigure | null;
  ingestionWorkers: CapacityFigure | null;
  databaseConnections: CapacityFigure;
  /** Things the figures imply that need a decision (connection limits, HPA bounds). */
  warnings: string[];
}

const REQUIRED = ['targetRps', 'dataSizeGb', 'databaseQps'] as const;
const OPTIONAL = ['targetLatencyMs', 'perInstanceRps', 'inferenceRps', 'ingestionChunksPerSecond'] as const;

/** Every problem with the input at once; BAD_USER_INPUT naming the fields. */
export function validateCapacityInput(input: CapacityPlanInput): void {
  const problems: string[] = [];
  const check = (name: string, value: number) => {
    if (!Number.isFinite(value)) problems.push(`${name} must be a finite number (got ${value})`);
    else if (value <= 0) problems.push(`${name} must be greater than 0 (got ${value})`);
  };
  for (const name of REQUIRED) check(name, input[name]);
  for (const name of OPTIONAL) {
    const value = input[name];
    if (value !== undefined && value !== null) check(name, value);
  }
  if (input.workload != null && !(input.workload in API_CAPACITY)) {
    problems.push(`workload must be one of ${Object.keys(API_CAPACITY).join(', ')} (got ${input.workload})`);
  }
  if (problems.length) {
    throw badInput(`Invalid capacity input: ${problems.join('; ')}`, { problems });
  }
}

const input = (name: string, value: number, unit: string, source: string): FigureInput => ({ name, value, unit, source });
const given = (what: string) => `your input (${what})`;

/**
 * The guide's calculate_api_instances:
 *   adjusted_capacity = base_capacity × (100 / target_latency); instances = max(ceil(rps / adjusted_capacity × 1.3), 2).
 */
export function apiInstancesFor(rps: number, targetLatencyMs: number, baseCapacity: number): number {
  const adjusted = baseCapacity * (GUIDE_API.referenceLatencyMs / targetLatencyMs);
  return Math.max(ceil((rps / adjusted) * GUIDE_API.headroom), GUIDE_API.minInstances);
}

/** The guide's calculate_db_resources, term by term. */
export function databaseResourcesFor(dataSizeGb: number, queryLoad: number) {
  const d = GUIDE_DATABASE;
  return {
    memoryGb: Math.max(d.minMemoryGb, dataSizeGb * d.memoryPerDataGb + queryLoad * d.memoryGbPerQps),
    cpuCores: Math.max(d.baseCpuCores, d.baseCpuCores + ceil(queryLoad / d.qpsPerCore)),
    storageGb: dataSizeGb * d.storagePerDataGb,
    readReplicas: ceil((queryLoad * d.readShare) / d.readQpsPerReplica),
  };
}

/**
 * What Kubernetes' HPA settles on for the guide's Pods metric: desired = ceil(total / target per
 * pod) (the HPA algorithm for an AverageValue target), clamped to the guide's min and max.
 */
export function hpaReplicasFor(totalRps: number): number {
  const { minReplicas, maxReplicas, requestsPerSecondPerPod } = GUIDE_HPA;
  return Math.min(maxReplicas, Math.max(minReplicas, ceil(totalRps / requestsPerSecondPerPod)));
}

export function planCapacity(raw: CapacityPlanInput, ctx: CapacityPlanContext): CapacityPlan {
  validateCapacityInput(raw);
  const warnings: string[] = [];
  const latencyMs = raw.targetLatencyMs ?? GUIDE_API.referenceLatencyMs;
  const latencySource = raw.targetLatencyMs == null ? `${GUIDE} › KPIs › API Performance: < 100 ms for 95% of requests (default)` : given('targetLatencyMs');
  const workload = raw.workload ?? DEFAULT_API_WORKLOAD;
  const capacity: Sourced =
    raw.perInstanceRps == null
      ? API_CAPACITY[workload]
      : { value: raw.perInstanceRps, unit: 'req/s', source: given('perInstanceRps, overriding the measured figure') };
  const rpsInput = input('rps', raw.targetRps, 'req/s', given('targetRps'));
  const headroom = input('headroom', GUIDE_API.headroom, '×', `${GUIDE}: "30% headroom"`);
  const minimum = input('minimum', GUIDE_API.minInstances, 'instances', `${GUIDE}: "Minimum 2 instances"`);
  const apiFormulaSource = `${GUIDE} › Scaling Formulas › API Gateway Scaling (calculate_api_instances)`;
  const workerFormula = (what: string) =>
    `${GUIDE} › calculate_api_instances applied to ${what} (same 30% headroom and minimum of 2; the guide has no formula of its own for workers)`;

  const apiInstances: CapacityFigure = {
    key: 'apiInstances',
    label: 'API instances',
    value: apiInstancesFor(raw.targetRps, latencyMs, capacity.value),
    unit: 'instances',
    formula: 'max(ceil(rps / (base_capacity × 100 / target_latency_ms) × headroom), minimum)',
    formulaSource: apiFormulaSource,
    inputs: [
      rpsInput,
      input('target_latency_ms', latencyMs, 'ms', latencySource),
      input('base_capacity', capacity.value, capacity.unit, capacity.source),
      headroom,
      minimum,
    ],
  };

  if (latencyMs !== GUIDE_API.referenceLatencyMs) {
    const factor = round(GUIDE_API.referenceLatencyMs / latencyMs);
    warnings.push(
      `The guide's latency factor 100 / ${latencyMs} = ${factor} ${factor > 1 ? 'raises' : 'lowers'} each instance's capacity to ${round(capacity.value * factor)} req/s: ` +
        'a tighter target yields fewer instances in this formula, the opposite of what queueing predicts. The measured capacities were taken at p99 < 45 ms; for targets below 100 ms prefer the 100 ms plan.',
    );
  }

  const hpaReplicas: CapacityFigure = {
    key: 'hpaReplicas',
    label: 'API pods the HPA settles on',
    value: hpaReplicasFor(raw.targetRps),
    unit: 'pods',
    formula: 'min(max_replicas, max(min_replicas, ceil(rps / target_per_pod)))',
    formulaSource: `${GUIDE} › Auto-scaling Configuration (the Pods metric http_requests_per_second, averageValue 100) under Kubernetes' HPA algorithm, desired = ceil(current × metric / target)`,
    inputs: [
      rpsInput,
      input('target_per_pod', GUIDE_HPA.requestsPerSecondPerPod, 'req/s', `${GUIDE}: HPA averageValue "100"`),
      input('min_replicas', GUIDE_HPA.minReplicas, 'pods', `${GUIDE}: HPA minReplicas`),
      input('max_replicas', GUIDE_HPA.maxReplicas, 'pods', `${GUIDE}: HPA maxReplicas`),
    ],
  };
  if (raw.targetRps / GUIDE_HPA.requestsPerSecondPerPod > GUIDE_HPA.maxReplicas) {
    warnings.push(
      `At ${raw.targetRps} req/s the HPA wants ${ceil(raw.targetRps / GUIDE_HPA.requestsPerSecondPerPod)} pods but stops at maxReplicas ${GUIDE_HPA.maxReplicas}: pods then average ${round(raw.targetRps / GUIDE_HPA.maxReplicas)} req/s.`,
    );
  }
  if (hpaReplicas.value > apiInstances.value) {
    warnings.push(
      `The HPA's 100 req/s per pod runs ${hpaReplicas.value} pods where ${apiInstances.value} instances of ${capacity.value} req/s suffice: raise the HPA's averageValue toward the measured capacity to save pods.`,
    );
  } else if (hpaReplicas.value < apiInstances.value) {
    warnings.push(
      `The HPA settles on ${hpaReplicas.value} pods, fewer than the ${apiInstances.value} instances the formula asks for: its 100 req/s per pod has no headroom at ${capacity.value} req/s per instance; raise minReplicas or lower averageValue.`,
    );
  }

  const db = databaseResourcesFor(raw.dataSizeGb, raw.databaseQps);
  const dataInput = input('data_size_gb', raw.dataSizeGb, 'GB', given('dataSizeGb'));
  const qpsInput = input('query_load', raw.databaseQps, 'queries/s', given('databaseQps'));
  const dbSource = `${GUIDE} › Scaling Formulas › Database Scaling (calculate_db_resources)`;
  const g = GUIDE_DATABASE;
  const databaseMemoryGb: CapacityFigure = {
    key: 'databaseMemoryGb', label: 'Database memory', value: round(db.memoryGb), unit: 'GB',
    formula: 'max(8, data_size_gb × 0.25 + query_load × 0.1)', formulaSource: dbSource,
    inputs: [dataInput, qpsInput, input('minimum', g.minMemoryGb, 'GB', `${GUIDE}: max(8, …)`)],
  };
  const databaseCpuCores: CapacityFigure = {
    key: 'databaseCpuCores', label: 'Database CPU cores', value: db.cpuCores, unit: 'cores',
    formula: 'max(4, 4 + ceil(query_load / 100))', formulaSource: dbSource,
    inputs: [qpsInput, input('qps_per_core', g.qpsPerCore, 'queries/s', `${GUIDE}: "1 core per 100 QPS"`)],
  };
  const databaseStorageGb: CapacityFigure = {
    key: 'databaseStorageGb', label: 'Database storage', value: round(db.storageGb), unit: 'GB',
    formula: 'data_size_gb × 2', formulaSource: dbSource,
    inputs: [dataInput],
  };
  const databaseReadReplicas: CapacityFigure = {
    key: 'databaseReadReplicas', label: 'Read replicas', value: db.readReplicas, unit: 'replicas',
    formula: 'ceil(query_load × 0.7 / 500)', formulaSource: dbSource,
    inputs: [
      qpsInput,
      input('read_share', g.readShare, 'ratio', `${GUIDE}: "70% reads"`),
      input('read_qps_per_replica', g.readQpsPerReplica, 'queries/s', `${GUIDE}: "1 per 500 read QPS"`),
    ],
  };

  const workerFigure = (key: string, label: string, load: FigureInput, per: Sourced, what: string): CapacityFigure => ({
    key, label, unit: 'processes',
    value: apiInstancesFor(load.value, GUIDE_API.referenceLatencyMs, per.value),
    formula: 'max(ceil(load / per_worker_capacity × headroom), minimum)',
    formulaSource: workerFormula(what),
    inputs: [load, input('per_worker_capacity', per.value, per.unit, per.source), headroom, minimum],
  });
  const inferenceWorkers = raw.inferenceRps == null ? null : workerFigure(
    'inferenceWorkers', 'Inference workers', input('load', raw.inferenceRps, 'req/s', given('inferenceRps')), INFERENCE_WORKER_CAPACITY, 'inference workers',
  );
  const ingestionWorkers = raw.ingestionChunksPerSecond == null ? null : workerFigure(
    'ingestionWorkers', 'Knowledge ingestion workers', input('load', raw.ingestionChunksPerSecond, 'chunks/s', given('ingestionChunksPerSecond')), INGESTION_WORKER_CAPACITY, 'knowledge ingestion workers',
  );

  // Every API and worker process keeps its own pool (libs/db): the database sees their sum.
  const workerProcesses = (inferenceWorkers?.value ?? 0) + (ingestionWorkers?.value ?? 0);
  const pool = input('pool_size', ctx.databasePoolSize, 'connections/process', "this deployment's DATABASE_POOL_SIZE (libs/config; default 10)");
  const databaseConnections: CapacityFigure = {
    key: 'databaseConnections', label: 'Database connections', unit: 'connections',
    value: (apiInstances.value + workerProcesses) * ctx.databasePoolSize,
    formula: '(api_instances + worker_processes) × pool_size',
    formulaSource: 'This platform: every API and worker process opens up to DATABASE_POOL_SIZE connections (libs/db); not a guide formula',
    inputs: [
      input('api_instances', apiInstances.value, 'instances', 'the API instances figure above'),
      input('worker_processes', workerProcesses, 'processes', 'the worker figures above (inference + ingestion; other queues not counted)'),
      pool,
    ],
  };
  if (databaseConnections.value > POSTGRES_DEFAULT_MAX_CONNECTIONS) {
    warnings.push(
      `${databaseConnections.value} connections exceed PostgreSQL's default max_connections (${POSTGRES_DEFAULT_MAX_CONNECTIONS}): raise it, lower DATABASE_POOL_SIZE, or put PgBouncer in front.`,
    );
  }
  const atHpaMax = GUIDE_HPA.maxReplicas * ctx.databasePoolSize;
  if (atHpaMax > POSTGRES_DEFAULT_MAX_CONNECTIONS) {
    warnings.push(`At the HPA's maxReplicas (${GUIDE_HPA.maxReplicas}) the API pods alone may open ${atHpaMax} connections (${GUIDE_HPA.maxReplicas} × ${ctx.databasePoolSize}).`);
  }

  return {
    apiInstances, hpaReplicas, databaseMemoryGb, databaseCpuCores, databaseStorageGb, databaseReadReplicas,
    inferenceWorkers, ingestionWorkers, databaseConnections, warnings,
  };
}

/**
 * ceil() that ignores binary floating-point dust: 1000 / 100 × 1.3 is 13.000000000000002 in
 * IEEE doubles (Python's math.ceil, the guide's language, gives 14 too); 13 instances already
 * carry exactly the 30% headroom, so anything within 1e-9 of an integer counts as that integer.
 */
export function ceil(x: number): number {
  const nearest = Math.round(x);
  return Math.abs(x - nearest) < 1e-9 ? nearest : Math.ceil(x);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
