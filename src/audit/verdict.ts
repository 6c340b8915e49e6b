/**
 * Verdicts from findings: per target (the findings that name it plus those
 * about the whole artifact) and overall. Info findings never change a verdict.
 */
import type { Finding } from './types.ts';
import type { Target } from '../target.ts';
import type { TargetVerdict, Verdict } from '../report/schema.ts';

export interface Tally {
  verdict: Verdict;
  errors: number;
  warnings: number;
  infos: number;
}

export function tally(findings: readonly Finding[]): Tally {
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  const errors = count('error');
  const warnings = count('warning');
  return { verdict: errors > 0 ? 'fail' : warnings > 0 ? 'warn' : 'pass', errors, warnings, infos: count('info') };
}

/** The findings that bear on one target. */
export function findingsFor(targetId: string, findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.targets.length === 0 || f.targets.includes(targetId));
}

export function targetVerdicts(targets: readonly Target[], findings: readonly Finding[]): TargetVerdict[] {
  return targets.map((t) => ({ target: t.id, ...tally(findingsFor(t.id, findings)) }));
}

const RANK: Record<Verdict, number> = { pass: 0, warn: 1, fail: 2 };

/** The worst target verdict; over all findings when there is no target (a pure wheel, an unreadable file). */
export function overallVerdict(targets: readonly Target[], findings: readonly Finding[]): Tally {
  const all = tally(findings);
  if (targets.length === 0) return all;
  const worst = targetVerdicts(targets, findings).reduce<Verdict>((w, v) => (RANK[v.verdict] > RANK[w] ? v.verdict : w), 'pass');
  return { ...all, verdict: worst };
}
