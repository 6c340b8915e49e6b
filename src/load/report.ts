/**
 * Puts real loads into a report: the load section, one finding per failed,
 * crashed or hung load (naming the finding that predicted it, or saying none
 * did), and the verdicts recomputed with them. Applying it again replaces the
 * earlier loads, so a report can be re-loaded with other images.
 */
import { toFinding } from '../audit/audit.ts';
import { overallVerdict, targetVerdicts } from '../audit/verdict.ts';
import type { Check, Finding } from '../audit/types.ts';
import type { Report } from '../report/schema.ts';
import { LOAD_CHECKS, LOAD_CRASHED, LOAD_FAILED, LOAD_TIMED_OUT } from './checks.ts';
import type { LoadOutcome, Loads } from './schema.ts';

const CHECK_OF: Partial<Record<LoadOutcome['status'], Check>> = { failed: LOAD_FAILED, crashed: LOAD_CRASHED, 'timed-out': LOAD_TIMED_OUT };
const LOAD_IDS = new Set(LOAD_CHECKS.map((c) => c.id));

function loadFinding(o: LoadOutcome, imageTitle: string): Finding | null {
  const check = CHECK_OF[o.status];
  if (!check) return null;
  const where = `${imageTitle}${o.runtime ? `, ${o.runtime}` : ''}`;
  const why = o.predictedBy ? `predicted by ${o.predictedBy}` : 'no static finding predicted this: please report it to the distaudit maintainers';
  return toFinding(check, {
    message: `${o.binary} ${o.status === 'failed' ? 'fails to load' : o.status === 'crashed' ? 'crashes when loaded' : 'hangs when loaded'} on ${where}: ${o.reason} (${why})`,
    file: o.binary,
    targets: [o.target],
    evidence: { image: o.image, probe: o.probe, runtime: o.runtime, class: o.class, detail: o.detail, output: o.output, predictedBy: o.predictedBy, surprise: o.surprise },
  });
}

export function withLoads(report: Report, loads: Loads): Report {
  const titles = new Map(loads.images.map((i) => [i.id, i.title]));
  const findings = [
    ...report.findings.filter((f) => !LOAD_IDS.has(f.check)),
    ...loads.outcomes.flatMap((o) => loadFinding(o, titles.get(o.image ?? '') ?? o.image ?? '') ?? []),
  ];
  const checksRun = [...report.checksRun.filter((c) => !LOAD_IDS.has(c)), ...LOAD_CHECKS.map((c) => c.id)];
  return { ...report, findings, checksRun, loads, verdicts: targetVerdicts(report.targets, findings), overall: overallVerdict(report.targets, findings) };
}
