/**
 * deploy/ checked against the code it deploys: Kubernetes manifests (structure, commands,
 * environment against libs/config's schemas, probes, the guide's HPA, queues, volumes), the
 * Dockerfile, and the Prometheus config, rules and their unit tests through promtool. The
 * metric names they reference are checked against a live /metrics in the API's
 * modules/observability/deploy-and-capacity.int.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { stringify } from 'yaml';
import {
  apiConfigSchema, baseConfigSchema, fogAgentConfigSchema, loadConfig, PLATFORM_VERSION, REPO_ROOT, workerConfigSchema,
} from '@aivillage/config';
import { queueNames } from '@aivillage/queues';
import {
  adapterRules, dashboardExpressions, DEPLOY_DIR, K8S_DIR, LAZY_WORKER_METRICS, loadManifestFiles, loadRules, PROMETHEUS_DIR, promtool, readDashboard, readYaml,
  type Manifest,
} from './deploy-artifacts.js';
import { GUIDE_HPA } from './capacity.js';

const files = loadManifestFiles();
const docs = files.flatMap((f) => f.docs);
const byKind = (kind: string) => docs.filter((d) => d.kind === kind);
const named = (kind: string, name: string) => {
  const found = docs.find((d) => d.kind === kind && d.metadata.name === name);
  assert.ok(found, `${kind} ${name} is missing from deploy/k8s`);
  return found;
};
const workloads = docs.filter((d) => d.kind === 'Deployment' || d.kind === 'StatefulSet');
const podSpec = (w: Manifest) => w.spec.template.spec;
const allContainers = (w: Manifest): any[] => [...(podSpec(w).initContainers ?? []), ...podSpec(w).containers];
const secret = readYaml<Manifest>(path.join(K8S_DIR, 'secret.example.yaml'));
const configMaps = new Map(byKind('ConfigMap').map((c) => [c.metadata.name, c.data as Record<string, string>]));

/** Which process a container runs, from its command, and the variables that process reads. */
const CONSOLE_SOURCES = path.join(REPO_ROOT, 'apps/console/src');
const processes: Record<string, { schema?: { shape: Record<string, unknown> }; main: string }> = {
  'apps/api/dist/main.js': { schema: apiConfigSchema, main: 'apps/api/src/main.ts' },
  'workers/dist/main.js': { schema: workerConfigSchema, main: 'workers/src/main.ts' },
  'apps/api/dist/fog-agent.js': { schema: fogAgentConfigSchema, main: 'apps/api/src/fog-agent.ts' },
  'libs/db/dist/migrate.cli.js': { schema: baseConfigSchema, main: 'libs/db/src/migrate.cli.ts' },
  'node_modules/next/dist/bin/next': { main: 'apps/console/next.config.ts' },
};
/** Node's own, not the platform's. */
const RUNTIME_ENV = new Set(['NODE_OPTIONS']);

function processOf(container: any) {
  assert.equal(container.command?.[0], 'node', `${container.name}: starts with node`);
  const entry = processes[container.command[1]];
  assert.ok(entry, `${container.name}: unknown entry point ${container.command[1]}`);
  return { script: container.command[1] as string, ...entry };
}

/** Environment names a container gets, and their values with secrets taken from secret.example.yaml. */
function environmentOf(container: any): Map<string, string> {
  const env = new Map<string, string>();
  for (const from of container.envFrom ?? []) {
    const data = configMaps.get(from.configMapRef?.name);
    assert.ok(data, `${container.name}: envFrom ConfigMap ${from.configMapRef?.name} is not defined`);
    for (const [k, v] of Object.entries(data)) env.set(k, String(v));
  }
  for (const e of container.env ?? []) {
    const ref = e.valueFrom;
    if (ref?.secretKeyRef) {
      assert.equal(ref.secretKeyRef.name, 'aivillage-secrets', `${container.name}.${e.name}`);
      assert.ok(ref.secretKeyRef.key in secret.stringData, `${container.name}.${e.name}: key ${ref.secretKeyRef.key} not in secret.example.yaml`);
      env.set(e.name, secret.stringData[ref.secretKeyRef.key]);
    } else if (ref?.configMapKeyRef) {
      const value = configMaps.get(ref.configMapKeyRef.name)?.[ref.configMapKeyRef.key];
      assert.ok(value !== undefined, `${container.name}.${e.name}: ConfigMap key ${ref.configMapKeyRef.name}/${ref.configMapKeyRef.key} missing`);
      env.set(e.name, value);
    } else if (ref?.fieldRef) {
      env.set(e.name, `<${ref.fieldRef.fieldPath}>`);
    } else {
      assert.equal(typeof e.value, 'string', `${container.name}.${e.name}: values are strings in Kubernetes`);
      env.set(e.name, e.value);
    }
  }
  return env;
}

