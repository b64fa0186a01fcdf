/**
 * Samples this process: CPU (percent of one core since the last sample), memory, and
 * event-loop delay p99 measured by Node's own histogram (reset every sample).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface ProcessSample {
  cpuPercent: number;
  rssBytes: number;
  heapUsedBytes: number;
  eventLoopLagP99Ms: number;
}

export class ProcessSampler {
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.loop.enable();
  }

  sample(): ProcessSample {
    const now = performance.now();
    const cpu = process.cpuUsage(this.lastCpu);
    const wallMs = Math.max(now - this.lastAt, 1);
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    const mem = process.memoryUsage();
    // Histogram values are ns and include the sampling resolution; subtract it to report lag.
    const lag = Math.max(0, this.loop.percentile(99) / 1e6 - 10);
    this.loop.reset();
    return {
      cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      eventLoopLagP99Ms: Number.isFinite(lag) ? lag : 0,
    };
  }

  stop(): void {
    this.loop.disable();
  }
}
