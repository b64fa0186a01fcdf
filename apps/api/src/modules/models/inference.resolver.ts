/**
 * Inference: `runInference` and the live `inferenceMetrics` feed. Thin: the model version is
 * resolved and the request checked against its signature here (cached, no database round
 * trip when warm), then it runs on the inference workers through the InferenceClient
 * (libs/models/inference-client.ts, which documents the queue design).
 */
import { assertNamespace } from '@aivillage/auth';
import type { InferenceMetricsPayload } from '@aivillage/pubsub';
import type { ModelInputs } from '@aivillage/models';
import { JSONResolver } from 'graphql-scalars';
import { Arg, Ctx, Int, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../context.js';
import { InferenceMetrics, InferenceResult } from './inference.type.js';

@Resolver()
export class InferenceResolver {
  @Mutation(() => InferenceResult, {
    description:
      'Runs a model on the inference workers. Give version or alias; with neither, the "production" alias is used when the model has one, else the latest version. ' +
      'inputs maps each input name to nested arrays (e.g. [[0.1, 0.2]]) or { data: [...], dims: [...] }.',
  })
  async runInference(
    @Arg('model') model: string,
    @Arg('version', () => Int, { nullable: true }) version: number | null,
    @Arg('alias', () => String, { nullable: true }) alias: string | null,
    @Arg('inputs', () => JSONResolver) inputs: ModelInputs,
    @Arg('outputs', () => [String], { nullable: true, description: 'Outputs to return (all by default)' }) outputs: string[] | null,
    @Arg('namespace', { defaultValue: 'default' }) namespace: string,
    @Ctx() ctx: Context,
  ): Promise<InferenceResult> {
    assertNamespace(ctx.principal, namespace);
    const { inferenceTargets, inference } = ctx.deps;
    const target = await inferenceTargets.resolve(namespace, model, { version, alias });
    inferenceTargets.validate(target, inputs, outputs);
    const result = await inference.run(target, inputs, outputs ?? undefined);
    const t = result.timings;
    return {
      namespace,
      model,
      version: target.version,
      outputs: result.outputs,
      timings: {
        totalMs: t.totalMs, sendMs: t.sendMs, queueMs: t.queueMs, workerMs: t.workerMs, replyMs: t.replyMs, batchWaitMs: t.batchWaitMs, runMs: t.runMs, overheadMs: t.overheadMs,
        batchSize: t.batchRows, batchRequests: t.batchRequests, worker: t.worker,
      },
    };
  }

  @Subscription(() => InferenceMetrics, {
    description: "A sample per metrics period (METRICS_SAMPLE_MS) of one model's traffic over the whole API fleet; zeros while idle",
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const namespace = args.namespace as string;
      assertNamespace(ctx.principal, namespace);
      await ctx.deps.models.getModel(namespace, args.model as string); // NOT_FOUND for an unknown model
      return ctx.pubsub.subscribe('INFERENCE_METRICS');
    },
  })
  inferenceMetrics(
    @Root() payload: InferenceMetricsPayload,
    @Arg('model') model: string,
    @Arg('namespace', { defaultValue: 'default' }) namespace: string,
  ): InferenceMetrics {
    const sample = payload.models.find((m) => m.namespace === namespace && m.model === model);
    return {
      timestamp: new Date(payload.timestamp),
      namespace,
      model,
      requestsPerSecond: sample?.requestsPerSecond ?? 0,
      errorsPerSecond: sample?.errorsPerSecond ?? 0,
      p50LatencyMs: sample?.p50LatencyMs ?? null,
      p95LatencyMs: sample?.p95LatencyMs ?? null,
      p99LatencyMs: sample?.p99LatencyMs ?? null,
      averageBatchSize: sample?.averageBatchSize ?? null,
      workers: payload.workers,
      workerRssBytes: payload.workerRssBytes,
    };
  }
}
