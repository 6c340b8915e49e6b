/**
 * The report as Markdown, for pull-request comments and CI job summaries: the
 * verdict, a table of targets, a table of findings, and the fix hints.
 */
import type { Report, Verdict } from './schema.ts';
import { counts } from './text.ts';
import { loadTally } from '../load/summary.ts';
import type { LoadOutcome } from '../load/schema.ts';

const BADGE: Record<Verdict, string> = { pass: '✅ pass', warn: '⚠️ warn', fail: '❌ fail' };
const LOAD_BADGE: Record<LoadOutcome['status'], string> = { passed: '✅ passed', failed: '❌ failed', crashed: '💥 crashed', 'timed-out': '⏱️ timed out', 'not-run': '➖ not run' };

const SEVERITY = { error: '❌ error', warning: '⚠️ warning', info: 'ℹ️ info' } as const;

/** Escapes text for a Markdown table cell. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(s: string): string {
  return `\`${s.replace(/`/g, "'")}\``;
}

export function renderMarkdown(r: Report): string {
  const out = [`## distaudit: ${code(r.artifact.file)} — ${BADGE[r.overall.verdict]}`, '', `${counts(r.overall)}; ${r.binaries.length} native binaries; ${r.checksRun.length} checks.`];
  if (r.wheel?.deservedPlatformTags) out.push('', `Deserved platform tag: ${r.wheel.deservedPlatformTags.map(code).join(', ')}`);
  if (r.targets.length > 0) {
    out.push('', '| target | claimed as | verdict | errors | warnings |', '|---|---|---|---:|---:|');
    for (const v of r.verdicts) {
      const t = r.targets.find((x) => x.id === v.target);
      out.push(`| ${code(v.target)} | ${cell(t?.claims.join(', ') ?? '')} | ${BADGE[v.verdict]} | ${v.errors} | ${v.warnings} |`);
    }
  }
  if (r.loads) {
    out.push('', `### Real loads (${r.loads.driver})`, '', `${loadTally(r.loads.outcomes)}.`);
    if (r.loads.outcomes.length > 0) {
      out.push('', '| binary | target | image | runtime | result | loader says | predicted by |', '|---|---|---|---|---|---|---|');
      for (const o of r.loads.outcomes) {
        const predicted = o.status === 'passed' || o.status === 'not-run' ? '' : o.predictedBy ? code(o.predictedBy) : '**surprise**';
        out.push(`| ${code(o.binary)} | ${code(o.target)} | ${o.image ? code(o.image) : ''} | ${cell(o.runtime ?? '')} | ${LOAD_BADGE[o.status]} | ${cell(o.status === 'passed' ? '' : o.reason)} | ${predicted} |`);
      }
    }
  }
  if (r.findings.length > 0) {
    out.push('', '### Findings', '', '| severity | check | file | message |', '|---|---|---|---|');
    for (const f of r.findings) out.push(`| ${SEVERITY[f.severity]} | ${code(f.check)} | ${f.file ? code(f.file) : ''} | ${cell(f.message)} |`);
    out.push('', '<details><summary>How to fix</summary>', '');
    for (const f of r.findings.filter((x) => x.severity !== 'info')) out.push(`- ${code(f.check)}${f.file ? ` (${code(f.file)})` : ''}: ${f.hint}`);
    out.push('', '</details>');
  }
  return out.join('\n') + '\n';
}