describe('Kubernetes manifests', () => {
  test('every file parses, every document names its kind, and kustomization applies all but the Secret template', () => {
    assert.ok(files.length >= 8);
    for (const d of docs.filter((x) => x.kind !== 'Kustomization')) assert.ok(d.apiVersion && d.kind && d.metadata?.name, JSON.stringify(d).slice(0, 80));
    const kustomization = readYaml(path.join(K8S_DIR, 'kustomization.yaml'));
    const expected = files.map((f) => f.file).filter((f) => f !== 'kustomization.yaml' && f !== 'secret.example.yaml');
    assert.deepEqual([...kustomization.resources].sort(), expected.sort());
    assert.equal(kustomization.namespace, 'aivillage');
    assert.equal(kustomization.images[0].newTag, PLATFORM_VERSION);
  });

  test('api, console, workers, inference workers and fog agent run the one image at the platform version', () => {
    const components = workloads.map((w) => w.spec.template.metadata.labels['app.kubernetes.io/component']).sort();
    assert.deepEqual(components, ['api', 'console', 'fog-agent', 'inference-workers', 'workers']);
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.version, PLATFORM_VERSION);
    for (const w of workloads) {
      for (const c of allContainers(w)) assert.equal(c.image, `aivillage/platform:${PLATFORM_VERSION}`, `${w.metadata.name}/${c.name}`);
      // Selectors pick the pod template's labels.
      for (const [k, v] of Object.entries(w.spec.selector.matchLabels)) assert.equal(w.spec.template.metadata.labels[k], v, `${w.metadata.name} selector ${k}`);
      // The image's user (Dockerfile `USER node`, uid 1000).
      assert.equal(podSpec(w).securityContext.runAsNonRoot, true);
      assert.equal(podSpec(w).securityContext.runAsUser, 1000);
    }
  });

  test('every container runs an entry point the repository builds, the same ones npm start uses', () => {
    const runAll = readFileSync(path.join(REPO_ROOT, 'scripts/run-all.mjs'), 'utf8');
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    for (const w of workloads) {
      for (const c of allContainers(w)) {
        const { script, main } = processOf(c);
        assert.ok(existsSync(path.join(REPO_ROOT, main)), `${c.name}: ${main} exists`);
        const usedLocally = runAll.includes(`'${script}'`) || Object.values<string>(pkg.scripts).some((s) => s.includes(script));
        assert.ok(usedLocally, `${c.name}: ${script} is how npm start or an npm script runs it`);
      }
    }
    // The console: `next start apps/console` on the port its Service targets.
    const consoleContainer = podSpec(named('Deployment', 'aivillage-console')).containers[0];
    assert.deepEqual(consoleContainer.command.slice(2, 4), ['start', 'apps/console']);
    assert.equal(consoleContainer.command[consoleContainer.command.indexOf('-p') + 1], String(consoleContainer.ports[0].containerPort));
  });

  test('environment: every variable is read by its process (libs/config schemas), and each process’s config loads', () => {
    for (const w of workloads) {
      for (const c of allContainers(w)) {
        const { script, schema } = processOf(c);
        const env = environmentOf(c);
        const known = schema
          ? new Set(Object.keys(schema.shape))
          : // The console reads process.env itself (no libs/config): each name must appear in its sources.
            new Set([...env.keys()].filter((k) => grepConsole(`process.env.${k}`)));
        for (const name of env.keys()) {
          if (RUNTIME_ENV.has(name) || (name === 'POD_NAME' && c.command.includes('$(POD_NAME)'))) continue;
          assert.ok(known.has(name), `${w.metadata.name}/${c.name} (${script}) sets ${name}, which its process does not read`);
        }
        if (schema) {
          // Parses exactly as the process will at start-up (secrets from the template).
          assert.doesNotThrow(() => loadConfig(schema as never, Object.fromEntries(env)), `${w.metadata.name}/${c.name} config`);
        }
        if (script !== 'node_modules/next/dist/bin/next') {
          assert.ok(env.has('REDIS_URL') || script.includes('migrate'), `${c.name}: REDIS_URL from the Secret`);
          if (script !== 'apps/api/dist/fog-agent.js') assert.ok(env.has('DATABASE_URL'), `${c.name}: DATABASE_URL from the Secret`);
        }
      }
    }
    // Each ConfigMap holds only what its processes read.
    const base = new Set(Object.keys(baseConfigSchema.shape));
    for (const k of Object.keys(configMaps.get('aivillage-config')!)) assert.ok(base.has(k), `aivillage-config: ${k} is not in baseConfigSchema`);
  });

  test('probes: the API is live at /healthz and ready at /readyz on its http port; the console at its sign-in page', () => {
    const api = podSpec(named('Deployment', 'aivillage-api')).containers.find((c: any) => c.name === 'api');
    assert.equal(api.livenessProbe.httpGet.path, '/healthz');
    assert.equal(api.startupProbe.httpGet.path, '/healthz');
    assert.equal(api.readinessProbe.httpGet.path, '/readyz?scope=self');
    const http = api.ports.find((p: any) => p.name === 'http');
    assert.equal(String(http.containerPort), configMaps.get('aivillage-api-config')!.PORT);
    for (const probe of [api.livenessProbe, api.readinessProbe, api.startupProbe]) assert.equal(probe.httpGet.port, 'http');
    // The server defines them (the int test requests them from a running API).
    const server = readFileSync(path.join(REPO_ROOT, 'apps/api/src/server.ts'), 'utf8');
    assert.match(server, /app\.get\('\/healthz'/);
    assert.match(server, /app\.get\('\/readyz'/);
    assert.match(server, /req\.query\.scope === 'self'/);
    const consoleContainer = podSpec(named('Deployment', 'aivillage-console')).containers[0];
    assert.equal(consoleContainer.readinessProbe.httpGet.path, '/sign-in');
    assert.ok(existsSync(path.join(CONSOLE_SOURCES, 'app/sign-in/page.tsx')));
    // Graceful shutdown fits the grace period: SHUTDOWN_TIMEOUT_MS + main.ts's 2 s + preStop.
    const shutdownMs = Number(configMaps.get('aivillage-api-config')!.SHUTDOWN_TIMEOUT_MS);
    const preStop = Number(api.lifecycle.preStop.exec.command[1]);
    assert.ok(shutdownMs / 1000 + 2 + preStop < podSpec(named('Deployment', 'aivillage-api')).terminationGracePeriodSeconds);
  });

  test('services and the ingress point at workloads and named ports that exist', () => {
    for (const svc of byKind('Service')) {
      const target = workloads.find((w) => Object.entries(svc.spec.selector).every(([k, v]) => w.spec.template.metadata.labels[k] === v));
      assert.ok(target, `Service ${svc.metadata.name} selects no workload`);
      const ports = podSpec(target).containers.flatMap((c: any) => c.ports ?? []).map((p: any) => p.name);
      for (const p of svc.spec.ports) assert.ok(ports.includes(p.targetPort), `Service ${svc.metadata.name} targets port ${p.targetPort}`);
    }
    const ingress = named('Ingress', 'aivillage');
    const routes = ingress.spec.rules[0].http.paths.map((p: any) => [p.path, p.backend.service.name]);
    assert.deepEqual(routes, [['/graphql', 'aivillage-api'], ['/v1', 'aivillage-api'], ['/', 'aivillage-console']]);
    for (const [, name] of routes) named('Service', name);
    // The browser calls API_URL with the API's cookie: console origin, API_URL and CORS agree.
    const origin = `https://${ingress.spec.rules[0].host}`;
    assert.equal(configMaps.get('aivillage-console-config')!.API_URL, origin);
    assert.equal(configMaps.get('aivillage-api-config')!.CORS_ORIGINS, origin);
  });

  test('the HPA is the guide’s: aivillage-api, 3–50 pods, CPU 70%, memory 80%, 100 requests/s per pod', () => {
    const hpa = named('HorizontalPodAutoscaler', 'aivillage-api-hpa');
    assert.equal(hpa.apiVersion, 'autoscaling/v2');
    assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'aivillage-api' });
    const api = named('Deployment', 'aivillage-api');
    assert.equal(hpa.spec.minReplicas, GUIDE_HPA.minReplicas);
    assert.equal(hpa.spec.maxReplicas, GUIDE_HPA.maxReplicas);
    assert.equal(api.spec.replicas, hpa.spec.minReplicas);
    const metric = (type: string, name?: string) =>
      hpa.spec.metrics.find((m: any) => m.type === type && (!name || m.resource?.name === name));
    assert.deepEqual(metric('Resource', 'cpu').resource.target, { type: 'Utilization', averageUtilization: GUIDE_HPA.cpuUtilization });
    assert.deepEqual(metric('Resource', 'memory').resource.target, { type: 'Utilization', averageUtilization: GUIDE_HPA.memoryUtilization });
    const pods = metric('Pods').pods;
    assert.deepEqual(pods.target, { type: 'AverageValue', averageValue: String(GUIDE_HPA.requestsPerSecondPerPod) });
    assert.deepEqual(hpa.spec.behavior, {
      scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: 'Percent', value: 100, periodSeconds: 60 }] },
      scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] },
    });
    // Utilization targets need requests on every container of the target.
    for (const c of podSpec(api).containers) assert.ok(c.resources.requests.cpu && c.resources.requests.memory, c.name);
    // The Pods metric is served by prometheus-adapter from the API's request counter.
    const [rule] = adapterRules(files).filter((r) => r.servedName === pods.metric.name);
    assert.ok(rule, `no prometheus-adapter rule serves ${pods.metric.name}`);
    assert.deepEqual(rule.seriesMetrics, ['http_request_duration_seconds_count']);
    assert.match(rule.metricsQuery, /rate\(<<\.Series>>/);
    assert.match(rule.seriesQuery, /pod!=""/);
  });

  test('the worker Deployments together serve every queue, and every process sees the artifact volume', () => {
    const served = workloads
      .filter((w) => podSpec(w).containers.some((c: any) => c.command[1] === 'workers/dist/main.js'))
      .flatMap((w) => podSpec(w).containers.flatMap((c: any) => environmentOf(c).get('WORKER_QUEUES')!.split(',')));
    assert.deepEqual([...served].sort(), [...queueNames].sort());
    const dir = configMaps.get('aivillage-config')!.MODEL_ARTIFACT_DIR;
    const pvc = named('PersistentVolumeClaim', 'aivillage-artifacts');
    assert.deepEqual(pvc.spec.accessModes, ['ReadWriteMany']);
    for (const w of workloads.filter((x) => podSpec(x).containers.some((c: any) => ['apps/api/dist/main.js', 'workers/dist/main.js'].includes(c.command[1])))) {
      const volume = podSpec(w).volumes.find((v: any) => v.persistentVolumeClaim?.claimName === 'aivillage-artifacts');
      assert.ok(volume, `${w.metadata.name} mounts no artifacts volume`);
      const mount = podSpec(w).containers[0].volumeMounts.find((m: any) => m.name === volume.name);
      assert.equal(mount.mountPath, dir, w.metadata.name);
    }
  });

  test('the fog agent advertises its own limits and reaches the API Service', () => {
    const agent = named('StatefulSet', 'aivillage-fog-agent');
    const c = podSpec(agent).containers[0];
    const arg = (flag: string) => c.command[c.command.indexOf(flag) + 1];
    assert.equal(arg('--cpus'), String(c.resources.limits.cpu));
    assert.equal(`${arg('--memory-mb')}Mi`, c.resources.limits.memory.replace(/^(\d+)Gi$/, (_: string, g: string) => `${Number(g) * 1024}Mi`));
    const api = named('Service', 'aivillage-api');
    assert.equal(arg('--api'), `http://${api.metadata.name}:${api.spec.ports[0].port}`);
    assert.equal(arg('--name'), '$(POD_NAME)');
    const grace = Number(environmentOf(c).get('FOG_AGENT_GRACE_MS'));
    assert.ok(grace / 1000 < podSpec(agent).terminationGracePeriodSeconds);
  });
});

