/**
 * The release report for people: the coverage matrix (platforms × artifacts,
 * columns numbered with a legend — artifact names are long), the release-level
 * findings, then each artifact's own report.
 */
import type { Verdict } from '../report/schema.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { counts, renderText } from '../report/text.ts';
import type { ReleaseReport } from './schema.ts';

const MARK: Record<Verdict, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' };
const BADGE: Record<Verdict, string> = { pass: '✅', warn: '⚠️', fail: '❌' };

export function renderReleaseText(r: ReleaseReport): string {
  const out = [`release of ${r.name}: ${MARK[r.overall.verdict]} (${counts(r.overall)})`, ''];
  const { platforms, artifacts, cells } = r.matrix;
  if (platforms.length === 0) out.push('  no artifact claims a native platform');
  else {
    const width = Math.max(8, ...platforms.map((p) => p.length));
    out.push(`  ${'platform'.padEnd(width)}  ${artifacts.map((_, i) => `[${i + 1}]`.padEnd(5)).join(' ')}`);
    platforms.forEach((p, i) => out.push(`  ${p.padEnd(width)}  ${cells[i]!.map((v) => (v ? MARK[v] : '-').padEnd(5)).join(' ')}`));
  }
  out.push('', ...artifacts.map((a, i) => `  [${i + 1}] ${a}`));
  if (r.findings.length > 0) {
    out.push('', 'release findings:');
    for (const f of r.findings) out.push(`  [${f.check}] ${f.message}`, `      fix: ${f.hint}`);
  }
  for (const a of r.artifacts) out.push('', renderText(a));
  return out.join('\n') + '\n';
}

export function renderReleaseMarkdown(r: ReleaseReport): string {
  const out = [`## distaudit release: ${r.name} — ${BADGE[r.overall.verdict]} ${r.overall.verdict}`, '', `${counts(r.overall)}; ${r.artifacts.length} artifacts.`];
  const { platforms, artifacts, cells } = r.matrix;
  if (platforms.length > 0) {
    out.push('', `| platform | ${artifacts.map((_, i) => `[${i + 1}]`).join(' | ')} |`, `|---|${artifacts.map(() => ':---:').join('|')}|`);
    platforms.forEach((p, i) => out.push(`| \`${p}\` | ${cells[i]!.map((v) => (v ? BADGE[v] : '—')).join(' | ')} |`));
    out.push('', ...artifacts.map((a, i) => `${i + 1}. \`${a}\``));
  }
  if (r.findings.length > 0) {
    out.push('', '### Release findings', '');
    for (const f of r.findings) out.push(`- ${f.severity === 'error' ? '❌' : f.severity === 'warning' ? '⚠️' : 'ℹ️'} \`${f.check}\`: ${f.message}`);
  }
  for (const a of r.artifacts) out.push('', renderMarkdown(a).replace(/^## /, '### '));
  return out.join('\n') + '\n';
}

export function renderRelease(r: ReleaseReport, format: 'text' | 'json' | 'markdown'): string {
  if (format === 'json') return JSON.stringify(r, null, 2) + '\n';
  return format === 'markdown' ? renderReleaseMarkdown(r) : renderReleaseText(r);
}
