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
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ArchiveLimits, ArchiveScan, KeptContent } from '../artifact/archive/types.ts';
import { contentSource } from '../artifact/archive/content.ts';
import { readerFor, type ArtifactReader } from '../artifact/kinds.ts';
import { BinaryParseError } from '../binary/errors.ts';
import { describe } from '../binary/describe.ts';
import { parseBinary } from '../binary/index.ts';
import { mightBeNative } from '../binary/sniff.ts';
import { decodeUtf8 } from '../binary/reader.ts';
import { RULES } from '../rules/index.ts';
import type { Report } from '../report/schema.ts';
import { overallVerdict, targetVerdicts } from './verdict.ts';
import { toolVersion } from '../tool.ts';
import { INTERNAL_ERROR, UNSUPPORTED_KIND } from './checks.ts';
import type { AuditContext, AuditedBinary, Check, Finding, FindingInput, Rule, UnparsableBinary } from './types.ts';

export interface AuditOptions {
  /** The artifact's file name, when the file on disk is named otherwise (a blob in the store); it decides the kind. */
  fileName?: string;
  limits?: Partial<ArchiveLimits>;
  /** The rules to run (default: all of them); tests narrow it. */
  rules?: readonly Rule[];
  /** Told how far the audit has come: reading the archive (fraction of it read), then running the checks. */
  onProgress?(stage: AuditStage, fraction: number): void;
}

export type AuditStage = 'reading' | 'checking';

/** Kept text entries larger than this are not read (none of the texts we keep is legitimately near it). */
const MAX_TEXT = 64 * 1024 * 1024;

function keptBytes(scan: ArchiveScan): (path: string) => Uint8Array | null {
  const byPath = new Map(scan.entries.map((e) => [e.path, e]));
  return (path) => {
    const c = byPath.get(path)?.content;
    if (!c) return null;
    if (c.kind === 'memory') return c.bytes;
    return c.size <= MAX_TEXT ? readFileSync(c.path) : null;
  };
}

/** Only the defined symbols some rule or the kind's probe looks at are listed (imports always are). */
function definedSymbolFilter(rules: readonly Rule[], reader: ArtifactReader): (name: string) => boolean {
  const patterns = [...rules, reader].flatMap((r) => (r.definedSymbols ? [r.definedSymbols] : []));
  return (name) => patterns.some((p) => p.test(name));
}

/**
 * Parses native binaries as the archive reader finishes each one, so only one
 * binary's bytes are held at a time; returns whether the content can be freed.
 */
class BinaryCollector {
  readonly binaries: AuditedBinary[] = [];
  readonly unparsable: UnparsableBinary[] = [];
  constructor(
    private readonly reader: ArtifactReader,
    private readonly keepDefinedSymbol: (name: string) => boolean,
  ) {}

  consume(path: string, content: KeptContent, sha256: string): boolean {
    const src = contentSource(content);
    try {
      if (!mightBeNative(src.read(0, Math.min(64, src.size)))) return false;
      const parsed = parseBinary(src, { keepDefinedSymbol: this.keepDefinedSymbol });
      if (parsed) this.binaries.push({ path, size: src.size, sha256, parsed, facts: describe(parsed), ...this.reader.probe?.(src, parsed) });
      return parsed !== null || !this.reader.keepText(path);
    } catch (err) {
      if (!(err instanceof BinaryParseError)) throw err;
      this.unparsable.push({ path, offset: err.offset, reason: err.reason });
      return true;
    } finally {
      src.close();
    }
  }
}

/** A finding of `check`, with the check's severity and fix as defaults. */
export function toFinding(check: Check, f: FindingInput): Finding {
  return { check: check.id, severity: f.severity ?? check.severity, message: f.message, file: f.file ?? null, targets: f.targets ?? [], evidence: f.evidence ?? {}, hint: f.hint ?? check.fix };
}

/** The report from what an audit produced; verdicts and counts are derived here, once. */
function assemble(
  started: number,
  artifact: Report['artifact'],
  targets: Report['targets'],
  binaries: readonly (AuditedBinary & { targets?: string[] })[],
  findings: Finding[],
  checksRun: string[],
  extra: Partial<Pick<Report, 'wheel' | 'npm' | 'jar'>> = {},
): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'distaudit', version: toolVersion() },
    artifact,
    targets,
    binaries: binaries.map((b) => ({
      path: b.path,
      size: b.size,
      sha256: b.sha256,
      facts: b.facts,
      ...(b.node !== undefined ? { node: b.node } : {}),
      ...(b.targets ? { targets: b.targets } : {}),
    })),
    findings,
    verdicts: targetVerdicts(targets, findings),
    overall: overallVerdict(targets, findings),
    ...extra,
    checksRun,
    durationMs: performance.now() - started,
  };
}

/** The report on an artifact whose audit was stopped before it finished (a resource limit, a time limit). */
export function abortedReport(artifact: Report['artifact'], check: Check, message: string, durationMs: number): Report {
  const findings = [toFinding(check, { message, evidence: { file: artifact.file } })];
  return { ...assemble(performance.now(), artifact, [], [], findings, [check.id]), durationMs };
}

export async function auditFile(path: string, options: AuditOptions = {}): Promise<Report> {
  const started = performance.now();
  const file = options.fileName ?? basename(path);
  const size = statSync(path).size;
  const findings: Finding[] = [];
  const report = (check: Check, f: FindingInput) => findings.push(toFinding(check, f));

  const reader = readerFor(file);
  if (!reader) {
    report(UNSUPPORTED_KIND, { message: `${file}: not a kind distaudit audits (by its name)`, evidence: { file } });
    return assemble(started, { file, kind: null, size, sha256: '' }, [], [], findings, [UNSUPPORTED_KIND.id]);
  }

  const rules = (options.rules ?? RULES).filter((r) => r.kinds.includes(reader.kind));
  const spoolDir = mkdtempSync(join(tmpdir(), 'distaudit-'));
  try {
    const collector = new BinaryCollector(reader, definedSymbolFilter(rules, reader));
    // Scanners report bad archives as problems; they throw only for I/O on the file itself.
    const scan = await reader.scan(path, {
      limits: options.limits,
      keep: (p, head) => reader.keepText(p) || mightBeNative(head),
      consume: (p, content, sha256) => collector.consume(p, content, sha256),
      spoolDir,
      progress: options.onProgress && ((done, total) => options.onProgress!('reading', total > 0 ? Math.min(1, done / total) : 0)),
    });
    options.onProgress?.('checking', 0);
    const { binaries, unparsable } = collector;
    const bytes = keptBytes(scan);
    const text = (p: string) => {
      const b = bytes(p);
      return b ? decodeUtf8(b) : null;
    };
    const artifact = reader.model(file, scan, text);
    const targets = reader.targets(artifact);
    const targetsOf = (bin: AuditedBinary) => reader.binaryTargets?.(artifact, targets, bin) ?? targets;
    const ctx: AuditContext = { artifact, scan, binaries, unparsable, targets, targetsOf, text, bytes, report };

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
    const checksRun = rules.flatMap((r) => r.checks.map((c) => c.id));
    const served = binaries.map((b) => ({ ...b, targets: targetsOf(b).map((t) => t.id) }));
    return assemble(started, { file, kind: reader.kind, size: scan.size, sha256: scan.sha256 }, targets, served, findings, checksRun, reader.summary(ctx, findings));
  } finally {
    rmSync(spoolDir, { recursive: true, force: true });
  }
}
