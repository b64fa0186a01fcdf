/**
 * HTTP load through autocannon, with our own bookkeeping: every response's latency and
 * arrival time is kept, so a run's connection ramp can be left out of the figures and
 * several staggered instances can be merged into one result.
 *
 * Why our own bookkeeping: autocannon's rate limiter resets each connection's budget on
 * a 1 s timer created when the connection is, so with `overallRate` every connection of
 * one instance fires together (1,000 connections at 1 req/s each = one
 * burst of 1,000 requests per second), and its histogram then "corrects" for coordinated
 * omission with a 1 ms expected interval, inflating every percentile.
 */
import autocannon from 'autocannon';
import { summarize, type Summary } from './stats.js';

export interface Target {
  /** Full URL of the GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  /** JSON request body. */
  body: string;
  /** Extra request headers (credentials). */
  headers?: Record<string, string>;
  /** True when a response body is a successful answer (data, no errors). */
  isSuccess: (body: string) => boolean;
}

export interface LoadResult {
  connections: number;
  /** Requests per second asked for (open loop); undefined for closed loop. */
  targetRate?: number;
  /** Seconds over which latencies and throughput were taken (after the ramp). */
  windowS: number;
  /** Requests on established connections, inside the window. */
  latency: Summary;
  /** Each connection's first request (its time includes the TCP connect), whole run. */
  firstRequest: Summary;
  /** Responses per second completed inside the window. */
  achievedRps: number;
  /** Attempts over the whole run, ramp included: responses + transport errors. */
  total: number;
  non2xx: number;
  /** Transport errors (connection errors and timeouts). */
  errors: number;
  timeouts: number;
  /** Responses that were not a successful GraphQL answer (includes every non-2xx). */
  badResponses: number;
  /** (badResponses + errors) / total. */
  errorRate: number;
}

interface Tally {
  at: number[];
  /** NaN marks a connection's first request (kept apart in `first`). */
  latency: number[];
  first: number[];
  seen: WeakSet<object>;
  responses: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  bad: number;
}

const newTally = (): Tally => ({ at: [], latency: [], first: [], seen: new WeakSet(), responses: 0, non2xx: 0, errors: 0, timeouts: 0, bad: 0 });

/** Runs one autocannon instance to completion, recording into `tally`. */
function runInstance(target: Target, opts: { connections: number; durationS: number; overallRate?: number }, tally: Tally): Promise<void> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers },
        body: target.body,
        connections: opts.connections,
        duration: opts.durationS,
        overallRate: opts.overallRate,
        // We compute percentiles from raw samples; skip autocannon's per-request correction work.
        ignoreCoordinatedOmission: opts.overallRate !== undefined,
        // Called with the response body as a string (the typings also allow Buffer/undefined).
        verifyBody: (body) => {
          const ok = typeof body === 'string' && target.isSuccess(body);
          if (!ok) tally.bad++;
          return ok;
        },
      },
      (err) => (err ? reject(err) : resolve()),
    );
    instance.on('response', (client, statusCode, _bytes, responseTime) => {
      tally.responses++;
      // autocannon starts a request's clock when it writes it, which for a connection's
      // first request is before the connect completes.
      tally.at.push(performance.now());
      if (!tally.seen.has(client)) {
        tally.seen.add(client);
        tally.first.push(responseTime);
        tally.latency.push(Number.NaN);
      } else {
        tally.latency.push(responseTime);
      }
      if (statusCode < 200 || statusCode >= 300) tally.non2xx++;
    });
    instance.on('reqError', (error: Error) => {
      tally.errors++;
      if (error?.message === 'request timed out') tally.timeouts++;
    });
  });
}

