/**
 * `distaudit inspect`: parse one file as a native binary and return what the
 * parser read plus the derived facts. Reads through a file source, so large
 * libraries are never loaded whole.
 */
import { statSync } from 'node:fs';
import { BinaryParseError } from '../binary/errors.ts';
import { describe, type BinaryFacts } from '../binary/describe.ts';
import { parseBinary, type ParsedBinary } from '../binary/index.ts';
import { sniff, type SniffedFormat } from '../binary/sniff.ts';
import { withFile } from '../binary/source.ts';

export interface InspectResult {
  path: string;
  size: number;
  format: SniffedFormat;
  /** One entry per binary (per slice of a fat Mach-O). */
  facts: BinaryFacts[];
  /** Everything the parser read; null when the file is not a native binary or could not be parsed. */
  parsed: ParsedBinary | null;
  /** Why the file could not be read as a binary at all. */
  error: { offset: number; reason: string } | null;
}

export interface InspectOptions {
  relocations?: boolean;
}

export function inspectFile(path: string, options: InspectOptions = {}): InspectResult {
  const st = statSync(path);
  if (!st.isFile()) throw new Error(`${path} is not a regular file`);
  return withFile(path, (src) => {
    const format = sniff(src);
    const base = { path, size: src.size, format };
    try {
      const parsed = parseBinary(src, { elf: { relocations: options.relocations ?? false } });
      return { ...base, facts: parsed ? describe(parsed) : [], parsed, error: null };
    } catch (e) {
      if (!(e instanceof BinaryParseError)) throw e;
      return { ...base, facts: [], parsed: null, error: { offset: e.offset, reason: e.message } };
    }
  });
}