describe('metric catalogue notes', () => {
  test('each lazily registered worker metric is registered under that name in the file named', () => {
    for (const [name, file] of Object.entries(LAZY_WORKER_METRICS)) {
      assert.ok(readFileSync(path.join(REPO_ROOT, file), 'utf8').includes(`name: '${name}'`), `${name} is not registered in ${file}`);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(path.join(DEPLOY_DIR, 'Dockerfile'), 'utf8');
  test('builds the way setup and build-console do, and runs as the uid the manifests expect', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    const consolePkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'apps/console/package.json'), 'utf8'));
    for (const [, wsBefore, script, wsAfter] of dockerfile.matchAll(/npm run (?:-w (\S+) )?([\w:-]+)(?: -w (\S+))?/g)) {
      const ws = wsBefore ?? wsAfter;
      const scripts = ws === 'apps/console' ? consolePkg.scripts : pkg.scripts;
      assert.ok(script in scripts, `Dockerfile runs npm run ${script}, which ${ws ?? 'package.json'} does not define`);
    }
    assert.match(dockerfile, /ONNXRUNTIME_NODE_INSTALL=skip/);
    assert.match(dockerfile, /npx tsc -b apps\/api workers/);
    assert.match(dockerfile, /bash scripts\/datasets\.sh/);
    const nvmrc = readFileSync(path.join(REPO_ROOT, '.nvmrc'), 'utf8').trim();
    for (const [, version] of dockerfile.matchAll(/^FROM node:(\d+\.\d+)/gm)) assert.equal(version, nvmrc.split('.').slice(0, 2).join('.'));
    assert.match(dockerfile, /^USER node$/m); // uid 1000 in the node images
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]);
    assert.ok(processes[cmd[1]], `CMD ${cmd[1]} is an entry point`);
  });
});

