/**
 * Hybrid retrieval's merge step: reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR
 * 2009) of ranked legs — vector similarity, keyword (full-text) and graph — into one list.
 * RRF uses only ranks, so legs whose scores live on different scales (cosine, ts_rank, hop
 * distance) combine without calibration:
 *
 *   fused(d) = Σ over legs L containing d of  weight_L / (k + rank_L(d)),   rank from 1
 *
 * k = 60 is the paper's value: it damps the difference between the first few ranks so that
 * agreement between legs beats a single leg's top hit.
 */
import { KnowledgeInputError } from './knowledge-errors.js';

export const RETRIEVAL_LEGS = ['VECTOR', 'KEYWORD', 'GRAPH'] as const;
export type RetrievalLeg = (typeof RETRIEVAL_LEGS)[number];

export const DEFAULT_RRF_K = 60;

export interface RankedHit {
  readonly id: string;
  /** The leg's own score (similarity, text rank, …), carried through for display and `minScore`. */
  readonly score: number;
}

export interface FusionLegInput {
  readonly leg: RetrievalLeg;
  /** Best first. A repeated id keeps its first (best) position. */
  readonly hits: readonly RankedHit[];
  /** Multiplies the leg's contribution; default 1, must be ≥ 0. */
  readonly weight?: number;
  /** Hits with a leg score below this are dropped before ranking (e.g. cosine < 0.3). */
  readonly minScore?: number;
}

export interface LegRank {
  /** 1-based rank within the leg (after its `minScore` filter). */
  readonly rank: number;
  readonly score: number;
}

export interface FusedHit {
  readonly id: string;
  /** Σ weight / (k + rank). */
  readonly score: number;
  readonly legs: Readonly<Partial<Record<RetrievalLeg, LegRank>>>;
}

export interface FusionOptions {
  /** RRF constant, > 0; default 60. */
  readonly k?: number;
  /** Fused hits below this are dropped. */
  readonly minScore?: number;
  /** At most this many hits, ≥ 0; default all. */
  readonly limit?: number;
}

/**
 * Fuses ranked legs. Order: fused score descending; ties by the number of legs that found the
 * hit (more first), then the best rank in any leg, then id (code-unit order), so the result
 * does not depend on the order of the legs or of equal hits. Each leg may appear once.
 */
export function reciprocalRankFusion(legs: readonly FusionLegInput[], options: FusionOptions = {}): FusedHit[] {
  const k = options.k ?? DEFAULT_RRF_K;
  if (!(k > 0) || !Number.isFinite(k)) throw new KnowledgeInputError(`k must be a positive number, got ${k}`, { option: 'k' });
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 0)) throw new KnowledgeInputError(`limit must be ≥ 0, got ${limit}`, { option: 'limit' });
  const seenLegs = new Set<RetrievalLeg>();
  const weights: Partial<Record<RetrievalLeg, number>> = {};
  const acc = new Map<string, { legs: Partial<Record<RetrievalLeg, LegRank>>; count: number; bestRank: number }>();
  for (const input of legs) {
    if (!RETRIEVAL_LEGS.includes(input.leg)) throw new KnowledgeInputError(`unknown leg ${JSON.stringify(input.leg)}; expected one of ${RETRIEVAL_LEGS.join(', ')}`);
    if (seenLegs.has(input.leg)) throw new KnowledgeInputError(`leg ${input.leg} is given twice`);
    seenLegs.add(input.leg);
    const weight = input.weight ?? 1;
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new KnowledgeInputError(`weight of ${input.leg} must be a finite number ≥ 0, got ${weight}`);
    weights[input.leg] = weight;
    const seen = new Set<string>();
    let rank = 0;
    for (const hit of input.hits) {
      if (seen.has(hit.id)) continue;
      if (input.minScore !== undefined && !(hit.score >= input.minScore)) continue;
      seen.add(hit.id);
      rank++;
      let a = acc.get(hit.id);
      if (!a) acc.set(hit.id, (a = { legs: {}, count: 0, bestRank: rank }));
      a.legs[input.leg] = { rank, score: hit.score };
      a.count++;
      a.bestRank = Math.min(a.bestRank, rank);
    }
  }
  const out: (FusedHit & { count: number; bestRank: number })[] = [];
  for (const [id, a] of acc) {
    // Summed in a fixed leg order so the float result does not depend on the input order.
    let score = 0;
    for (const leg of RETRIEVAL_LEGS) {
      const r = a.legs[leg];
      if (r) score += weights[leg]! / (k + r.rank);
    }
    if (options.minScore !== undefined && score < options.minScore) continue;
    out.push({ id, score, legs: a.legs, count: a.count, bestRank: a.bestRank });
  }
  out.sort((x, y) => y.score - x.score || y.count - x.count || x.bestRank - y.bestRank || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return out.slice(0, Math.min(out.length, limit)).map(({ id, score, legs: l }) => ({ id, score, legs: l }));
}
