/** GraphQL shapes of sloReport: the guide's KPIs with target, measured value and status. */
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum SloStatus { MET = 'MET', MISSED = 'MISSED', NO_DATA = 'NO_DATA' }
registerEnumType(SloStatus, { name: 'SloStatus', description: 'NO_DATA: nothing was measured in the window (see reason)' });
export enum KpiArea { API = 'API', AGENT_FORGE = 'AGENT_FORGE', P2P = 'P2P', RAG = 'RAG', FOG = 'FOG' }
registerEnumType(KpiArea, { name: 'KpiArea', description: "The guide's KPI groups (Performance Metrics)" });

@ObjectType({ description: 'One KPI of the guide, measured on this deployment over the window' })
export class SloKpi {
  @Field({ description: 'Stable key, e.g. api.latency_p95' }) key!: string;
  @Field(() => KpiArea) area!: KpiArea;
  @Field() name!: string;
  @Field({ description: "The guide's target, as worded there" }) target!: string;
  @Field(() => Float, { nullable: true, description: 'Value must be at least this' }) targetMin!: number | null;
  @Field(() => Float, { nullable: true, description: 'Value must be below this (or at most, for averages and ranges)' }) targetMax!: number | null;
  @Field({ description: 'ms, s, hours, percent, Mbps or requests' }) unit!: string;
  @Field(() => Float, { nullable: true, description: 'Measured over the window; null without data' }) value!: number | null;
  @Field(() => Int, { description: 'Observations behind the value (requests, runs, simulations, samples)' }) samples!: number;
  @Field(() => SloStatus) status!: SloStatus;
  @Field({ description: 'What was measured' }) source!: string;
  @Field(() => String, { nullable: true, description: 'Why there is no value (NO_DATA)' }) reason!: string | null;
}

@ObjectType({ description: "The guide's Performance Metrics KPIs over a window, fleet-wide" })
export class SloReport {
  @Field() window!: string;
  @Field() from!: Date;
  @Field() to!: Date;
  @Field(() => [SloKpi]) kpis!: SloKpi[];
}
