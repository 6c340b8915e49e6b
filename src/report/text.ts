/**
 * The readable summary of a report: the verdict first, then each target,
 * then the findings by severity with their fix hints. Plain text (CI logs).
 */
import type { Finding } from '../audit/types.ts';
import type { Report, Verdict } from './schema.ts';
import { loadLine, loadTally } from '../load/summary.ts';

const MARK: Record<Verdict, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' };

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

export function counts(r: { errors: number; warnings: number; infos?: number }): string {
  const parts = [plural(r.errors, 'error'), plural(r.warnings, 'warning')];
  if (r.infos) parts.push(`${r.infos} info`);
  return parts.join(', ');
}

function findingLines(f: Finding): string[] {
  return [`  [${f.check}] ${f.message}`, `      fix: ${f.hint}`];
}

export function renderText(r: Report): string {
  const out: string[] = [`${r.artifact.file}: ${MARK[r.overall.verdict]} (${counts(r.overall)})`];
  const w = r.wheel;
  if (w) {
    out.push(`  wheel ${w.distribution ?? '?'} ${w.version ?? '?'}, ${w.pure ? 'pure (no native binaries)' : plural(r.binaries.length, 'native binary', 'native binaries')}`);
    if (w.deservedPlatformTags) out.push(`  deserved platform tag${w.deservedPlatformTags.length === 1 ? '' : 's'}: ${w.deservedPlatformTags.join(', ')}`);
  }
  if (r.targets.length > 0) {
    out.push('  targets:');
    const width = Math.max(...r.targets.map((t) => t.id.length));
    for (const v of r.verdicts) {
      const t = r.targets.find((x) => x.id === v.target);
      out.push(`    ${MARK[v.verdict]}  ${v.target.padEnd(width)}  ${t?.claims.join(', ') ?? ''}${v.errors + v.warnings > 0 ? `  (${counts(v)})` : ''}`);
    }
  }
  if (r.loads) {
    out.push(`  real loads (${r.loads.driver}; ${r.loads.images.map((i) => i.id).join(', ') || 'no image'}): ${loadTally(r.loads.outcomes)}`);
    // Passed loads are counted, not listed: the failures and the reasons for what did not run are what people read.
    for (const o of r.loads.outcomes.filter((x) => x.status !== 'passed')) out.push(`    ${o.status.toUpperCase().padEnd(9)} ${loadLine(o)}`);
  }
  for (const [severity, title] of [['error', 'errors'], ['warning', 'warnings'], ['info', 'info']] as const) {
    const fs = r.findings.filter((f) => f.severity === severity);
    if (fs.length === 0) continue;
    out.push('', `${title}:`);
    for (const f of fs) out.push(...findingLines(f));
  }
  const failed = new Set(r.findings.filter((f) => f.severity !== 'info').map((f) => f.check));
  out.push('', `${plural(r.checksRun.length, 'check')} run, ${r.checksRun.filter((c) => !failed.has(c)).length} passed, in ${Math.round(r.durationMs)} ms`);
  return out.join('\n');
}
