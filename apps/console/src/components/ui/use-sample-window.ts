'use client';
/**
 * A rolling window of the samples a metrics subscription sends (one increment per period,
 * never a history), kept in component state only: the newest `max` samples, how many came in
 * all, and the stream's state for a connection badge. Paused until mounted.
 */
import { useSubscription, type AnyVariables, type CombinedError, type TypedDocumentNode } from 'urql';
import { useSocketState } from '@/components/graphql/urql-provider';
import { streamState, type StreamState } from './stream-state';
import { useMounted } from './use-mounted';

/** Two minutes at one sample a second. */
export const MAX_SAMPLES = 120;

interface Collected<Sample> {
  /** The newest `max` samples, oldest first. */
  samples: Sample[];
  /** Every sample received since the subscription started (the window above is capped). */
  received: number;
  /** The highest `peakOf` of any sample received; 0 without `peakOf`. */
  peak: number;
}

export interface SampleWindow<Sample> extends Collected<Sample> {
  /** The newest sample. */
  last: Sample | undefined;
  state: StreamState;
  error: CombinedError | undefined;
}

export function useSampleWindow<Data, Variables extends AnyVariables, Sample>({
  query,
  variables,
  pick,
  max = MAX_SAMPLES,
  peakOf,
}: {
  query: TypedDocumentNode<Data, Variables>;
  variables: Variables;
  /** The sample in one subscription event. */
  pick: (data: Data) => Sample;
  max?: number;
  /** What `peak` is the highest of, over every sample received (not only the window's). */
  peakOf?: (sample: Sample) => number;
}): SampleWindow<Sample> {
  const mounted = useMounted();
  const socket = useSocketState();
  const [result] = useSubscription<Data, Collected<Sample>, Variables>(
    { query, variables, pause: !mounted },
    (prev, data) => {
      const sample = pick(data);
      return {
        samples: [...(prev?.samples ?? []), sample].slice(-max),
        received: (prev?.received ?? 0) + 1,
        peak: peakOf ? Math.max(prev?.peak ?? 0, peakOf(sample)) : 0,
      };
    },
  );
  const samples = result.data?.samples ?? [];
  const received = result.data?.received ?? 0;
  return {
    samples,
    received,
    peak: result.data?.peak ?? 0,
    last: samples.at(-1),
    state: streamState(result.error, socket, received),
    error: result.error,
  };
}
