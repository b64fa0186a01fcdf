/**
 * The deploy artifacts under deploy/ as data, for the tests that validate them (this lib's
 * deploy.test.ts, and the API's metrics check that needs a running server): the Kubernetes
 * manifests, the Prometheus config, rules and tests, the Grafana dashboard, promtool, and the
 * metric names they all reference. Reads files and runs promtool; never used at run time.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@aivillage/config';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { metricNamesIn } from './promql.js';

export const DEPLOY_DIR = path.join(REPO_ROOT, 'deploy');
export const K8S_DIR = path.join(DEPLOY_DIR, 'k8s');
export const PROMETHEUS_DIR = path.join(DEPLOY_DIR, 'prometheus');
export const DASHBOARD_FILE = path.join(DEPLOY_DIR, 'grafana', 'aivillage-performance.json');

// Manifests are loose YAML: typed as `any` below their envelope, and checked field by field by the tests.
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; [k: string]: any }; [k: string]: any };

export interface ManifestFile {
  file: string;
  docs: Manifest[];
}

/** Every YAML file in deploy/k8s, each document parsed; a YAML error or warning throws naming the file. */
export function loadManifestFiles(dir = K8S_DIR): ManifestFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((file) => {
      const docs = parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'), { prettyErrors: true });
      for (const doc of docs) {
        const problems = [...doc.errors, ...doc.warnings];
        if (problems.length) throw new Error(`${file}: ${problems.map((p) => p.message).join('; ')}`);
      }
      return { file, docs: docs.map((d) => d.toJS() as Manifest).filter(Boolean) };
    });
}

export function readYaml<T = any>(file: string): T {
  return parseYaml(readFileSync(file, 'utf8')) as T;
}

export function readDashboard(): { title: string; panels: any[]; templating: any } {
  return JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8'));
}

/** Every PromQL expression of the dashboard's panels (rows included), with its panel's title. */
export function dashboardExpressions(dashboard = readDashboard()): { panel: string; expr: string }[] {
  const out: { panel: string; expr: string }[] = [];
  const visit = (panels: any[]) => {
    for (const p of panels ?? []) {
      for (const t of p.targets ?? []) if (t.expr) out.push({ panel: p.title, expr: t.expr });
      visit(p.panels);
    }
  };
  visit(dashboard.panels);
  return out;
}

export interface RuleFileRule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Every rule of every file in deploy/prometheus/rules, with its file. */
export function loadRules(): (RuleFileRule & { file: string; group: string })[] {
  const dir = path.join(PROMETHEUS_DIR, 'rules');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .flatMap((file) =>
      (readYaml<{ groups: { name: string; rules: RuleFileRule[] }[] }>(path.join(dir, file)).groups ?? []).flatMap((g) =>
        g.rules.map((r) => ({ ...r, file, group: g.name })),
      ),
    );
}

/** prometheus-adapter's rules (deploy/k8s/prometheus-adapter.yaml): the series each reads and the name it serves. */
export function adapterRules(files = loadManifestFiles()): { seriesQuery: string; metricsQuery: string; servedName: string; seriesMetrics: string[] }[] {
  const cm = files.flatMap((f) => f.docs).find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'aivillage-prometheus-adapter');
  if (!cm) throw new Error('ConfigMap aivillage-prometheus-adapter not found in deploy/k8s');
  const config = parseYaml(cm.data['config.yaml']) as { rules: any[] };
  return config.rules.map((r) => {
    const seriesMetrics = [...metricNamesIn(r.seriesQuery)];
    // The adapter renames each series by `name.matches` → `name.as` (a regex replacement, $1 style).
    const re = new RegExp(r.name.matches);
    const servedNames = seriesMetrics.map((m) => m.replace(re, r.name.as.replace(/\$\{(\d+)\}/g, '$$$1')));
    return { seriesQuery: r.seriesQuery, metricsQuery: r.metricsQuery, servedName: servedNames[0], seriesMetrics };
  });
}

