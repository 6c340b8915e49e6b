/**
 * The static audit of one artifact file, end to end:
 *
 *   read the archive (streamed, hashed, limited) → parse every native binary
 *   found by its magic → build the kind's model → make its claims explicit
 *   targets → run the rules → verdicts per target → the report.
 *
 * Bad input never throws out of here: a hostile or corrupt archive, an
 * unknown kind or a malformed binary is a finding in the report. Only I/O
 * errors on the file itself (missing, unreadable) are thrown, as Node errors.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ArchiveLimits, ArchiveScan } from '../artifact/archive/types.ts';
import { scanZip } from '../artifact/archive/zip.ts';
import { contentSource } from '../artifact/archive/content.ts';
import { readerFor } from '../artifact/kinds.ts';
import { BinaryParseError } from '../binary/errors.ts';
import { describe } from '../binary/describe.ts';
import { parseBinary } from '../binary/index.ts';
import { mightBeNative } from '../binary/sniff.ts';
import { decodeUtf8 } from '../binary/reader.ts';
import { RULES } from '../rules/index.ts';
import type { Report } from '../report/schema.ts';
import { overallVerdict, targetVerdicts } from './verdict.ts';
import { toolVersion } from '../tool.ts';
import type { AuditContext, AuditedBinary, Check, Finding, FindingInput, Rule, UnparsableBinary } from './types.ts';

export interface AuditOptions {
  limits?: Partial<ArchiveLimits>;
  /** The rules to run (default: all of them); tests narrow it. */
  rules?: readonly Rule[];
}

/** Reported when a rule itself fails: the rest of the audit still stands. */
export const INTERNAL_ERROR: Check = {
  id: 'audit.internal-error',
  severity: 'error',
  title: 'A check could not complete',
  explain: 'A distaudit rule failed while examining this artifact, so the checks it runs were not decided. The other checks stand. This is a bug in distaudit, not necessarily in the artifact.',
  fix: 'Report it with the artifact (or the finding\'s evidence) to the distaudit maintainers.',
};

/** Reported when the file name names no kind distaudit audits. */
export const UNSUPPORTED_KIND: Check = {
  id: 'artifact.unsupported-kind',
  severity: 'error',
  title: 'Not an artifact kind distaudit audits',
  explain: 'distaudit audits Python wheels (`.whl`). JARs and Node addons come next. The file name decides the kind; its content must then bear it out.',
  fix: 'Pass a `.whl` file.',
};

function parseBinaries(scan: ArchiveScan): { binaries: AuditedBinary[]; unparsable: UnparsableBinary[] } {
  const binaries: AuditedBinary[] = [];
  const unparsable: UnparsableBinary[] = [];
  for (const e of scan.entries) {
    if (!e.content || e.sha256 === null) continue;
    const src = contentSource(e.content);
    try {
      if (!mightBeNative(src.read(0, Math.min(64, src.size)))) continue;
      const parsed = parseBinary(src);
      if (parsed) binaries.push({ path: e.path, size: e.size, sha256: e.sha256, parsed, facts: describe(parsed) });
    } catch (err) {
      if (!(err instanceof BinaryParseError)) throw err;
      unparsable.push({ path: e.path, offset: err.offset, reason: err.reason });
    } finally {
      src.close();
    }
  }
  return { binaries, unparsable };
}

function keptText(scan: ArchiveScan): (path: string) => string | null {
  const byPath = new Map(scan.entries.map((e) => [e.path, e]));
  return (path) => {
    const c = byPath.get(path)?.content;
    return c?.kind === 'memory' ? decodeUtf8(c.bytes) : null;
  };
}

export async function auditFile(path: string, options: AuditOptions = {}): Promise<Report> {
  const started = performance.now();
  const file = basename(path);
  const size = statSync(path).size;
  const findings: Finding[] = [];
  const report = (check: Check, f: FindingInput) =>
    findings.push({ check: check.id, severity: f.severity ?? check.severity, message: f.message, file: f.file ?? null, targets: f.targets ?? [], evidence: f.evidence ?? {}, hint: f.hint ?? check.fix });

  const reader = readerFor(file);
  if (!reader) {
    report(UNSUPPORTED_KIND, { message: `${file}: not a kind distaudit audits (by its name)`, evidence: { file } });
    const overall = overallVerdict([], findings);
    return {
      schemaVersion: 1,
      tool: { name: 'distaudit', version: toolVersion() },
      artifact: { file, kind: null, size, sha256: '' },
      targets: [],
      binaries: [],
      findings,
      verdicts: [],
      overall,
      checksRun: [UNSUPPORTED_KIND.id],
      durationMs: performance.now() - started,
    };
  }

  const spoolDir = mkdtempSync(join(tmpdir(), 'distaudit-'));
  try {
    // scanZip reports bad archives as problems; it throws only for I/O on the file itself.
    const scan = await scanZip(path, { limits: options.limits, keep: (p, head) => reader.keepText(p) || mightBeNative(head), spoolDir });
    const { binaries, unparsable } = parseBinaries(scan);
    const text = keptText(scan);
    const artifact = reader.model(file, scan, text);
    const targets = reader.targets(artifact);
    const ctx: AuditContext = { artifact, scan, binaries, unparsable, targets, text, report };

    const rules = (options.rules ?? RULES).filter((r) => r.kinds.includes(reader.kind));
    for (const rule of rules) {
      try {
        rule.run(ctx);
      } catch (e) {
        report(INTERNAL_ERROR, {
          message: `rule ${rule.name} failed: ${(e as Error)?.message ?? String(e)}`,
          evidence: { rule: rule.name, checks: rule.checks.map((c) => c.id), stack: (e as Error)?.stack ?? null },
        });
      }
    }
    return {
      schemaVersion: 1,
      tool: { name: 'distaudit', version: toolVersion() },
      artifact: { file, kind: reader.kind, size: scan.size, sha256: scan.sha256 },
      targets,
      binaries: binaries.map((b) => ({ path: b.path, size: b.size, sha256: b.sha256, facts: b.facts })),
      findings,
      verdicts: targetVerdicts(targets, findings),
      overall: overallVerdict(targets, findings),
      ...reader.summary(ctx, findings),
      checksRun: rules.flatMap((r) => r.checks.map((c) => c.id)),
      durationMs: performance.now() - started,
    };
  } finally {
    rmSync(spoolDir, { recursive: true, force: true });
  }
}
