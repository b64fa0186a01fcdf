/**
 * Times every HTTP request once, at the edge: Prometheus' `http_request_duration_seconds`
 * (by method, endpoint, GraphQL operation and status) and the live window behind
 * `systemMetrics`. Probes and scrapes are left out of the live window so they don't
 * dilute the API's own latency figures.
 */
import type { RequestHandler } from 'express';
import type { HttpMetrics, LabelLimiter, LatencyWindow } from '@aivillage/metrics';
import type { RequestInfo } from '../context.js';

const KNOWN_ENDPOINTS = new Set(['/graphql', '/healthz', '/readyz', '/metrics']);
const UNTRACKED_IN_WINDOW = new Set(['/healthz', '/readyz', '/metrics']);

export function requestMetrics(metrics: HttpMetrics, operations: LabelLimiter, window: LatencyWindow): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    // Read now: mounted routers rewrite req.url while they run.
    const endpoint = KNOWN_ENDPOINTS.has(req.path) ? req.path : 'other';
    const info: RequestInfo = {};
    res.locals.requestInfo = info;
    res.once('finish', () => {
      const ms = performance.now() - started;
      metrics.requestDuration.observe(
        { method: req.method, endpoint, operation: operations.label(info.operation), status: String(res.statusCode) },
        ms / 1000,
      );
      if (!UNTRACKED_IN_WINDOW.has(endpoint)) window.record(ms);
    });
    next();
  };
}
