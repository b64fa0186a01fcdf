/** Cost reports and monthly invoices of a namespace from its usage records (cost.ts prices them). */
import type { PrismaClient } from '@aivillage/db';
import { costReport, monthlyInvoice, utcMonthRange, type CostReport, type Invoice, type UsageRecord } from './cost.js';
import { badInput } from '@aivillage/errors';

export class FogCostService {
  constructor(private readonly prisma: PrismaClient) {}

  private async records(namespace: string, from: number, to: number): Promise<UsageRecord[]> {
    const rows = await this.prisma.fogUsageRecord.findMany({
      where: { namespace: { name: namespace }, startedAt: { lt: new Date(to) }, endedAt: { gte: new Date(from) } },
      orderBy: { startedAt: 'asc' },
    });
    return rows.map((r) => ({
      namespace, tier: r.tier, jobId: r.jobId, startedAt: r.startedAt.getTime(), endedAt: r.endedAt.getTime(),
      cpuCoreSeconds: r.cpuCoreSeconds, gpuSeconds: r.gpuSeconds, memoryGbSeconds: r.memoryGbSeconds,
    }));
  }

  async report(namespace: string, from: Date, to: Date): Promise<CostReport & { records: number }> {
    if (!(from.getTime() < to.getTime())) throw badInput('from must be before to', { field: 'from' });
    if (to.getTime() - from.getTime() > 400 * 86_400_000) throw badInput('at most 400 days per report', { field: 'to' });
    const records = await this.records(namespace, from.getTime(), to.getTime());
    return { ...costReport(records, { namespace, from: from.getTime(), to: to.getTime() }), records: records.length };
  }

  async invoice(namespace: string, month: string): Promise<Invoice> {
    let range: { start: number; end: number };
    try {
      range = utcMonthRange(month);
    } catch (error) {
      throw badInput((error as Error).message, { field: 'month' });
    }
    return monthlyInvoice(await this.records(namespace, range.start, range.end), namespace, month);
  }
}
