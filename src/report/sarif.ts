/**
 * The report as SARIF 2.1.0 (OASIS), for code-scanning dashboards: one run,
 * every check that ran as a rule with its documentation, every finding as a
 * result located at the artifact (the path inside it as a logical location).
 * Spec: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
import type { Check, Severity } from '../audit/types.ts';
import type { Report } from './schema.ts';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

export function renderSarif(r: Report, checks: readonly Check[]): string {
  const ran = new Set(r.checksRun);
  const rules = checks
    .filter((c) => ran.has(c.id))
    .map((c) => ({
      id: c.id,
      name: c.id.replace(/[.-](\w)/g, (_, ch: string) => ch.toUpperCase()),
      shortDescription: { text: c.title },
      fullDescription: { text: c.explain, markdown: c.explain },
      help: { text: c.fix, markdown: c.fix },
      defaultConfiguration: { level: LEVEL[c.severity] },
    }));
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const results = r.findings.map((f) => ({
    ruleId: f.check,
    ...(index.has(f.check) ? { ruleIndex: index.get(f.check) } : {}),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: r.artifact.file, index: 0 } },
        ...(f.file ? { logicalLocations: [{ fullyQualifiedName: f.file, kind: 'module' }] } : {}),
      },
    ],
    properties: { targets: f.targets, evidence: f.evidence, hint: f.hint },
  }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'distaudit', version: r.tool.version, informationUri: 'https://distaudit.dev', rules } },
        artifacts: [{ location: { uri: r.artifact.file }, length: r.artifact.size, hashes: r.artifact.sha256 ? { 'sha-256': r.artifact.sha256 } : {} }],
        results,
        properties: { verdict: r.overall.verdict, targets: r.verdicts },
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
