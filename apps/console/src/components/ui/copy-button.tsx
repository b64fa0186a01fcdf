'use client';
/** Copies `text` to the clipboard and says so for two seconds. */
import { useEffect, useState } from 'react';

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Insecure contexts have no async clipboard: fall back to a selected textarea.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

export function CopyButton({
  text,
  testId,
  label = 'Copy',
  small = false,
  title,
}: {
  text: string;
  testId?: string;
  label?: string;
  /** The compact variant, for table cells. */
  small?: boolean;
  title?: string;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <button
      type="button"
      className={`button button--secondary${small ? ' button--small' : ''}`}
      title={title}
      data-testid={testId}
      data-state={state}
      onClick={async () => setState((await copyText(text)) ? 'copied' : 'failed')}
    >
      {state === 'copied' ? 'Copied ✓' : state === 'failed' ? 'Copy failed — select it' : label}
    </button>
  );
}
