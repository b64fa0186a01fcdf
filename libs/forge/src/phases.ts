/**
 * The Agent Forge pipeline: its eight phases in order, what each does here, and which ones
 * the platform can run itself. Quiet-STaR and Tool/Persona Baking train language models'
 * reasoning and tool use; nothing in this repository can do that honestly on small models,
 * so they run only when bound to an external `command` (e.g. a PyTorch script on a GPU node)
 * and are otherwise reported SKIPPED with the reason.
 */
export const TRAINING_PHASES = [
  'COGNATE',
  'EVOMERGE',
  'QUIET_STAR',
  'BITNET_COMPRESSION',
  'FORGE_TRAINING',
  'TOOL_PERSONA_BAKING',
  'ADAS',
  'FINAL_COMPRESSION',
] as const;

export type TrainingPhase = (typeof TRAINING_PHASES)[number];

export interface PhaseInfo {
  phase: TrainingPhase;
  title: string;
  /** What the built-in executor does; null when there is none. */
  builtin: string | null;
}

export const PHASE_INFO: Record<TrainingPhase, PhaseInfo> = {
  COGNATE: { phase: 'COGNATE', title: 'Cognate', builtin: 'creates the model from its architecture config and initialises its weights' },
  EVOMERGE: {
    phase: 'EVOMERGE',
    title: 'EvoMerge',
    builtin: 'trains candidates from the shared initialisation, then evolves merges (linear, SLERP, TIES) by validation accuracy through onnxruntime',
  },
  QUIET_STAR: { phase: 'QUIET_STAR', title: 'Quiet-STaR', builtin: null },
  BITNET_COMPRESSION: {
    phase: 'BITNET_COMPRESSION',
    title: 'BitNet Compression',
    builtin: 'ternary weights {-1, 0, +1}·scale (absmean) with a quantisation-aware fine-tune; later training keeps them ternary',
  },
  FORGE_TRAINING: { phase: 'FORGE_TRAINING', title: 'Forge Training', builtin: 'gradient training (Adam, softmax cross-entropy) on the run dataset, with checkpoints' },
  TOOL_PERSONA_BAKING: { phase: 'TOOL_PERSONA_BAKING', title: 'Tool/Persona Baking', builtin: null },
  ADAS: { phase: 'ADAS', title: 'ADAS', builtin: 'searches architecture variants, training and evaluating each, and keeps the best by accuracy and size' },
  FINAL_COMPRESSION: { phase: 'FINAL_COMPRESSION', title: 'Final Compression', builtin: 'packs the weights (2-bit ternary or int8) into the final ONNX model and measures it' },
};

export const phaseIndex = (phase: TrainingPhase): number => TRAINING_PHASES.indexOf(phase);
