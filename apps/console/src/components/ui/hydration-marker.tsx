'use client';
/**
 * Marks the document interactive once React has hydrated it (`<html data-hydrated="true">`).
 * Clicks and typing before that are lost on server-rendered pages; browser tests wait for it.
 */
import { useEffect } from 'react';

export function HydrationMarker() {
  useEffect(() => {
    document.documentElement.dataset.hydrated = 'true';
  }, []);
  return null;
}
