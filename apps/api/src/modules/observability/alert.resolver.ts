/**
 * Alerts from the detectors (which run on the workers): fleet-level, so any signed-in caller
 * reads them and follows them live; acknowledging and resolving take DEVELOPER and are audited.
 */
import type { Alert as AlertRow } from '@aivillage/db';
import type { AlertEventPayload } from '@aivillage/pubsub';
import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../context.js';
import { Alert, AlertConnection, AlertEvent, AlertStatus, AlertUpdate, type AlertKind, type AlertSeverity } from './alert.type.js';

export const toAlert = (a: AlertRow | AlertEventPayload['alert']): Alert => ({
  id: String(a.id), kind: a.kind as AlertKind, severity: a.severity as AlertSeverity, subject: a.subject, message: a.message, value: a.value,
  threshold: a.threshold, baseline: a.baseline, status: a.status as AlertStatus, occurrences: a.occurrences,
  openedAt: new Date(a.openedAt), lastSeenAt: new Date(a.lastSeenAt),
  acknowledgedAt: a.acknowledgedAt ? new Date(a.acknowledgedAt) : null, acknowledgedBy: a.acknowledgedBy,
  resolvedAt: a.resolvedAt ? new Date(a.resolvedAt) : null, resolvedBy: a.resolvedBy,
});

@Resolver(() => Alert)
export class AlertResolver {
  @Query(() => AlertConnection, { description: 'Alerts, newest first' })
  async alerts(
    @Arg('status', () => AlertStatus, { nullable: true }) status: AlertStatus | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<AlertConnection> {
    const { nodes, hasNextPage } = await ctx.deps.alerts.list({ status, first, after });
    return { nodes: nodes.map(toAlert), pageInfo: { hasNextPage, endCursor: nodes.length ? String(nodes[nodes.length - 1].id) : null } };
  }

  @Authorized('DEVELOPER')
  @Mutation(() => Alert, { description: 'OPEN → ACKNOWLEDGED: someone is on it (it stays unresolved)' })
  async acknowledgeAlert(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Alert> {
    const alert = await ctx.deps.alerts.acknowledge(id, ctx.principal.label);
    void ctx.deps.audit.record({ actor: ctx.principal, action: 'alert.acknowledge', outcome: 'success', targetType: 'alert', targetId: id, details: { subject: alert.subject }, ...ctx.meta });
    return toAlert(alert);
  }

  @Authorized('DEVELOPER')
  @Mutation(() => Alert, { description: 'Marks the alert RESOLVED; a new finding on the same subject then opens a new alert' })
  async resolveAlert(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Alert> {
    const alert = await ctx.deps.alerts.resolve(id, ctx.principal.label);
    void ctx.deps.audit.record({ actor: ctx.principal, action: 'alert.resolve', outcome: 'success', targetType: 'alert', targetId: id, details: { subject: alert.subject }, ...ctx.meta });
    return toAlert(alert);
  }

  @Subscription(() => AlertUpdate, {
    name: 'alerts',
    description: 'Alerts as they are opened, acknowledged and resolved, from every detector and API instance',
    subscribe: ({ context }) => (context as Context).pubsub.subscribe('ALERTS'),
  })
  alertUpdates(@Root() p: AlertEventPayload): AlertUpdate {
    return { event: p.event as AlertEvent, alert: toAlert(p.alert) };
  }
}
