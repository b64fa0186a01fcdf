/**
 * Command templates: the only way a fog job runs a native program. An admin registers the
 * argv prefix and one anchored pattern per argument position; a job's arguments are checked
 * against them at submit and again by the agent before it executes (no shell, ever).
 */

export interface CommandTemplateSpec {
  readonly name: string;
  readonly command: readonly string[];
  readonly argPatterns: readonly string[];
}

export const TEMPLATE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Problems of a template definition ([] when fine). */
export function templateProblems(t: CommandTemplateSpec): string[] {
  const problems: string[] = [];
  if (!TEMPLATE_NAME.test(t.name)) problems.push('name must be 1 to 64 of a-z, 0-9, _ and -, starting with a letter or digit');
  if (t.command.length < 1 || t.command.length > 32) problems.push('command must have 1 to 32 elements');
  if (t.command.some((c) => c.length < 1 || c.length > 4096 || c.includes('\0'))) problems.push('command elements must be 1 to 4096 characters without NUL');
  if (t.argPatterns.length > 64) problems.push('at most 64 argument patterns');
  for (const [i, p] of t.argPatterns.entries()) {
    if (!p.startsWith('^') || !p.endsWith('$')) problems.push(`argPatterns.${i} must be anchored (^…$)`);
    try {
      new RegExp(p, 'u');
    } catch (error) {
      problems.push(`argPatterns.${i} is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  return problems;
}

/** Why `args` do not fit the template, or null. */
export function commandArgsProblem(t: CommandTemplateSpec, args: readonly string[]): string | null {
  if (args.length > t.argPatterns.length) return `template "${t.name}" takes at most ${t.argPatterns.length} argument(s), got ${args.length}`;
  for (const [i, a] of args.entries()) {
    if (a.includes('\0')) return `args.${i} contains NUL`;
    if (!new RegExp(t.argPatterns[i], 'u').test(a)) return `args.${i} does not match the template's pattern ${t.argPatterns[i]}`;
  }
  return null;
}
