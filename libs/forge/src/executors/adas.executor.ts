/**
 * ADAS: a search over architectures. Each variant from the settings is trained briefly
 * (from scratch, in the model's current weight format) and measured on the validation split
 * through onnxruntime, beside the current model as it is; they are ranked by accuracy minus
 * a size penalty, and the best one goes on (usually the current, fully trained model, unless
 * a variant matches it smaller).
 */
import { evaluateOnnx, exportOnnx, parameterCount, searchArchitectures, trainingEvaluator, type DenseLayer, type MlpArchitecture } from '@aivillage/training';
import { PhaseStoppedError, type PhaseExecutor } from '../executor.js';
import type { PhaseSettings } from '../run-config.js';
import { datasetSplit, describeArch, formatOf, fromHandoff, measureAndRegister, round, toHandoff, type WorkingModel } from './model-io.js';

interface Candidate {
  name: string;
  arch: MlpArchitecture;
  current: boolean;
}

export const adasExecutor: PhaseExecutor = {
  async run(ctx) {
    const s = ctx.phaseConfig.settings as PhaseSettings<'ADAS'>;
    const current = fromHandoff(ctx);
    const format = formatOf(current);
    const split = datasetSplit(ctx.config.splitSeed);
    const train = trainingEvaluator({
      train: split.train,
      validation: split.validation,
      format,
      config: { seed: s.seed, epochs: s.epochs, batchSize: 32, schedule: 'cosine', optimizer: { kind: 'adam', learningRate: 3e-3 } },
    });
    const candidates: Candidate[] = [
      { name: `${describeArch(current.arch)} (current)`, arch: current.arch, current: true },
      ...s.variants.map((v) => {
        const arch = { inputSize: current.arch.inputSize, hidden: [...v.hidden], classes: current.arch.classes };
        return { name: describeArch(arch), arch, current: false };
      }),
    ];
    const search = await searchArchitectures({
      variants: candidates,
      sizePenalty: s.sizePenalty,
      evaluate: async (c) => {
        if (!c.current) return train({ name: c.name, arch: c.arch });
        const bytes = exportOnnx(current.arch, current.params, format);
        const { accuracy } = await evaluateOnnx(bytes, split.validation);
        return { accuracy, parameters: parameterCount(current.arch), bytes: bytes.byteLength, trainMs: 0, params: current.params as DenseLayer[] };
      },
      onEvaluated: async (_c, figures, i) => {
        ctx.metric(i, 'variant_validation_accuracy', figures.accuracy);
        ctx.metric(i, 'variant_onnx_bytes', figures.bytes);
        await ctx.breathe();
      },
      shouldStop: () => ctx.shouldStop(),
    });
    if (search.status === 'stopped') throw new PhaseStoppedError();
    const best = search.ranked[0];
    const model: WorkingModel = { arch: best.variant.arch, params: best.figures.params, quantization: current.quantization };
    const m = await measureAndRegister(ctx, model);
    return {
      summary: {
        format,
        evaluated: search.ranked.length,
        winner: best.variant.name,
        changedArchitecture: !best.variant.current,
        ranking: search.ranked.map((r) => `${r.rank}. ${r.variant.name}: ${round(r.figures.accuracy)} (${r.figures.bytes} B)`).join('; '),
        validationAccuracy: round(m.validationAccuracy),
        testAccuracy: round(m.testAccuracy),
        onnxBytes: m.bytes,
        modelVersion: m.artifact.version,
      },
      output: toHandoff(model, m.artifact),
    };
  },
};
