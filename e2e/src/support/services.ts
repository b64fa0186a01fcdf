/**
 * Child processes of an e2e run (API, workers, console): spawned with their output kept in
 * a log file and a short in-memory tail for error messages, stopped with SIGTERM (then
 * SIGKILL after a grace period), and killed on exit if a run is aborted half-way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { poll } from './poll.js';

const TAIL_LINES = 40;
const STOP_GRACE_MS = 10_000;

const running = new Set<ChildProcess>();
// Safety net: a test runner that dies mid-run must not leave servers holding ports.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface Service {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Last lines the process wrote (stdout and stderr). */
  tail(): string;
  /** Throws, with the output tail, if the process has already exited. */
  assertRunning(): void;
  /** SIGTERM, wait up to 10 s, then SIGKILL. Resolves with the exit code (null when signalled). */
  stop(): Promise<number | null>;
}

export function startService(
  name: string,
  command: string,
  args: string[],
  { cwd, env, logDir }: { cwd: string; env: NodeJS.ProcessEnv; logDir: string },
): Service {
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(path.join(logDir, `${name}.log`));
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${name}: ${command} ${args.join(' ')}`);
  running.add(child);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > TAIL_LINES) lines.splice(0, lines.length - TAIL_LINES);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  // Closing the log only once both pipes have drained.
  child.once('close', () => log.end());

  const tail = () => (lines.length ? lines.join('\n') : '(no output)');
  return {
    name,
    child,
    pid: child.pid,
    tail,
    assertRunning() {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${name} exited early (code ${child.exitCode}, signal ${child.signalCode}):\n${tail()}`);
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          process.stderr.write(`e2e: ${name} did not exit within ${STOP_GRACE_MS} ms of SIGTERM; sending SIGKILL\n`);
          child.kill('SIGKILL');
        }, STOP_GRACE_MS);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
        }
      }
      return exited;
    },
  };
}

/** A TCP port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Resolves once `url` answers 200; fails early, with its output, if `service` exits. */
export async function waitForHttpOk(service: Service, url: string, timeoutMs: number): Promise<void> {
  await poll(
    `${service.name} to answer 200 at ${url}`,
    async () => {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      return response.status === 200;
    },
    { timeoutMs, intervalMs: 250, bail: () => service.assertRunning() },
  ).catch((error: Error) => {
    if (!error.message.startsWith('timed out')) throw error;
    throw new Error(`${error.message}\n--- ${service.name} output ---\n${service.tail()}`);
  });
}
