'use client';
/**
 * False during server rendering and hydration, true afterwards. Live operations pause until
 * mounted so the server HTML and the first client render agree.
 */
import { useSyncExternalStore } from 'react';

const noopSubscribe = () => () => {};

export function useMounted(): boolean {
  return useSyncExternalStore(
    noopSubscribe,
    () => true,
    () => false,
  );
}
