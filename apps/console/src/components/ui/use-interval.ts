'use client';
/** Calls `callback` every `ms` while `ms` is a number (null pauses); the latest callback is used, so it need not be stable. */
import { useEffect, useRef } from 'react';

export function useInterval(callback: () => void, ms: number | null): void {
  const latest = useRef(callback);
  useEffect(() => {
    latest.current = callback;
  });
  useEffect(() => {
    if (ms == null) return;
    const timer = setInterval(() => latest.current(), ms);
    return () => clearInterval(timer);
  }, [ms]);
}
