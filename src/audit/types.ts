/**
 * The vocabulary of an audit: checks and the findings they produce, the rules
 * that run them, and the context a rule sees.
 *
 * Adding a check: write one module under src/rules/ that exports a Rule (its
 * Checks, with their docs, and a `run`), list it in src/rules/index.ts, and
 * add a fixture that triggers it. docs/checks.md is generated from the Checks.
 */
import { Type, type Static } from 'typebox';
import type { ArtifactModel } from '../artifact/model.ts';
import type { ArchiveScan } from '../artifact/archive/types.ts';
import type { BinaryFacts } from '../binary/describe.ts';
import type { ParsedBinary } from '../binary/index.ts';
import type { NodeAddonFacts } from '../binary/addons/node.ts';
import type { Target } from '../target.ts';
import { Nullable } from '../schema.ts';

export const SeveritySchema = Type.Enum(['error', 'warning', 'info'] as const);
export type Severity = Static<typeof SeveritySchema>;

export type ArtifactKind = 'wheel' | 'jar' | 'npm' | 'node-addon';

/** One thing distaudit checks, with a stable id and the documentation users read. */
export interface Check {
  /** Stable id, `<family>.<problem>`, e.g. `elf.symbol-version-too-new`. Never reused for another meaning. */
  id: string;
  severity: Severity;
  /** A short title, e.g. "Symbol version newer than the platform tag allows". */
  title: string;
  /** What it means and what fails for users when it happens (a paragraph, Markdown). */
  explain: string;
  /** How to fix it in general (Markdown); a finding's `hint` says it for the case at hand. */
  fix: string;
}


export const FindingSchema = Type.Object(
  {
    check: Type.String({ description: 'The id of the check that produced it, e.g. `elf.symbol-version-too-new`.' }),
    severity: SeveritySchema,
    message: Type.String({ description: 'One line that names the culprit: the file, the symbol@version, the library.' }),
    file: Nullable(Type.String({ description: 'Path inside the artifact, when the finding is about one file.' })),
    targets: Type.Array(Type.String(), { description: 'Ids of the targets this finding affects; empty when it affects the artifact as a whole.' }),
    evidence: Type.Record(Type.String(), Type.Unknown(), { description: 'Machine-readable details: symbol names, versions, libraries, offsets, expected vs found.' }),
    hint: Type.String({ description: 'What to do about this finding.' }),
  },
  { description: 'One thing a check found: what, where, which targets, and what to do.' },
);
export type Finding = Static<typeof FindingSchema>;

export type FindingInput = Omit<Finding, 'check' | 'severity' | 'file' | 'targets' | 'evidence' | 'hint'> &
  Partial<Pick<Finding, 'file' | 'targets' | 'evidence' | 'hint' | 'severity'>>;

/** A native binary found in the artifact (by its magic bytes), parsed. */
export interface AuditedBinary {
  path: string;
  size: number;
  sha256: string;
  parsed: ParsedBinary;
  /** One entry per binary; per slice for a fat Mach-O. */
  facts: BinaryFacts[];
  /** For npm packages and bare `.node` files: what the binary says about itself as a Node addon (null: none). */
  node?: NodeAddonFacts | null;
}

/** An entry whose magic says native binary but whose header could not be parsed. */
export interface UnparsableBinary {
  path: string;
  offset: number;
  reason: string;
}

export interface AuditContext {
  artifact: ArtifactModel;
  scan: ArchiveScan;
  binaries: AuditedBinary[];
  unparsable: UnparsableBinary[];
  targets: Target[];
  /**
   * The targets a binary must serve: every target of a wheel (it has one
   * platform set); for npm packages and JARs, the targets its own path claims
   * (a prebuild directory, a JAR native path) or its package's fields.
   */
  targetsOf(bin: AuditedBinary): Target[];
  /** The text of an entry the artifact kind asked to keep (METADATA, RECORD, ...); null if absent or unreadable. */
  text(path: string): string | null;
  /** The bytes of a kept entry (a MANIFEST.MF, whose 72-byte lines can split a UTF-8 character); null if absent. */
  bytes(path: string): Uint8Array | null;
  /** Records a finding of `check` (its severity unless the input overrides it). */
  report(check: Check, finding: FindingInput): void;
}

/** A module of related checks, run over one artifact. */
export interface Rule {
  /** Module name, e.g. 'symbol-versions'. */
  name: string;
  kinds: ArtifactKind[];
  checks: Check[];
  /**
   * The defined (exported) symbols this rule looks at, by the name the binary
   * stores (Mach-O C symbols carry a leading '_'). The audit lists only the
   * defined symbols some rule asks for — imports are always listed — so a
   * library exporting 200,000 C++ symbols does not cost 100 MB.
   */
  definedSymbols?: RegExp;
  run(ctx: AuditContext): void;
}
