/** Admin-registered command templates (the only native programs fog jobs may run). */
import { badInput } from '@aivillage/errors';
import type { FogCommandTemplate, PrismaClient } from '@aivillage/db';
import { templateProblems } from './command-template.js';

export class FogTemplateService {
  constructor(private readonly prisma: PrismaClient) {}

  async register(input: { name: string; description?: string | null; command: string[]; argPatterns: string[] }, by: string): Promise<FogCommandTemplate> {
    const problems = templateProblems(input);
    if (problems.length) throw badInput(problems.join('; '), { field: 'template' });
    const data = { description: input.description ?? null, command: input.command, argPatterns: input.argPatterns, createdBy: by.slice(0, 254) };
    return this.prisma.fogCommandTemplate.upsert({ where: { name: input.name }, create: { name: input.name, ...data }, update: data });
  }

  list(): Promise<FogCommandTemplate[]> {
    return this.prisma.fogCommandTemplate.findMany({ orderBy: { name: 'asc' } });
  }
}
