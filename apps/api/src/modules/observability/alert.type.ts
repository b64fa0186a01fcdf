/** GraphQL shapes of alerts raised by the regression and memory-leak detectors. */
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../access/access.type.js';

export enum AlertKind { REGRESSION = 'REGRESSION', MEMORY_LEAK = 'MEMORY_LEAK' }
registerEnumType(AlertKind, { name: 'AlertKind', description: "REGRESSION: an operation's p95 ≥ 20% above its baseline; MEMORY_LEAK: a process's memory ≥ 1.5× its baseline" });
export enum AlertSeverity { WARNING = 'WARNING', CRITICAL = 'CRITICAL' }
registerEnumType(AlertSeverity, { name: 'AlertSeverity' });
export enum AlertStatus { OPEN = 'OPEN', ACKNOWLEDGED = 'ACKNOWLEDGED', RESOLVED = 'RESOLVED' }
registerEnumType(AlertStatus, { name: 'AlertStatus', description: 'One unresolved alert per kind and subject; a repeat finding updates it' });
export enum AlertEvent { OPENED = 'OPENED', ACKNOWLEDGED = 'ACKNOWLEDGED', RESOLVED = 'RESOLVED' }
registerEnumType(AlertEvent, { name: 'AlertEvent' });

@ObjectType({ description: "A detector's finding" })
export class Alert {
  @Field(() => ID) id!: string;
  @Field(() => AlertKind) kind!: AlertKind;
  @Field(() => AlertSeverity) severity!: AlertSeverity;
  @Field({ description: 'A GraphQL operation (REGRESSION) or <component>/<instance> (MEMORY_LEAK)' }) subject!: string;
  @Field() message!: string;
  @Field(() => Float, { description: 'Recent p95 in ms, or the growth factor' }) value!: number;
  @Field(() => Float, { description: 'The figure the value crossed' }) threshold!: number;
  @Field(() => Float, { nullable: true, description: 'Baseline p95 in ms, or baseline bytes' }) baseline!: number | null;
  @Field(() => AlertStatus) status!: AlertStatus;
  @Field(() => Int, { description: 'Detector passes that found it while unresolved' }) occurrences!: number;
  @Field() openedAt!: Date;
  @Field() lastSeenAt!: Date;
  @Field(() => Date, { nullable: true }) acknowledgedAt!: Date | null;
  @Field(() => String, { nullable: true }) acknowledgedBy!: string | null;
  @Field(() => Date, { nullable: true }) resolvedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Who resolved it, or `detector` when its condition cleared' }) resolvedBy!: string | null;
}

@ObjectType()
export class AlertConnection {
  @Field(() => [Alert]) nodes!: Alert[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType({ description: 'An alert opened, acknowledged or resolved' })
export class AlertUpdate {
  @Field(() => AlertEvent) event!: AlertEvent;
  @Field(() => Alert) alert!: Alert;
}