/** Names Prometheus itself makes, never in an exposition. */
export const PROMETHEUS_SYNTHETIC = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'ALERTS', 'ALERTS_FOR_STATE']);

/**
 * Worker metrics a worker registers only once it first does that kind of work, or only on some
 * machines (so a fresh worker's heartbeat does not carry them), with the file that registers each. They reach
 * /metrics through the API like every worker series. The tests check each file registers the name.
 */
export const LAZY_WORKER_METRICS: Record<string, string> = {
  aivillage_inference_batch_size: 'libs/models/src/inference-worker.service.ts',
  aivillage_inference_run_duration_seconds: 'libs/models/src/inference-worker.service.ts',
  aivillage_inference_worker_requests_total: 'libs/models/src/inference-worker.service.ts',
  aivillage_knowledge_ingested_chunks_total: 'workers/src/runtime.ts',
  aivillage_knowledge_document_duration_seconds: 'workers/src/runtime.ts',
  // Only on machines where nvidia-smi answers (absent, not zero, without a GPU).
  gpu_utilization_percent: 'libs/observability/src/worker-gauges.ts',
};

/**
 * `promtool check metrics` findings accepted on purpose, by metric: the guide's own names
 * (issue #9 keeps them) and prom-client's default Node.js gauges (named upstream).
 */
export const ACCEPTED_LINT: Record<string, string> = {
  active_connections_total: "the guide's name (Monitoring › Custom Metrics Collection) for a gauge",
  p2p_connection_count: "the guide's name (Monitoring › Performance Dashboards) for a gauge",
  nodejs_active_handles_total: "prom-client's default metric (collectDefaultMetrics), named upstream",
  nodejs_active_requests_total: "prom-client's default metric (collectDefaultMetrics), named upstream",
  nodejs_active_resources_total: "prom-client's default metric (collectDefaultMetrics), named upstream",
};

export interface Referenced {
  name: string;
  /** Where it is referenced: `rules:<alert or record>`, `dashboard:<panel>`, `adapter:<served name>`. */
  where: string[];
}

/**
 * Every metric name the rules, the dashboard and the autoscaler's adapter read from the
 * platform's expositions: names recorded by the rules themselves and Prometheus' own are left out.
 */
export function referencedMetrics(): Referenced[] {
  const rules = loadRules();
  const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));
  const found = new Map<string, string[]>();
  const add = (expr: string, where: string) => {
    for (const name of metricNamesIn(expr)) {
      if (recorded.has(name) || PROMETHEUS_SYNTHETIC.has(name)) continue;
      found.set(name, [...(found.get(name) ?? []), where]);
    }
  };
  for (const r of rules) add(r.expr, `rules:${r.alert ?? r.record}`);
  for (const { panel, expr } of dashboardExpressions()) add(expr, `dashboard:${panel}`);
  for (const a of adapterRules()) add(a.seriesQuery, `adapter:${a.servedName}`);
  return [...found].map(([name, where]) => ({ name, where })).sort((a, b) => a.name.localeCompare(b.name));
}

/** The promtool scripts/ensure-promtool.sh provides (extracting it from Debian's package when missing). */
export function promtoolPath(): string {
  const r = spawnSync('bash', [path.join(REPO_ROOT, 'scripts/ensure-promtool.sh')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`promtool is not available (scripts/ensure-promtool.sh): ${r.stderr.trim()}`);
  return path.resolve(REPO_ROOT, r.stdout.trim().split('\n').pop()!);
}

export interface PromtoolResult {
  status: number | null;
  output: string;
}

export function promtool(args: string[], opts: { cwd?: string; input?: string } = {}): PromtoolResult {
  const r = spawnSync(promtoolPath(), args, { encoding: 'utf8', cwd: opts.cwd ?? PROMETHEUS_DIR, input: opts.input, timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** `promtool check metrics` problems as `{ metric, problem }` (one a line: `<metric> <problem>`). */
export function lintProblems(output: string): { metric: string; problem: string }[] {
  return output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [metric, ...rest] = l.split(' ');
      return { metric, problem: rest.join(' ') };
    });
}
