/** Plain-text table for the bench report: left-aligned first column, right-aligned figures. */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  const rule = '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Milliseconds with precision that suits the size. */
export function ms(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return 'n/a';
  return v >= 100 ? `${v.toFixed(0)} ms` : v >= 10 ? `${v.toFixed(1)} ms` : `${v.toFixed(2)} ms`;
}

export function ratio(platform: number | undefined, baseline: number | undefined): string {
  if (platform === undefined || baseline === undefined || !Number.isFinite(platform) || !Number.isFinite(baseline) || baseline === 0) return 'n/a';
  return `${(platform / baseline).toFixed(2)}×`;
}

export function pct(v: number): string {
  return `${(v * 100).toFixed(v === 0 ? 0 : 3)}%`;
}
