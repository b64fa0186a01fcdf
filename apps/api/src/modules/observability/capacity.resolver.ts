/**
 * `Query.capacityPlan`: the guide's scaling formulas (libs/observability capacity.ts) for a
 * target load. Read-only and namespace-free, so any signed-in caller may ask; this
 * deployment's DATABASE_POOL_SIZE sizes the connection figure.
 */
import { planCapacity } from '@aivillage/observability';
import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context.js';
import { CapacityPlanInput } from './capacity.input.js';
import { CapacityPlan } from './capacity.type.js';

@Resolver()
export class CapacityResolver {
  @Query(() => CapacityPlan, {
    description:
      "API instances, database resources and workers for a target load, by the performance guide's Scaling Formulas; each figure names its formula and where every input comes from (benchmarks, the guide, you). Inputs must be > 0.",
  })
  capacityPlan(@Arg('input') input: CapacityPlanInput, @Ctx() ctx: Context): CapacityPlan {
    return planCapacity(input, { databasePoolSize: ctx.deps.config.DATABASE_POOL_SIZE });
  }
}
