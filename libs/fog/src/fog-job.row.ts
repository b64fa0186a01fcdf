/**
 * Raw-SQL helpers of the fog job service: a `fog_jobs` row as returned by `RETURNING j.*`
 * mapped to Prisma's `FogJob` (so one statement can change a job and hand it back), and the
 * byte-bounded log append (FOG_LOG_MAX_BYTES counts UTF-8 bytes, cut at a character boundary).
 */
import type { FogJob } from '@aivillage/db';

/** A `fog_jobs` row with snake_case columns, as `$queryRaw` returns it. */
export interface FogJobRow {
  id: string;
  namespace_id: string;
  name: string | null;
  runtime: FogJob['runtime'];
  module_sha256: string | null;
  command_template: string | null;
  args: string[];
  env: FogJob['env'];
  cpu_cores: number;
  memory_mb: number;
  gpus: number;
  timeout_ms: number;
  sla: string;
  tier: FogJob['tier'];
  priority: number;
  status: FogJob['status'];
  node_id: string | null;
  attempt: number;
  max_attempts: number;
  assignment_token: string | null;
  cancel_requested: boolean;
  hold_reason: string | null;
  queued_at: Date;
  scheduled_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  exit_code: number | null;
  error_code: string | null;
  error: string | null;
  stdout: string;
  stderr: string;
  stdout_bytes: number;
  stderr_bytes: number;
  timings: FogJob['timings'];
  cpu_ms: number | null;
  submitted_by: string | null;
}

export function fogJobFromRow(r: FogJobRow): FogJob {
  return {
    id: r.id, namespaceId: r.namespace_id, name: r.name, runtime: r.runtime, moduleSha256: r.module_sha256?.trim() ?? null, commandTemplate: r.command_template,
    args: r.args, env: r.env, cpuCores: r.cpu_cores, memoryMb: r.memory_mb, gpus: r.gpus, timeoutMs: r.timeout_ms, sla: r.sla, tier: r.tier, priority: r.priority,
    status: r.status, nodeId: r.node_id, attempt: r.attempt, maxAttempts: r.max_attempts, assignmentToken: r.assignment_token, cancelRequested: r.cancel_requested,
    holdReason: r.hold_reason, queuedAt: r.queued_at, scheduledAt: r.scheduled_at, startedAt: r.started_at, finishedAt: r.finished_at, exitCode: r.exit_code,
    errorCode: r.error_code, error: r.error, stdout: r.stdout, stderr: r.stderr, stdoutBytes: r.stdout_bytes, stderrBytes: r.stderr_bytes, timings: r.timings,
    cpuMs: r.cpu_ms, submittedBy: r.submitted_by,
  };
}

/**
 * The longest prefix of `text` whose UTF-8 encoding has at most `maxBytes` bytes, cut at a
 * character boundary (never inside a surrogate pair).
 */
export function utf8Prefix(text: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.codePointAt(i)!;
    const n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (bytes + n > maxBytes) break;
    bytes += n;
    i += c > 0xffff ? 2 : 1;
  }
  return text.slice(0, i);
}
