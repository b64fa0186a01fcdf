/**
 * EVOMERGE: candidates are trained from the shared initialisation (different data orders),
 * then an evolutionary search over merges of them — linear, SLERP and TIES against the
 * initialisation — keeps the merge with the best validation accuracy, measured through
 * onnxruntime. Each trained candidate is checkpointed, so a retried attempt trains only
 * the missing ones.
 */
import { decodeLayers, encodeLayers, evolveMerge, Trainer, type EncodedLayer, type MergeRecipe } from '@aivillage/training';
import { PhaseStoppedError, type PhaseExecutor } from '../executor.js';
import type { PhaseSettings } from '../run-config.js';
import { trainInPhase } from './train-loop.js';
import { datasetSplit, fromHandoff, measureAndRegister, round, toHandoff, validationAccuracy } from './model-io.js';

interface EvoMergeCheckpoint {
  candidates: EncodedLayer[][];
  candidateAccuracies: number[];
}

function describeRecipe(r: MergeRecipe): string {
  if (r.op === 'ties') return `ties(${r.models.map((m, i) => `c${m}×${round(r.weights[i], 2)}`).join(', ')}; density ${round(r.density, 2)})`;
  return r.t === 0 ? `c${r.a}` : r.t === 1 ? `c${r.b}` : `${r.op}(c${r.a}, c${r.b}; t=${round(r.t, 3)})`;
}

export const evomergeExecutor: PhaseExecutor = {
  async run(ctx) {
    const s = ctx.phaseConfig.settings as PhaseSettings<'EVOMERGE'>;
    const base = fromHandoff(ctx);
    const split = datasetSplit(ctx.config.splitSeed);
    const state: EvoMergeCheckpoint = (await ctx.loadCheckpoint<EvoMergeCheckpoint>()) ?? { candidates: [], candidateAccuracies: [] };
    const stepsPerCandidate = Math.ceil(split.train.size / 32) * s.candidateEpochs;
    for (let i = state.candidates.length; i < s.candidates; i++) {
      const trainer = Trainer.create(
        { arch: base.arch, seed: s.seed + i, epochs: s.candidateEpochs, batchSize: 32, schedule: 'cosine', optimizer: { kind: 'adam', learningRate: s.learningRate } },
        base.params,
      );
      const { params } = await trainInPhase(ctx, trainer, { train: split.train, validation: split.validation }, { prefix: 'candidate_', stepOffset: i * stepsPerCandidate });
      state.candidates.push(encodeLayers(params));
      state.candidateAccuracies.push(await validationAccuracy(ctx, base.arch, params, 'float32'));
      await ctx.saveCheckpoint(state);
    }
    const candidates = state.candidates.map((c, i) => decodeLayers(c, base.params, `candidates[${i}]`));
    const result = await evolveMerge({
      candidates,
      base: base.params,
      seed: s.seed,
      population: s.population,
      generations: s.generations,
      fitness: (params) => validationAccuracy(ctx, base.arch, params, 'float32'),
      onGeneration: async (g) => {
        ctx.metric(g.generation, 'fitness', g.bestFitness);
        ctx.metric(g.generation, 'mean_fitness', g.meanFitness);
        await ctx.breathe();
      },
      shouldStop: () => ctx.shouldStop(),
    });
    if (result.status === 'stopped') throw new PhaseStoppedError();
    const merged = { arch: base.arch, params: result.params, quantization: 'none' as const };
    const m = await measureAndRegister(ctx, merged);
    return {
      summary: {
        candidates: s.candidates,
        bestCandidateValidationAccuracy: round(Math.max(...state.candidateAccuracies)),
        mergedValidationAccuracy: round(result.fitness),
        recipe: describeRecipe(result.recipe),
        evaluations: result.evaluations,
        format: 'float32',
        onnxBytes: m.bytes,
        testAccuracy: round(m.testAccuracy),
        modelVersion: m.artifact.version,
      },
      output: toHandoff(merged, m.artifact),
    };
  },
};
