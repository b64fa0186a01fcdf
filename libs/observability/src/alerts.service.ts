/**
 * Alerts: stored, de-duplicated while unresolved (one row per kind and subject; a repeat
 * finding bumps it), published on the ALERTS topic, and POSTed to an optional webhook.
 * The webhook is fire-and-forget with a timeout: the row and the publish happen first, so a
 * webhook that hangs or fails never holds up alerting (its failure is logged).
 */
import type { Alert, PrismaClient } from '@aivillage/db';
import { AppError, ErrorCode, badInput, notFound } from '@aivillage/errors';
import type { Logger } from '@aivillage/log';
import type { AlertEventPayload } from '@aivillage/pubsub';
import type { Severity } from './detect.js';

export type AlertKindName = 'REGRESSION' | 'MEMORY_LEAK';
export type AlertStatusName = 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED';

export interface Finding {
  kind: AlertKindName;
  severity: Severity;
  subject: string;
  message: string;
  value: number;
  threshold: number;
  baseline: number | null;
}

export interface AlertServiceDeps {
  prisma: PrismaClient;
  publish: (payload: AlertEventPayload) => void | Promise<void>;
  webhook?: { url: string; timeoutMs: number } | null;
  log?: Logger;
}

export function toAlertPayload(a: Alert): AlertEventPayload['alert'] {
  return {
    id: String(a.id), kind: a.kind, severity: a.severity, subject: a.subject, message: a.message, value: a.value, threshold: a.threshold,
    baseline: a.baseline, status: a.status, occurrences: a.occurrences, openedAt: a.openedAt.toISOString(), lastSeenAt: a.lastSeenAt.toISOString(),
    acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null, acknowledgedBy: a.acknowledgedBy, resolvedAt: a.resolvedAt?.toISOString() ?? null, resolvedBy: a.resolvedBy,
  };
}

/** alerts row as `RETURNING *` gives it (snake_case) → Prisma's Alert. */
interface AlertRow {
  id: bigint; kind: Alert['kind']; severity: Alert['severity']; subject: string; message: string; value: number; threshold: number; baseline: number | null;
  status: Alert['status']; occurrences: number; opened_at: Date; last_seen_at: Date; acknowledged_at: Date | null; acknowledged_by: string | null;
  resolved_at: Date | null; resolved_by: string | null; inserted: boolean;
}
const fromRow = (r: AlertRow): Alert => ({
  id: r.id, kind: r.kind, severity: r.severity, subject: r.subject, message: r.message, value: r.value, threshold: r.threshold, baseline: r.baseline,
  status: r.status, occurrences: r.occurrences, openedAt: r.opened_at, lastSeenAt: r.last_seen_at, acknowledgedAt: r.acknowledged_at,
  acknowledgedBy: r.acknowledged_by, resolvedAt: r.resolved_at, resolvedBy: r.resolved_by,
});

const ID = /^[1-9]\d{0,18}$/;

export class AlertService {
  private readonly deliveries = new Set<Promise<void>>();

  constructor(private readonly deps: AlertServiceDeps) {}

  /**
   * Records a finding: a new alert (published, sent to the webhook) or, while one of the same
   * kind and subject is unresolved, an update of that one (figures, last seen, occurrences).
   */
  async raise(f: Finding): Promise<{ alert: Alert; opened: boolean }> {
    const [row] = await this.deps.prisma.$queryRaw<AlertRow[]>`
      INSERT INTO alerts (kind, severity, subject, message, value, threshold, baseline)
      VALUES (${f.kind}::"AlertKind", ${f.severity}::"AlertSeverity", ${f.subject.slice(0, 256)}, ${f.message}, ${f.value}, ${f.threshold}, ${f.baseline})
      ON CONFLICT (kind, subject) WHERE status <> 'RESOLVED' DO UPDATE
        SET severity = EXCLUDED.severity, message = EXCLUDED.message, value = EXCLUDED.value, threshold = EXCLUDED.threshold,
            baseline = EXCLUDED.baseline, last_seen_at = now(), occurrences = alerts.occurrences + 1
      RETURNING *, (xmax = 0) AS inserted`;
    const alert = fromRow(row);
    if (row.inserted) await this.announce('OPENED', alert);
    return { alert, opened: row.inserted };
  }

