/**
 * EvoMerge: an evolutionary search over merge recipes (operator, its parameters, and which
 * candidates it merges) that maximises a caller's fitness, typically validation accuracy
 * of the merged model measured through onnxruntime.
 *
 * Generation 1 holds every candidate unmerged (a linear recipe with t = 0 is candidate a
 * itself), so the result is never worse than the best candidate, plus random recipes. Each
 * later generation keeps the best quarter (elitism) and fills the rest with children of
 * tournament-selected parents: a crossover of two recipes of one operator, then a
 * mutation (Gaussian steps on t / density / weights, sometimes another candidate, now and
 * then a fresh random recipe). Fitness is cached per recipe, so survivors are not
 * re-evaluated. Deterministic for a seed when the fitness is.
 */
import { createPrng, type DenseLayer, type Prng } from '@aivillage/models';
import { checkSameShapes, mergeLinear, mergeSlerp, mergeTies } from './merge.js';

export type MergeOperator = 'linear' | 'slerp' | 'ties';

/** How a merged model is made from the candidates (indices into them). */
export type MergeRecipe =
  | { op: 'linear' | 'slerp'; a: number; b: number; t: number }
  | { op: 'ties'; models: number[]; weights: number[]; density: number };

export interface GenerationStats {
  /** From 1. */
  generation: number;
  bestFitness: number;
  meanFitness: number;
  best: MergeRecipe;
  /** Distinct recipes evaluated so far. */
  evaluations: number;
}

export interface EvolveMergeOptions {
  /** Models of one architecture, ideally fine-tuned from one shared initialisation. */
  candidates: readonly (readonly DenseLayer[])[];
  /** The shared starting point the candidates were fine-tuned from; enables TIES. */
  base?: readonly DenseLayer[];
  /** Higher is better; may be async (e.g. onnxruntime). Must not throw for valid params. */
  fitness(params: DenseLayer[], recipe: MergeRecipe): number | Promise<number>;
  seed: number;
  /** Recipes per generation (default 8, at least 2). */
  population?: number;
  /** Default 5. */
  generations?: number;
  /** Default linear and slerp, plus ties when `base` is given. */
  operators?: readonly MergeOperator[];
  onGeneration?(stats: GenerationStats): void | Promise<void>;
  /** Asked before each generation; true ends the search with what it has. */
  shouldStop?(): boolean | Promise<boolean>;
}

export interface EvolveMergeResult {
  status: 'completed' | 'stopped';
  params: DenseLayer[];
  recipe: MergeRecipe;
  fitness: number;
  history: GenerationStats[];
  evaluations: number;
}

/** The model a recipe describes. */
export function applyRecipe(recipe: MergeRecipe, candidates: readonly (readonly DenseLayer[])[], base?: readonly DenseLayer[]): DenseLayer[] {
  const at = (i: number) => {
    if (!Number.isInteger(i) || i < 0 || i >= candidates.length) throw new RangeError(`recipe names candidate ${i}; there are ${candidates.length}`);
    return candidates[i];
  };
  switch (recipe.op) {
    case 'linear':
      return mergeLinear(at(recipe.a), at(recipe.b), recipe.t);
    case 'slerp':
      return mergeSlerp(at(recipe.a), at(recipe.b), recipe.t);
    case 'ties':
      if (!base) throw new RangeError('a ties recipe needs the base model');
      return mergeTies(base, recipe.models.map(at), { density: recipe.density, weights: recipe.weights });
  }
}