function toResult(tally: Tally, from: number, to: number, connections: number, targetRate?: number): LoadResult {
  const latency: number[] = [];
  let inWindow = 0;
  for (let i = 0; i < tally.at.length; i++) {
    if (tally.at[i] >= from && tally.at[i] <= to) {
      inWindow++;
      if (!Number.isNaN(tally.latency[i])) latency.push(tally.latency[i]);
    }
  }
  const windowS = (to - from) / 1000;
  const total = tally.responses + tally.errors;
  return {
    connections,
    targetRate,
    windowS,
    latency: summarize(latency),
    firstRequest: summarize(tally.first),
    achievedRps: inWindow / windowS,
    total,
    non2xx: tally.non2xx,
    errors: tally.errors,
    timeouts: tally.timeouts,
    badResponses: tally.bad,
    errorRate: total ? (tally.bad + tally.errors) / total : 0,
  };
}

/**
 * One autocannon instance; latency figures exclude each connection's first request (it
 * includes the TCP connect: see netstat.ts) and throughput the first `rampS` seconds.
 */
export async function runLoad(
  target: Target,
  opts: { connections: number; durationS: number; overallRate?: number; rampS: number },
): Promise<LoadResult> {
  const tally = newTally();
  const started = performance.now();
  await runInstance(target, opts, tally);
  const ended = Math.min(performance.now(), started + opts.durationS * 1000);
  return toResult(tally, started + opts.rampS * 1000, ended, opts.connections, opts.overallRate);
}

/**
 * The same open-loop load as `runLoad` with `overallRate`, spread over `groups` instances
 * started `1000 / groups` ms apart, so the connections' once-a-second sends are paced
 * through the second instead of landing together.
 */
export async function runPacedLoad(
  target: Target,
  opts: { connections: number; overallRate: number; durationS: number; rampS: number; groups: number },
): Promise<LoadResult> {
  const tally = newTally();
  const stepMs = 1000 / opts.groups;
  const started = performance.now();
  const runs: Promise<void>[] = [];
  for (let g = 0; g < opts.groups; g++) {
    const connections = Math.floor(opts.connections / opts.groups) + (g < opts.connections % opts.groups ? 1 : 0);
    const overallRate = Math.floor(opts.overallRate / opts.groups) + (g < opts.overallRate % opts.groups ? 1 : 0);
    runs.push(
      new Promise<void>((resolve) => setTimeout(resolve, g * stepMs)).then(() =>
        runInstance(target, { connections, overallRate, durationS: opts.durationS }, tally),
      ),
    );
  }
  await Promise.all(runs);
  // Every group is running between the last group's start (+ ramp) and the first group's end.
  const from = started + 1000 + opts.rampS * 1000;
  const to = started + opts.durationS * 1000;
  return toResult(tally, from, to, opts.connections, opts.overallRate);
}

export interface RateSearch {
  steps: LoadResult[];
  /** The step with the highest throughput that kept p95 under the limit with no errors. */
  best?: LoadResult;
}

/**
 * Closed-loop search for the highest request rate whose p95 (or `percentile`) stays under `p95LimitMs`:
 * double the connections each step; stop at the first step over the limit or with
 * errors, or once throughput has stopped growing (saturated: more connections only queue).
 */
export async function searchMaxRate(
  target: Target,
  opts: { connections: number[]; stepS: number; rampS: number; p95LimitMs: number; percentile?: 'p95' | 'p99' },
  onStep?: (step: LoadResult) => void,
): Promise<RateSearch> {
  const steps: LoadResult[] = [];
  let best: LoadResult | undefined;
  let flat = 0;
  for (const connections of opts.connections) {
    const step = await runLoad(target, { connections, durationS: opts.stepS, rampS: opts.rampS });
    steps.push(step);
    onStep?.(step);
    const met = step.latency[opts.percentile ?? 'p95'] < opts.p95LimitMs && step.errorRate === 0;
    if (!met) break;
    if (!best || step.achievedRps > best.achievedRps * 1.05) flat = 0;
    else flat++;
    if (!best || step.achievedRps > best.achievedRps) best = step;
    if (flat >= 2) break;
  }
  return { steps, best };
}
