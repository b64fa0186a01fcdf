/**
 * Shares one subscription execution among every subscriber asking the same thing.
 *
 * graphql-ws runs a separate `subscribe()` per subscriber: with 1,000 sockets watching
 * `systemMetrics`, every sample was executed 1,000 times (resolvers, pub/sub listeners,
 * throttles), and the last socket heard of it ~100 ms after the first. Here subscribers
 * whose key matches (query + variables + what the caller may see, so resolvers that honour
 * namespaces and roles give them the same answer) attach to one source iterator; each
 * result is produced once and handed to all of them. Each subscriber keeps its own bounded
 * queue, so a slow socket cannot hold the others back (past the bound it loses its oldest
 * undelivered results). The source stops when its last subscriber leaves.
 */
import type { ExecutionResult } from 'graphql';

type Source = AsyncIterator<ExecutionResult>;

interface Listener {
  push(result: ExecutionResult): void;
  fail(error: unknown): void;
  end(): void;
}

interface Group {
  source: Source;
  listeners: Set<Listener>;
}

export const MAX_QUEUED_RESULTS = 256;

export class SubscriptionMulticast {
  private readonly groups = new Map<string, Group>();
  private readonly starting = new Map<string, Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult>>();

  /** Number of distinct executions running (for tests and metrics). */
  get executions(): number {
    return this.groups.size;
  }

  async subscribe(
    key: string,
    start: () => Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult>,
  ): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    let group = this.groups.get(key);
    if (!group) {
      // Concurrent first subscribers wait for the same start.
      let starting = this.starting.get(key);
      const first = !starting;
      if (!starting) {
        starting = start().finally(() => this.starting.delete(key));
        this.starting.set(key, starting);
      }
      const started = await starting;
      if (!(Symbol.asyncIterator in Object(started))) {
        // An error result; a waiter that was not first starts its own to get its own answer.
        return first ? (started as ExecutionResult) : this.subscribe(key, start);
      }
      group = this.groups.get(key);
      if (!group) {
        group = { source: started as Source, listeners: new Set() };
        this.groups.set(key, group);
        void this.pump(key, group);
      }
    }
    return this.attach(key, group);
  }

  private async pump(key: string, group: Group): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await group.source.next();
        if (done) break;
        for (const l of group.listeners) l.push(value);
      }
      for (const l of group.listeners) l.end();
    } catch (error) {
      for (const l of group.listeners) l.fail(error);
    } finally {
      if (this.groups.get(key) === group) this.groups.delete(key);
    }
  }

  private attach(key: string, group: Group): AsyncIterableIterator<ExecutionResult> {
    const queue: ExecutionResult[] = [];
    let waiting: { resolve: (r: IteratorResult<ExecutionResult>) => void; reject: (e: unknown) => void } | undefined;
    let finished = false;
    let failure: unknown;
    const leave = () => {
      if (!group.listeners.delete(listener)) return;
      if (group.listeners.size === 0 && this.groups.get(key) === group) {
        this.groups.delete(key);
        void group.source.return?.();
      }
    };
    const listener: Listener = {
      push(result) {
        if (waiting) {
          const w = waiting;
          waiting = undefined;
          w.resolve({ value: result, done: false });
          return;
        }
        queue.push(result);
        if (queue.length > MAX_QUEUED_RESULTS) queue.shift();
      },
      fail(error) {
        finished = true;
        failure = error;
        if (waiting) waiting.reject(error);
        waiting = undefined;
      },
      end() {
        finished = true;
        if (waiting) waiting.resolve({ value: undefined, done: true });
        waiting = undefined;
      },
    };
    group.listeners.add(listener);
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      next() {
        if (queue.length) return Promise.resolve({ value: queue.shift()!, done: false });
        if (finished) return failure ? Promise.reject(failure) : Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          waiting = { resolve, reject };
        });
      },
      return() {
        finished = true;
        leave();
        if (waiting) waiting.resolve({ value: undefined, done: true });
        waiting = undefined;
        return Promise.resolve({ value: undefined, done: true });
      },
      throw(error) {
        finished = true;
        leave();
        return Promise.reject(error);
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}