describe('Prometheus', () => {
  const temp = mkdtempSync(path.join(tmpdir(), 'aivillage-prometheus-'));
  after(() => rmSync(temp, { recursive: true, force: true }));

  test('promtool check config passes (with Kubernetes discovery swapped for files: Debian’s promtool lacks it)', () => {
    const config = readYaml(path.join(PROMETHEUS_DIR, 'prometheus.yml'));
    const [job] = config.scrape_configs;
    assert.equal(job.job_name, 'aivillage-api');
    assert.deepEqual(job.kubernetes_sd_configs, [{ role: 'pod', namespaces: { names: ['aivillage'] } }]);
    // Debian builds promtool without the kubernetes_sd plugin (its client library is not
    // packaged), and check config requires the scrape token file to exist: swap exactly those two.
    const tokenFile = path.join(temp, 'token');
    writeFileSync(tokenFile, 'x'.repeat(32));
    delete job.kubernetes_sd_configs;
    job.file_sd_configs = [{ files: [path.join(temp, 'targets.json')] }];
    job.authorization.credentials_file = tokenFile;
    writeFileSync(path.join(temp, 'prometheus.yml'), stringify(config));
    cpSync(path.join(PROMETHEUS_DIR, 'rules'), path.join(temp, 'rules'), { recursive: true });
    const r = promtool(['check', 'config', 'prometheus.yml'], { cwd: temp });
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /SUCCESS: 1 rule files found/);
    // Relabelling keeps the API's named http port and adds the labels prometheus-adapter maps to pods.
    const targets = job.relabel_configs.map((c: any) => c.target_label).filter(Boolean);
    assert.deepEqual(targets, ['namespace', 'pod']);
  });

  test('promtool test rules: every alert has unit tests and they pass', () => {
    const r = promtool(['test', 'rules', 'tests/aivillage.rules.test.yml']);
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /SUCCESS/);
    const tests = readFileSync(path.join(PROMETHEUS_DIR, 'tests/aivillage.rules.test.yml'), 'utf8');
    for (const rule of loadRules().filter((x) => x.alert)) {
      assert.match(tests, new RegExp(`alertname: ${rule.alert}\\b`), `${rule.alert} has no alert_rule_test`);
      assert.ok(rule.labels?.severity && rule.annotations?.summary && rule.annotations?.description, `${rule.alert} labels/annotations`);
    }
  });

  test('the Grafana dashboard has the guide’s panels and every query is valid PromQL', () => {
    const dashboard = readDashboard();
    assert.equal(dashboard.title, 'AIVillage Performance Overview');
    const titles = dashboard.panels.map((p: any) => p.title);
    for (const t of ['API Response Time', 'System Resource Usage', 'P2P Network Health']) assert.ok(titles.includes(t), t);
    const responseTime = dashboard.panels.find((p: any) => p.title === 'API Response Time');
    assert.deepEqual(
      responseTime.fieldConfig.defaults.thresholds.steps.map((s: any) => s.value).filter((v: unknown) => v !== null),
      [100, 500, 1000],
    );
    assert.ok(dashboard.templating.list.some((v: any) => v.type === 'datasource'));
    // promtool parses PromQL only inside rules: check each query as a recording rule.
    const exprs = dashboardExpressions(dashboard);
    assert.ok(exprs.length >= 15);
    const rules = { groups: [{ name: 'dashboard', rules: exprs.map(({ expr }, i) => ({ record: `dashboard:query_${i}`, expr })) }] };
    writeFileSync(path.join(temp, 'dashboard.rules.yml'), stringify(rules));
    const r = promtool(['check', 'rules', path.join(temp, 'dashboard.rules.yml')]);
    assert.equal(r.status, 0, r.output);
  });
});

function grepConsole(needle: string): boolean {
  try {
    execFileSync('grep', ['-rqF', needle, CONSOLE_SOURCES]);
    return true;
  } catch {
    return false;
  }
}
