/** Formatting of SLO figures: a KPI value in its unit, and the badge tone of a status. */
import type { Tone } from '@/components/ui/status-badge';

export const WINDOWS = ['5m', '1h', '24h', '7d'] as const;

export function formatKpiValue(value: number | null | undefined, unit: string): string {
  if (value == null) return '—';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const n = value.toFixed(unit === 'percent' && value > 99 && value < 100 ? 3 : digits);
  switch (unit) {
    case 'percent':
      return `${n}%`;
    case 'hours':
      return `${n} h`;
    case 'requests':
      return n;
    default:
      return `${n} ${unit}`;
  }
}

export function statusTone(status: string): Tone {
  return status === 'MET' ? 'ok' : status === 'MISSED' ? 'error' : 'neutral';
}

export const AREA_LABELS: Record<string, string> = { API: 'API', AGENT_FORGE: 'Agent Forge', P2P: 'P2P network', RAG: 'RAG', FOG: 'Fog computing' };
