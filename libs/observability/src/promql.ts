/**
 * Which metric names a PromQL expression reads — enough of PromQL's lexical rules to check
 * that rules, dashboards and autoscaler queries name series the platform really exports. Not
 * a parser: promtool validates the syntax; this only has to find every vector selector's name.
 */

const KEYWORDS = new Set([
  'and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan',
]);

/** Metric names in `expr` (selectors like `foo`, `foo{a="b"}`, `foo[5m]`; not functions, labels or keywords). */
export function metricNamesIn(expr: string): Set<string> {
  let s = expr
    // Strings first (they may hold braces, brackets or words): "…", '…', `…`.
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    // Label matchers, ranges and subqueries.
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    // Label lists of grouping and vector-matching clauses.
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  // Grafana template variables ($__rate_interval, ${datasource}) are not metrics.
  s = s.replace(/\$\{?[A-Za-z_]\w*\}?/g, ' ');
  const names = new Set<string>();
  const ident = /[A-Za-z_:][A-Za-z0-9_:]*/g;
  for (let m = ident.exec(s); m; m = ident.exec(s)) {
    const before = s[m.index - 1];
    // Part of a number or duration (1e3, 0x1f, 5m, 1.5h).
    if (before !== undefined && /[0-9.]/.test(before)) continue;
    const after = s.slice(m.index + m[0].length);
    if (/^\s*\(/.test(after)) continue; // a function or aggregation
    if (KEYWORDS.has(m[0].toLowerCase())) continue;
    names.add(m[0]);
  }
  return names;
}

const SERIES_SUFFIXES = ['_bucket', '_sum', '_count'] as const;

/**
 * The metric family a series name belongs to, given the families of an exposition (from its
 * `# TYPE` lines): a histogram's `_bucket`/`_sum`/`_count` belong to it; anything else is its own.
 */
export function familyOf(series: string, types: Map<string, string>): string | undefined {
  if (types.has(series)) return series;
  for (const suffix of SERIES_SUFFIXES) {
    if (!series.endsWith(suffix)) continue;
    const family = series.slice(0, -suffix.length);
    const type = types.get(family);
    if (type === 'histogram' || (type === 'summary' && suffix !== '_bucket')) return family;
  }
  return undefined;
}

/** Family name → type, from the `# TYPE` lines of a Prometheus text exposition. */
export function exposedFamilies(exposition: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const line of exposition.split('\n')) {
    const m = /^# TYPE (\S+) (\S+)/.exec(line);
    if (m) types.set(m[1], m[2]);
  }
  return types;
}
