/**
 * Helpers shared by the wheel rules: the wheel model of the context, the
 * targets a platform tag became, and reporting of many similar findings
 * without flooding the report.
 */
import type { AuditContext, Check, FindingInput } from '../../audit/types.ts';
import type { WheelModel } from '../../artifact/wheel/model.ts';

/** The wheel model of the artifact, or null when the artifact is not a wheel. */
export function wheelOf(ctx: AuditContext): WheelModel | null {
  return ctx.artifact.kind === 'wheel' ? ctx.artifact.wheel : null;
}

/**
 * Whether the archive reader got through the whole wheel. When a fatal archive
 * problem stopped it, files it never reached are not missing: the rules that
 * conclude from absence stay silent, and the archive finding explains.
 */
export function readInFull(ctx: AuditContext): boolean {
  return !ctx.scan.problems.some((p) => p.fatal);
}

/** Ids of the targets made from any of these platform tags (as written in the filename). */
export function targetsOfPlatforms(ctx: AuditContext, platforms: Iterable<string>): string[] {
  const set = new Set(platforms);
  return ctx.targets.filter((t) => t.claims.some((c) => set.has(c))).map((t) => t.id);
}

/** Findings of one check reported one by one up to this many; the rest in one summary finding. */
export const MAX_FINDINGS_PER_CHECK = 20;

/**
 * Reports one finding per item, up to MAX_FINDINGS_PER_CHECK; past that, one
 * more finding names how many were left out and lists them all in its evidence.
 */
export function reportEach<T>(ctx: AuditContext, check: Check, items: T[], one: (item: T) => FindingInput, rest: (items: T[]) => FindingInput): void {
  const shown = items.length > MAX_FINDINGS_PER_CHECK ? items.slice(0, MAX_FINDINGS_PER_CHECK - 1) : items;
  for (const it of shown) ctx.report(check, one(it));
  if (shown.length < items.length) ctx.report(check, rest(items.slice(shown.length)));
}

export function plural(n: number, word: string, words = `${word}s`): string {
  return `${n} ${n === 1 ? word : words}`;
}
