/** Background traffic from Node while a test watches the console react to it. */
import { sleep } from './poll.js';

export interface Traffic {
  /** What stopped the traffic early (a failed request), if anything. */
  readonly error: unknown;
  /** Throws `error` once there is one: a `poll` bail, so a wait ends when the traffic failed. */
  bail(): void;
  /** Stops sending and waits for the request in flight; never throws (see `error`). */
  stop(): Promise<void>;
}

/** Calls `send(0)`, `send(1)`, … with `pauseMs` between them until stopped or one throws. */
export function startTraffic(send: (i: number) => Promise<void>, pauseMs: number): Traffic {
  let sending = true;
  let error: unknown;
  const done = (async () => {
    for (let i = 0; sending; i++) {
      await send(i);
      await sleep(pauseMs);
    }
  })().catch((e: unknown) => {
    error = e;
  });
  return {
    get error() {
      return error;
    },
    bail() {
      if (error) throw error;
    },
    async stop() {
      sending = false;
      await done;
    },
  };
}
