/**
 * The `command` executor: runs a program the operator bound by name in TRAINING_COMMANDS
 * (never a command line from the API) — e.g. a PyTorch script on a GPU node for Quiet-STaR.
 *
 * Protocol: the program gets the phase as JSON on stdin (`{ runId, phase, attempt, settings,
 * input, checkpoint }`) and in AIVILLAGE_PHASE_FILE; it writes JSON lines on stdout:
 *   {"type":"metric","step":12,"name":"loss","value":0.31}
 *   {"type":"progress","message":"epoch 2/5"}                 (logged)
 *   {"type":"checkpoint","state":{...}}                        (saved; given back on a retry)
 *   {"type":"artifact","path":"/tmp/model.onnx","metrics":{"accuracy":0.9}}   (registered)
 *   {"type":"summary","summary":{"accuracy":0.9}}
 * A line that is not such JSON, a non-zero exit, a signal, or running past the timeout
 * fails the phase with the stderr tail; the program is killed (its process group) on
 * timeout, cancel or failure, so the worker stays healthy.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { PhaseFailedError, PhaseStoppedError, type PhaseContext, type PhaseExecutor, type PhaseResult } from '../executor.js';

const STDERR_TAIL_BYTES = 4000;

const eventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('metric'), step: z.number().int().min(0), name: z.string().min(1).max(64), value: z.number() }),
  z.object({ type: z.literal('progress'), message: z.string().max(2000) }),
  z.object({ type: z.literal('checkpoint'), state: z.unknown() }),
  z.object({ type: z.literal('artifact'), path: z.string().min(1), metrics: z.record(z.string(), z.number()).optional() }),
  z.object({ type: z.literal('summary'), summary: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])) }),
]);

export interface CommandExecutorOptions {
  /** Name → argv, from TRAINING_COMMANDS. */
  commands: Record<string, string[]>;
}

export class CommandExecutor implements PhaseExecutor {
  constructor(private readonly opts: CommandExecutorOptions) {}

  async run(ctx: PhaseContext): Promise<PhaseResult> {
    const name = ctx.phaseConfig.command!;
    const argv = this.opts.commands[name];
    if (!argv?.length) throw new PhaseFailedError(`command ${JSON.stringify(name)} is not bound on this worker (TRAINING_COMMANDS)`);
    const timeoutMs = (ctx.phaseConfig.timeoutSeconds ?? 3600) * 1000;
    const dir = await mkdtemp(path.join(tmpdir(), 'forge-phase-'));
    const phaseFile = path.join(dir, 'phase.json');
    const request = JSON.stringify({
      runId: ctx.runId, phase: ctx.phase, attempt: ctx.attempt, settings: ctx.phaseConfig.settings, input: ctx.input, checkpoint: await ctx.loadCheckpoint(),
    });
    await writeFile(phaseFile, request);
    const child = spawn(argv[0], argv.slice(1), {
      env: { ...process.env, AIVILLAGE_PHASE_FILE: phaseFile, AIVILLAGE_RUN_ID: ctx.runId, AIVILLAGE_PHASE: ctx.phase },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, // its own process group, so a kill reaches its children too
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      stderr = (stderr + d).slice(-STDERR_TAIL_BYTES);
    });
    child.stdin.on('error', () => undefined); // a program that never reads stdin
    child.stdin.end(request);
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    let failure: PhaseFailedError | null = null;
    const fail = (message: string) => {
      failure ??= new PhaseFailedError(message);
      killGroup();
    };
    const timer = setTimeout(() => fail(`command ${JSON.stringify(name)} ran past its timeout of ${timeoutMs / 1000} s`), timeoutMs);
    const stopWatch = setInterval(() => {
      if (ctx.shouldStop()) killGroup();
    }, 200);

    let summary: PhaseResult['summary'] = {};
    const work: Promise<unknown>[] = [];
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    let lineNo = 0;
    try {
      for await (const line of lines) {
        lineNo += 1;
        if (failure) continue;
        if (line.trim() === '') continue;
        let event: z.infer<typeof eventSchema>;
        try {
          event = eventSchema.parse(JSON.parse(line));
        } catch {
          fail(`command ${JSON.stringify(name)} printed something that is not a protocol event on line ${lineNo}: ${JSON.stringify(line.slice(0, 200))}`);
          continue;
        }
        switch (event.type) {
          case 'metric':
            ctx.metric(event.step, event.name, event.value);
            break;
          case 'progress':
            ctx.log.info({ command: name, message: event.message }, 'command progress');
            break;
          case 'checkpoint':
            work.push(ctx.saveCheckpoint(event.state));
            break;
          case 'artifact':
            work.push(
              readFile(event.path).then(
                (bytes) => ctx.registerArtifact(bytes, event.metrics ?? {}),
                (e: Error) => fail(`artifact ${event.path} could not be read: ${e.message}`),
              ),
            );
            break;
          case 'summary':
            summary = { ...summary, ...event.summary };
            break;
        }
      }
      const { code, signal } = await exited;
      await Promise.all(work);
      if (ctx.shouldStop()) throw new PhaseStoppedError();
      if (failure) throw withTail(failure, stderr);
      if (code !== 0) throw withTail(new PhaseFailedError(`command ${JSON.stringify(name)} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}`), stderr);
      return { summary: { ...summary, command: name }, ...(ctx.input ? { output: ctx.input } : {}) };
    } catch (error) {
      killGroup();
      if (error instanceof PhaseFailedError || error instanceof PhaseStoppedError) throw error;
      throw withTail(new PhaseFailedError(`command ${JSON.stringify(name)} could not run: ${(error as Error).message}`), stderr);
    } finally {
      clearTimeout(timer);
      clearInterval(stopWatch);
      await rm(dir, { recursive: true, force: true });
    }
  }
}

function withTail(error: PhaseFailedError, stderr: string): PhaseFailedError {
  const tail = stderr.trim();
  return tail ? new PhaseFailedError(`${error.message}; stderr: ${tail.slice(-2000)}`, { stderrTail: tail }) : error;
}
