/**
 * Builds an AuditContext by hand for rule tests: fixture binaries placed at
 * paths inside a pretend artifact, explicit targets, kept text entries. The
 * end-to-end tests go through the real pipeline instead; this keeps a rule's
 * unit tests about the rule.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AuditContext, AuditedBinary, Finding, Rule } from '../../src/audit/types.ts';
import { toFinding } from '../../src/audit/audit.ts';
import type { ArtifactModel } from '../../src/artifact/model.ts';
import type { ArchiveEntry } from '../../src/artifact/archive/types.ts';
import { bytesSource } from '../../src/binary/source.ts';
import { parseBinary } from '../../src/binary/index.ts';
import { describe } from '../../src/binary/describe.ts';
import type { Target } from '../../src/target.ts';

export interface ContextSpec {
  /** Binaries: path inside the artifact → fixture file on disk (or bytes). */
  binaries?: Record<string, string | Uint8Array>;
  /** Other entries: path → content. */
  files?: Record<string, string | Uint8Array>;
  targets?: Target[];
  /** The targets each binary serves (default: all of `targets`, as in a wheel). */
  targetsOf?: (bin: AuditedBinary) => Target[];
  artifact?: ArtifactModel;
}

export function auditedBinary(path: string, bytes: Uint8Array): AuditedBinary {
  const parsed = parseBinary(bytesSource(bytes));
  if (!parsed) throw new Error(`${path} is not a native binary`);
  return { path, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), parsed, facts: describe(parsed) };
}

function entry(path: string, bytes: Uint8Array): ArchiveEntry {
  return { path, isDirectory: false, size: bytes.length, compressedSize: bytes.length, mode: 0o100644, sha256: createHash('sha256').update(bytes).digest('hex'), content: null };
}

export function contextFor(spec: ContextSpec): { ctx: AuditContext; findings: Finding[] } {
  const findings: Finding[] = [];
  const load = (v: string | Uint8Array, isPath: boolean) => (typeof v === 'string' ? (isPath ? readFileSync(v) : Buffer.from(v)) : v);
  const binaries = Object.entries(spec.binaries ?? {}).map(([p, v]) => auditedBinary(p, load(v, true)));
  const files = Object.entries(spec.files ?? {}).map(([p, v]) => [p, load(v, false)] as const);
  const texts = new Map(files.map(([p, b]) => [p, Buffer.from(b).toString('utf8')]));
  const entries = [...binaries.map((b) => ({ ...entry(b.path, new Uint8Array(0)), size: b.size, sha256: b.sha256 })), ...files.map(([p, b]) => entry(p, b))];
  const ctx: AuditContext = {
    artifact: spec.artifact ?? { kind: 'wheel', wheel: { filename: 'demo-1.0-py3-none-any.whl' } as never },
    scan: { format: 'zip', size: 0, sha256: '', entries, problems: [] },
    binaries,
    unparsable: [],
    targets: spec.targets ?? [],
    targetsOf: (bin) => spec.targetsOf?.(bin) ?? spec.targets ?? [],
    text: (p) => texts.get(p) ?? null,
    bytes: (p) => files.find(([f]) => f === p)?.[1] ?? null,
    report(check, f) {
      findings.push(toFinding(check, f));
    },
  };
  return { ctx, findings };
}

/** Runs one rule over a hand-built context and returns its findings. */
export function runRule(rule: Rule, spec: ContextSpec): Finding[] {
  const { ctx, findings } = contextFor(spec);
  rule.run(ctx);
  for (const f of findings) {
    if (!rule.checks.some((c) => c.id === f.check)) throw new Error(`rule ${rule.name} reported undeclared check ${f.check}`);
  }
  return findings;
}
