/**
 * Native binaries met while an archive is scanned. JAR and npm readers read a
 * native's facts as its bytes go by (the model needs them to decide targets,
 * before the pipeline parses the binaries it keeps).
 */
import { contentSource } from './archive/content.ts';
import type { KeptContent } from './archive/types.ts';
import { describe, type BinaryFacts } from '../binary/describe.ts';
import { BinaryParseError } from '../binary/errors.ts';
import { parseBinary, type ParsedBinary } from '../binary/index.ts';
import type { ByteSource } from '../binary/source.ts';
import { sniff } from '../binary/sniff.ts';

/** What the scan records of every native binary. */
export interface ScannedNative {
  facts: BinaryFacts[];
  /** EI_OSABI of an ELF file (FreeBSD builds say so there), else null. */
  elfOsAbi: number | null;
}

/** Whether the content is an ELF, Mach-O or PE file (by its magic bytes). */
export function isNativeContent(content: KeptContent): boolean {
  const src = contentSource(content);
  try {
    const kind = sniff(src);
    return kind === 'elf' || kind === 'macho' || kind === 'macho-fat' || kind === 'pe';
  } finally {
    src.close();
  }
}

/**
 * A native's facts, plus whatever `more` reads from its bytes; null when it
 * does not parse (the pipeline parses it again and reports it).
 */
export function scanNative<T extends object>(
  content: KeptContent,
  keepDefinedSymbol: (name: string) => boolean,
  more: (src: ByteSource, bin: ParsedBinary) => T,
): (ScannedNative & T) | null {
  const src = contentSource(content);
  try {
    const bin = parseBinary(src, { keepDefinedSymbol });
    if (!bin) return null;
    return { facts: describe(bin), elfOsAbi: bin.format === 'elf' ? bin.header.osabi : null, ...more(src, bin) };
  } catch (err) {
    if (err instanceof BinaryParseError) return null;
    throw err;
  } finally {
    src.close();
  }
}
