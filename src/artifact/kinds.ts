/**
 * Artifact kinds plug into the audit through this interface: which entries to
 * keep as text, how to build the model from the archive, which targets the
 * model claims, and the kind-specific summary in the report. The file name
 * picks the reader (the content then has to bear it out: a `.whl` that is not
 * a zip is reported as unreadable, not trusted).
 */
import type { ArchiveScan, ScanOptions } from './archive/types.ts';
import type { ByteSource } from '../binary/source.ts';
import type { ParsedBinary } from '../binary/index.ts';
import type { ArtifactModel } from './model.ts';
import type { ArtifactKind, AuditContext, AuditedBinary, Finding } from '../audit/types.ts';
import type { Report } from '../report/schema.ts';
import type { Target } from '../target.ts';
import { wheelReader } from './wheel/reader.ts';
import { jarReader } from './jar/reader.ts';
import { npmReader } from './npm/reader.ts';
import { nodeAddonReader } from './node-addon/reader.ts';

export interface ArtifactReader {
  kind: ArtifactKind;
  /** Whether a file of this name is this kind. */
  matches(fileName: string): boolean;
  /** Reads the file's entries (zip, tar, nested JARs, or the bare file itself); bad input is problems, never a throw. */
  scan(path: string, options: ScanOptions): Promise<ArchiveScan>;
  /** Entries whose text the model or the rules need (kept in memory). */
  keepText(path: string): boolean;
  model(fileName: string, scan: ArchiveScan, text: (path: string) => string | null): ArtifactModel;
  targets(model: ArtifactModel): Target[];
  /**
   * Facts only the binary's bytes can tell, read while they are available
   * (before the pipeline frees them): e.g. a Node addon's declared N-API version.
   */
  probe?(src: ByteSource, parsed: ParsedBinary): Partial<Pick<AuditedBinary, 'node'>>;
  /** Defined symbols the probe looks at (added to the rules' own, see Rule.definedSymbols). */
  definedSymbols?: RegExp;
  /** The targets one binary must serve (see AuditContext.targetsOf); all of them when absent. */
  binaryTargets?(model: ArtifactModel, targets: readonly Target[], bin: AuditedBinary): Target[];
  /** Kind-specific facts for the report, from the context and the findings the rules made. */
  summary(ctx: AuditContext, findings: readonly Finding[]): Partial<Pick<Report, 'wheel' | 'npm' | 'jar'>>;
}

export const READERS: readonly ArtifactReader[] = [wheelReader, jarReader, npmReader, nodeAddonReader];

export function readerFor(fileName: string): ArtifactReader | null {
  return READERS.find((r) => r.matches(fileName)) ?? null;
}
