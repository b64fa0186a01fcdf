/**
 * The audit log: who did what, when, from where, and whether it was allowed. Admin actions
 * and refused attempts (bad passwords, revoked keys, cross-namespace reads) are recorded;
 * a failure to write the log never fails the action it describes, but is logged.
 */
import type { PrismaClient } from '@aivillage/db';
export interface AuditEntry {
  /** A Principal fits here as it is; sign-in names the user before it has a session. */
  actor:
    | { kind: 'user'; userId: string; label: string }
    | { kind: 'apiKey'; keyId: string; label: string }
    | { kind: 'anonymous'; label: string }
    | { kind: 'system'; label: string };
  action: string;
  outcome: 'success' | 'denied' | 'failure';
  targetType?: string;
  targetId?: string;
  namespace?: string;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
}

export class AuditService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly onError: (error: unknown, entry: AuditEntry) => void,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    const a = entry.actor;
    const actorId = a.kind === 'user' ? a.userId : a.kind === 'apiKey' ? a.keyId : null;
    try {
      await this.prisma.auditEvent.create({
        data: {
          actorType: a.kind,
          actorId,
          actorLabel: a.label.slice(0, 254),
          action: entry.action,
          outcome: entry.outcome,
          targetType: entry.targetType,
          targetId: entry.targetId,
          namespace: entry.namespace,
          ip: entry.ip?.slice(0, 64),
          userAgent: entry.userAgent?.slice(0, 512),
          details: entry.details as object | undefined,
        },
      });
    } catch (error) {
      this.onError(error, entry);
    }
  }

  async list(args: { first: number; after?: bigint; action?: string; actorId?: string }) {
    return this.prisma.auditEvent.findMany({
      where: {
        ...(args.after !== undefined ? { id: { lt: args.after } } : {}),
        ...(args.action ? { action: args.action } : {}),
        ...(args.actorId ? { actorId: args.actorId } : {}),
      },
      orderBy: { id: 'desc' },
      take: args.first + 1,
    });
  }
}