export async function evolveMerge(options: EvolveMergeOptions): Promise<EvolveMergeResult> {
  const { candidates, base, seed } = options;
  const population = options.population ?? 8;
  const generations = options.generations ?? 5;
  const operators = options.operators ?? (base ? ['linear', 'slerp', 'ties'] : ['linear', 'slerp']);
  if (candidates.length < 2) throw new RangeError(`EvolveMergeOptions.candidates must hold at least 2 models, got ${candidates.length}`);
  checkSameShapes(base ? [base, ...candidates] : candidates, 'candidates');
  if (!Number.isInteger(population) || population < 2) throw new RangeError(`EvolveMergeOptions.population must be an integer ≥ 2, got ${population}`);
  if (!Number.isInteger(generations) || generations < 1) throw new RangeError(`EvolveMergeOptions.generations must be a positive integer, got ${generations}`);
  if (operators.length === 0 || operators.some((op) => !['linear', 'slerp', 'ties'].includes(op))) {
    throw new RangeError(`EvolveMergeOptions.operators must be some of linear, slerp, ties; got ${operators.join(', ')}`);
  }
  if (operators.includes('ties') && !base) throw new RangeError('EvolveMergeOptions.operators includes ties, which needs EvolveMergeOptions.base');

  const prng = createPrng(seed);
  const genes = new Genes(prng, candidates.length, operators);
  const cache = new Map<string, number>();
  const evaluate = async (recipe: MergeRecipe): Promise<number> => {
    const key = JSON.stringify(recipe);
    let f = cache.get(key);
    if (f === undefined) {
      f = await options.fitness(applyRecipe(recipe, candidates, base), recipe);
      if (typeof f !== 'number' || Number.isNaN(f)) throw new TypeError(`fitness returned ${f} for ${key}; it must return a number`);
      cache.set(key, f);
    }
    return f;
  };

  const history: GenerationStats[] = [];
  let best: { recipe: MergeRecipe; fitness: number } | null = null;
  let current: MergeRecipe[] = candidates.slice(0, population).map((_, a) => ({ op: 'linear', a, b: (a + 1) % candidates.length, t: 0 }));
  while (current.length < population) current.push(genes.random());
  let status: EvolveMergeResult['status'] = 'completed';

  for (let generation = 1; generation <= generations; generation++) {
    if (await options.shouldStop?.()) {
      status = 'stopped';
      break;
    }
    const scored: { recipe: MergeRecipe; fitness: number }[] = [];
    for (const recipe of current) scored.push({ recipe, fitness: await evaluate(recipe) });
    // Stable sort: among equal fitness the earlier recipe (a candidate, a survivor) wins.
    scored.sort((x, y) => y.fitness - x.fitness);
    if (!best || scored[0].fitness > best.fitness) best = scored[0];
    const stats: GenerationStats = {
      generation,
      bestFitness: scored[0].fitness,
      meanFitness: scored.reduce((s, x) => s + x.fitness, 0) / scored.length,
      best: scored[0].recipe,
      evaluations: cache.size,
    };
    history.push(stats);
    await options.onGeneration?.(stats);
    if (generation === generations) break;

    const elite = Math.max(1, Math.floor(population / 4));
    const next = scored.slice(0, elite).map((s) => s.recipe);
    const pick = () => {
      const x = scored[prng.int(scored.length)];
      const y = scored[prng.int(scored.length)];
      return x.fitness >= y.fitness ? x.recipe : y.recipe;
    };
    while (next.length < population) next.push(genes.mutate(genes.crossover(pick(), pick())));
    current = next;
  }

  if (!best) {
    // Stopped before anything was evaluated: the first candidate, unmerged.
    const recipe: MergeRecipe = { op: 'linear', a: 0, b: 1, t: 0 };
    return { status, params: applyRecipe(recipe, candidates, base), recipe, fitness: NaN, history, evaluations: 0 };
  }
  return { status, params: applyRecipe(best.recipe, candidates, base), recipe: best.recipe, fitness: best.fitness, history, evaluations: cache.size };
}

/** Random recipes, crossover and mutation; continuous values kept to 3 decimals. */
class Genes {
  constructor(private readonly prng: Prng, private readonly count: number, private readonly operators: readonly MergeOperator[]) {}

  random(): MergeRecipe {
    const op = this.operators[this.prng.int(this.operators.length)];
    if (op === 'ties') {
      const models = Array.from({ length: this.count }, (_, i) => i).filter(() => this.prng.next() < 0.7);
      while (models.length < 2) {
        const m = this.prng.int(this.count);
        if (!models.includes(m)) models.push(m);
      }
      models.sort((x, y) => x - y);
      return { op, models, weights: models.map(() => round(this.prng.uniform(0.5, 1.5))), density: round(this.prng.uniform(0.2, 1)) };
    }
    const a = this.prng.int(this.count);
    return { op, a, b: this.#other(a), t: round(this.prng.next()) };
  }

  crossover(x: MergeRecipe, y: MergeRecipe): MergeRecipe {
    if (x.op === 'ties' || y.op === 'ties' || x.op !== y.op) return structuredClone(x);
    return { ...x, t: round((x.t + y.t) / 2) };
  }

  mutate(r: MergeRecipe): MergeRecipe {
    if (this.prng.next() < 0.15) return this.random();
    if (r.op === 'ties') {
      const weights = new Map(r.models.map((m, i) => [m, r.weights[i]]));
      for (const [m, w] of weights) weights.set(m, round(Math.min(3, Math.max(0.05, w * Math.exp(0.2 * this.#gauss())))));
      if (this.prng.next() < 0.2) {
        // Toggle one candidate's membership, keeping at least two.
        const m = this.prng.int(this.count);
        if (!weights.has(m)) weights.set(m, 1);
        else if (weights.size > 2) weights.delete(m);
      }
      const models = [...weights.keys()].sort((x, y) => x - y);
      return { op: 'ties', models, weights: models.map((m) => weights.get(m)!), density: this.#step(r.density, 0.1, 0.05, 1) };
    }
    const b = this.prng.next() < 0.2 ? this.#other(r.a) : r.b;
    return { op: r.op, a: r.a, b, t: this.#step(r.t, 0.15, 0, 1) };
  }

  #step(v: number, sd: number, lo: number, hi: number): number {
    return round(Math.min(hi, Math.max(lo, v + sd * this.#gauss())));
  }

  #other(a: number): number {
    return (a + 1 + this.prng.int(this.count - 1)) % this.count;
  }

  /** Standard normal (Box–Muller). */
  #gauss(): number {
    return Math.sqrt(-2 * Math.log(1 - this.prng.next())) * Math.cos(2 * Math.PI * this.prng.next());
  }
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
