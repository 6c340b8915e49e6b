/**
 * The report as JUnit XML, which every CI server can display: one test suite
 * per target (or one for the artifact when it claims none), one test case per
 * check that ran. An error finding is a failure; warnings and infos are
 * printed in the case's system-out and do not fail it.
 */
import type { Finding } from '../audit/types.ts';
import { findingsFor } from '../audit/verdict.ts';
import type { Report } from './schema.ts';
import type { Loads } from '../load/schema.ts';
import { loadLine } from '../load/summary.ts';

/** XML 1.0 cannot carry these control characters at all, even escaped. */
// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

function xml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!).replace(XML_FORBIDDEN, '');
}

function testcase(suite: string, check: string, findings: Finding[]): string {
  const failures = findings.filter((f) => f.severity === 'error');
  const notes = findings.filter((f) => f.severity !== 'error');
  const lines = [`    <testcase classname="${xml(suite)}" name="${xml(check)}">`];
  for (const f of failures) lines.push(`      <failure type="${xml(f.check)}" message="${xml(f.message)}">${xml(`${f.message}\nfix: ${f.hint}`)}</failure>`);
  if (notes.length > 0) lines.push(`      <system-out>${xml(notes.map((f) => `${f.severity}: ${f.message}`).join('\n'))}</system-out>`);
  lines.push('    </testcase>');
  return lines.join('\n');
}

/** Real loads as a suite of their own: one case per load; a not-run load is skipped with its reason, never passed. */
function loadSuite(file: string, loads: Loads): string {
  const cases = loads.outcomes.map((o) => {
    const open = `    <testcase classname="${xml(`load ${o.image ?? 'no image'}`)}" name="${xml(`${o.binary} for ${o.target}`)}"${o.durationMs !== null ? ` time="${(o.durationMs / 1000).toFixed(3)}"` : ''}>`;
    const body =
      o.status === 'passed' ? '' : o.status === 'not-run' ? `\n      <skipped message="${xml(o.reason)}"/>` : `\n      <failure type="${xml(`load.${o.status}`)}" message="${xml(loadLine(o))}">${xml(o.output)}</failure>`;
    return `${open}${body}\n    </testcase>`;
  });
  const count = (s: string[]) => loads.outcomes.filter((o) => s.includes(o.status)).length;
  return `  <testsuite name="${xml(`${file} real loads`)}" tests="${loads.outcomes.length}" failures="${count(['failed', 'crashed', 'timed-out'])}" errors="0" skipped="${count(['not-run'])}">\n${cases.join('\n')}\n  </testsuite>`;
}

export function renderJunit(r: Report): string {
  const suites = r.targets.length > 0 ? r.targets.map((t) => ({ name: t.id, findings: findingsFor(t.id, r.findings) })) : [{ name: 'artifact', findings: r.findings }];
  const body = suites.map((s) => {
    const cases = r.checksRun.map((c) => testcase(s.name, c, s.findings.filter((f) => f.check === c)));
    const failures = new Set(s.findings.filter((f) => f.severity === 'error').map((f) => f.check)).size;
    return `  <testsuite name="${xml(`${r.artifact.file} ${s.name}`)}" tests="${r.checksRun.length}" failures="${failures}" errors="0">\n${cases.join('\n')}\n  </testsuite>`;
  });
  if (r.loads) body.push(loadSuite(r.artifact.file, r.loads));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="distaudit">\n${body.join('\n')}\n</testsuites>\n`;
}