  /** Resolves the unresolved alerts of `kind` on these subjects (their condition cleared). */
  async resolveCleared(kind: AlertKindName, subjects: readonly string[]): Promise<Alert[]> {
    if (subjects.length === 0) return [];
    const rows = await this.deps.prisma.$queryRaw<AlertRow[]>`
      UPDATE alerts SET status = 'RESOLVED', resolved_at = now(), resolved_by = 'detector'
       WHERE kind = ${kind}::"AlertKind" AND subject = ANY(${[...subjects]}::text[]) AND status <> 'RESOLVED'
      RETURNING *, false AS inserted`;
    const alerts = rows.map(fromRow);
    for (const a of alerts) await this.announce('RESOLVED', a);
    return alerts;
  }

  /** Newest first; `after` is the id of the last alert of the previous page. */
  async list(opts: { status?: AlertStatusName | null; first: number; after?: string | null }): Promise<{ nodes: Alert[]; hasNextPage: boolean }> {
    if (!Number.isInteger(opts.first) || opts.first < 1 || opts.first > 500) throw badInput('first must be between 1 and 500', { field: 'first' });
    if (opts.after != null && !ID.test(opts.after)) throw badInput('after is not a cursor from this list', { field: 'after' });
    const rows = await this.deps.prisma.alert.findMany({
      where: { ...(opts.status ? { status: opts.status } : {}), ...(opts.after != null ? { id: { lt: BigInt(opts.after) } } : {}) },
      orderBy: { id: 'desc' },
      take: opts.first + 1,
    });
    return { nodes: rows.slice(0, opts.first), hasNextPage: rows.length > opts.first };
  }

  /** OPEN → ACKNOWLEDGED (again: unchanged); a resolved alert cannot be acknowledged. */
  async acknowledge(id: string, by: string): Promise<Alert> {
    const current = await this.get(id);
    if (current.status === 'ACKNOWLEDGED') return current;
    if (current.status === 'RESOLVED') throw new AppError(ErrorCode.CONFLICT, `alert ${id} is resolved`);
    const { count } = await this.deps.prisma.alert.updateMany({
      where: { id: current.id, status: 'OPEN' }, data: { status: 'ACKNOWLEDGED', acknowledgedAt: new Date(), acknowledgedBy: by.slice(0, 254) },
    });
    const alert = await this.get(id);
    if (count) await this.announce('ACKNOWLEDGED', alert);
    return alert;
  }

  /** Any unresolved → RESOLVED (again: unchanged). A new finding then opens a new alert. */
  async resolve(id: string, by: string): Promise<Alert> {
    const current = await this.get(id);
    if (current.status === 'RESOLVED') return current;
    const { count } = await this.deps.prisma.alert.updateMany({
      where: { id: current.id, status: { not: 'RESOLVED' } }, data: { status: 'RESOLVED', resolvedAt: new Date(), resolvedBy: by.slice(0, 254) },
    });
    const alert = await this.get(id);
    if (count) await this.announce('RESOLVED', alert);
    return alert;
  }

  async get(id: string): Promise<Alert> {
    const alert = ID.test(id) ? await this.deps.prisma.alert.findUnique({ where: { id: BigInt(id) } }) : null;
    if (!alert) throw notFound('Alert', id);
    return alert;
  }

  /** Resolves once every webhook delivery started so far has finished (or timed out). */
  async whenDelivered(): Promise<void> {
    await Promise.allSettled([...this.deliveries]);
  }

  private async announce(event: AlertEventPayload['event'], alert: Alert): Promise<void> {
    const payload: AlertEventPayload = { event, alert: toAlertPayload(alert) };
    try {
      await this.deps.publish(payload);
    } catch (err) {
      this.deps.log?.warn({ err, alert: payload.alert.id }, 'alert publish failed');
    }
    if (event === 'OPENED' && this.deps.webhook) this.deliver(this.deps.webhook, payload);
  }

  private deliver(webhook: { url: string; timeoutMs: number }, payload: AlertEventPayload): void {
    const delivery = postWebhook(webhook.url, payload, webhook.timeoutMs).then(
      () => undefined,
      (err) => this.deps.log?.warn({ err, url: webhook.url, alert: payload.alert.id }, 'alert webhook failed'),
    );
    this.deliveries.add(delivery);
    void delivery.finally(() => this.deliveries.delete(delivery));
  }
}

/** POSTs `payload` as JSON; rejects on a non-2xx answer, a network error or after `timeoutMs`. */
export async function postWebhook(url: string, payload: unknown, timeoutMs: number): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'aivillage-alerts' },
    body: JSON.stringify(payload),
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`webhook answered ${res.status}`);
}
