/**
 * The guide's Performance Metrics section as data: every KPI with its target, and the pure
 * rules that turn a measured value into MET / MISSED (or NO_DATA with the reason). Window
 * strings (`5m`, `1h`, `24h`, `7d`) are parsed here too.
 */
import { badInput } from '@aivillage/errors';

export type KpiArea = 'API' | 'AGENT_FORGE' | 'P2P' | 'RAG' | 'FOG';
export type KpiUnit = 'ms' | 's' | 'hours' | 'percent' | 'Mbps' | 'requests';
export type SloStatus = 'MET' | 'MISSED' | 'NO_DATA';

export interface KpiDefinition {
  key: string;
  area: KpiArea;
  name: string;
  /** The guide's wording of the target. */
  target: string;
  unit: KpiUnit;
  /** value < max, value ≥ min, or min ≤ value ≤ max. */
  min?: number;
  max?: number;
  /** `max` is inclusive (an average of exactly 12 ms meets "12 ms average"). */
  maxInclusive?: boolean;
}

/** In the guide's order (Performance Metrics → Key Performance Indicators). */
export const KPI_DEFINITIONS: readonly KpiDefinition[] = [
  { key: 'api.latency_p95', area: 'API', name: 'API latency (p95)', target: '< 100 ms for 95% of requests', unit: 'ms', max: 100 },
  { key: 'api.throughput', area: 'API', name: 'Throughput', target: '1,000+ concurrent requests', unit: 'requests', min: 1000 },
  { key: 'api.availability', area: 'API', name: 'Availability', target: '99.9% SLA (Gold tier)', unit: 'percent', min: 99.9 },
  { key: 'api.error_rate', area: 'API', name: 'Error rate', target: '< 0.1% under normal load', unit: 'percent', max: 0.1 },
  { key: 'forge.training_time', area: 'AGENT_FORGE', name: 'Training speed', target: '2–4 hours for the full pipeline', unit: 'hours', min: 2, max: 4, maxInclusive: true },
  { key: 'forge.compression_ratio', area: 'AGENT_FORGE', name: 'Memory efficiency (compression ratio)', target: '65% compression ratio', unit: 'percent', min: 65 },
  { key: 'forge.inference_avg', area: 'AGENT_FORGE', name: 'Inference speed', target: '12 ms average response time', unit: 'ms', max: 12, maxInclusive: true },
  { key: 'forge.model_quality', area: 'AGENT_FORGE', name: 'Model quality', target: '94% accuracy on benchmarks', unit: 'percent', min: 94 },
  { key: 'p2p.propagation_7_hops', area: 'P2P', name: 'Message propagation', target: '< 250 ms across 7 hops', unit: 'ms', max: 250 },
  { key: 'p2p.connection_establishment', area: 'P2P', name: 'Connection establishment', target: '< 500 ms', unit: 'ms', max: 500 },
  { key: 'p2p.throughput_quic', area: 'P2P', name: 'Throughput (QUIC)', target: '850+ Mbps', unit: 'Mbps', min: 850 },
  { key: 'p2p.throughput_betanet', area: 'P2P', name: 'Throughput (BetaNet)', target: '125+ Mbps', unit: 'Mbps', min: 125 },
  { key: 'p2p.battery', area: 'P2P', name: 'Battery efficiency', target: '15+ hours mobile operation', unit: 'hours', min: 15 },
  { key: 'rag.simple_query', area: 'RAG', name: 'Query response (simple queries)', target: '< 200 ms', unit: 'ms', max: 200 },
  { key: 'rag.accuracy', area: 'RAG', name: 'Accuracy', target: '4× improvement over traditional RAG', unit: 'percent', min: 400 },
  { key: 'rag.vector_search', area: 'RAG', name: 'Knowledge retrieval (vector similarity search)', target: '< 50 ms', unit: 'ms', max: 50 },
  { key: 'rag.graph_3_hops', area: 'RAG', name: 'Graph traversal (3-hop queries)', target: '< 100 ms', unit: 'ms', max: 100 },
  { key: 'fog.queue_wait', area: 'FOG', name: 'Job queue wait (average)', target: '< 30 seconds average wait time', unit: 's', max: 30 },
  { key: 'fog.utilisation', area: 'FOG', name: 'Resource utilisation', target: '85%+ efficiency', unit: 'percent', min: 85 },
  { key: 'fog.cost_saving', area: 'FOG', name: 'Cost optimisation', target: '30–50% vs traditional cloud', unit: 'percent', min: 30, max: 50, maxInclusive: true },
  { key: 'fog.security_overhead', area: 'FOG', name: 'Security overhead', target: '< 5% performance impact', unit: 'percent', max: 5 },
];

/** One KPI as measured: value null means NO_DATA and `reason` says why. */
export interface KpiMeasurement {
  value: number | null;
  /** Observations behind the value (requests, runs, simulations, samples). */
  samples: number;
  /** What was measured, e.g. `p95 of http_request_duration_seconds{endpoint="/graphql"}`. */
  source: string;
  reason?: string;
}

export interface KpiResult extends KpiDefinition, KpiMeasurement {
  status: SloStatus;
}

export function statusOf(def: KpiDefinition, value: number | null): SloStatus {
  if (value === null || !Number.isFinite(value)) return 'NO_DATA';
  if (def.min !== undefined && value < def.min) return 'MISSED';
  if (def.max !== undefined && (def.maxInclusive ? value > def.max : value >= def.max)) return 'MISSED';
  return 'MET';
}

export function evaluateKpi(def: KpiDefinition, m: KpiMeasurement): KpiResult {
  const status = statusOf(def, m.value);
  return { ...def, ...m, value: status === 'NO_DATA' ? null : m.value, status, reason: status === 'NO_DATA' ? (m.reason ?? 'no measurements in the window') : m.reason };
}

const UNIT_MS = { m: 60_000, h: 3600_000, d: 86_400_000 } as const;
export const MAX_WINDOW_MS = 7 * UNIT_MS.d;

/** `5m`, `1h`, `24h`, `7d` → ms; anything else (or over 7 days) → BAD_USER_INPUT. */
export function parseWindow(window: string): number {
  const m = /^([1-9]\d{0,4})([mhd])$/.exec(window.trim());
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : NaN;
  if (!(ms > 0) || ms > MAX_WINDOW_MS) {
    throw badInput('window must be a number of minutes, hours or days (e.g. 5m, 1h, 24h, 7d), at most 7d', { field: 'window', value: window });
  }
  return ms;
}
