/**
 * Prometheus metrics. Names follow the performance guide exactly where it names one;
 * everything else is `aivillage_<domain>_<thing>_<unit>`. One registry per process,
 * created at start-up and passed down (no module-level singletons, so tests can build many).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export { Registry };

/** Latency buckets in seconds, dense below 100 ms where the guide's targets sit. */
export const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export function createRegistry(component: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ component });
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'memory_usage_bytes',
    help: 'Resident memory of this process in bytes, by component',
    labelNames: ['component'],
    registers: [registry],
    collect() {
      this.set({ component }, process.memoryUsage().rss);
    },
  });
  return registry;
}

export interface HttpMetrics {
  requestDuration: Histogram<'method' | 'endpoint' | 'operation' | 'status'>;
  activeConnections: Gauge;
  graphqlErrors: Counter<'operation' | 'code'>;
}

export function createHttpMetrics(registry: Registry, openConnections: () => number): HttpMetrics {
  return {
    requestDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by method, endpoint, GraphQL operation and status',
      labelNames: ['method', 'endpoint', 'operation', 'status'],
      buckets: LATENCY_BUCKETS_SECONDS,
      registers: [registry],
    }),
    activeConnections: new Gauge({
      name: 'active_connections_total',
      help: 'Open client connections (HTTP keep-alive sockets and WebSockets)',
      registers: [registry],
      collect() {
        this.set(openConnections());
      },
    }),
    graphqlErrors: new Counter({
      name: 'aivillage_graphql_errors_total',
      help: 'GraphQL errors returned to clients, by operation and extensions.code',
      labelNames: ['operation', 'code'],
      registers: [registry],
    }),
  };
}

/**
 * Bounds label cardinality: client-chosen values (operation names) beyond `max`
 * distinct ones are reported as `other`.
 */
export class LabelLimiter {
  private readonly seen = new Set<string>();
  constructor(private readonly max = 200) {}
  label(value: string | undefined | null): string {
    if (!value) return 'anonymous';
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return 'other';
    this.seen.add(value);
    return value;
  }
}
