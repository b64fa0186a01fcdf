/**
 * Fog agent processes for a bench: `node apps/api/dist/fog-agent.js --api … --key … --name …`,
 * each registering its own fog node through the API and pulling its own BullMQ queue (so it
 * gets the platform's REDIS_URL / REDIS_PREFIX). Resolves once the agent prints its node id.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './processes.js';

export interface FogAgentSpec {
  name: string;
  cpus: number;
  memoryMb: number;
  pool?: 'SHARED' | 'GOLD_DEDICATED';
  namespace?: string;
}

export function startFogAgent(apiUrl: string, key: string, spec: FogAgentSpec, env: Record<string, string>): Promise<{ child: ChildProcess; nodeId: string }> {
  const argv = [
    path.join(REPO_ROOT, 'apps/api/dist/fog-agent.js'), '--api', apiUrl, '--key', key, '--name', spec.name, '--cpus', String(spec.cpus), '--memory-mb', String(spec.memoryMb),
    '--pool', spec.pool ?? 'SHARED', '--namespace', spec.namespace ?? 'default',
  ];
  const child = spawn(process.execPath, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /node (\S+) ready/.exec(out);
      if (m) {
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume(); // keep draining its log so the agent never blocks on a full pipe
        resolve({ child, nodeId: m[1] });
      }
    });
    child.once('exit', (code) => reject(new Error(`fog agent ${spec.name} exited (${code}) before it was ready:\n${out}`)));
  });
}
