'use client';
/**
 * The Models page body. What it shows lives in the URL, so every view can be shared:
 * `/models` (every namespace), `/models?namespace=<ns>` (one), and
 * `/models?model=<name>&namespace=<ns>` (one model: versions, aliases, Try it, live metrics).
 */
import { useSearchParams } from 'next/navigation';
import { ModelDetailPanel } from './model-detail-panel';
import { ModelsListPanel } from './models-list-panel';

export function ModelsPanel() {
  const params = useSearchParams();
  const model = params.get('model');
  const namespace = params.get('namespace');
  if (model) {
    const ns = namespace || 'default';
    // Keyed so that opening another model starts from a clean slate (its own samples, editor, errors).
    return <ModelDetailPanel key={`${ns}/${model}`} name={model} namespace={ns} />;
  }
  return <ModelsListPanel namespace={namespace || null} />;
}
