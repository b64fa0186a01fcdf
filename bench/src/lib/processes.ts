/** Starting the platform's own processes (API, workers) from a bench, and reading their CPU and memory. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Spawns `node <main>` (relative to the repo root) and resolves once its stdout matches `ready`. */
export function startProcess(name: string, main: string, env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, main)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = ready.exec(out);
      if (m) {
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve({ child, match: m });
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready:\n${out}`)));
  });
}

/** Starts the API (`PORT=0`) and resolves with its base URL. */
export async function startApi(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const { child, match } = await startProcess('api', 'apps/api/dist/main.js', { ...env, PORT: '0', HOST: '127.0.0.1' }, /"url":"(http:\/\/[^"]+)\/graphql"/);
  return { child, url: match[1] };
}

export async function startWorkers(env: Record<string, string>): Promise<ChildProcess> {
  return (await startProcess('workers', 'workers/dist/main.js', env, /workers started/)).child;
}

export async function stopAll(children: ChildProcess[]): Promise<void> {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : null)));
}

/** CPU time (ms) a process has used so far, from /proc/<pid>/stat (utime + stime, 10 ms ticks). */
export function cpuMsOf(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

export function redisPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'redis-server') return Number(entry);
    } catch {
      // gone
    }
  }
  return undefined;
}

export function rssOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}
