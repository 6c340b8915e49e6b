/**
 * One entry point for any native binary: sniff the magic, run the matching
 * parser. Java class files and everything unrecognised give `null` — they are
 * not native code (a caller that expected a binary reports that itself).
 *
 * ```ts
 * import { withFile } from './source.ts';
 * const bin = withFile('/usr/lib/x86_64-linux-gnu/libz.so.1', (src) => parseBinary(src));
 * bin?.format; // 'elf'
 * ```
 */
import type { ByteSource } from './source.ts';
import { sniff } from './sniff.ts';
import { parseElf, type ElfFile, type ElfParseOptions } from './elf/parse.ts';
import { parseMachO, type MachOFile } from './macho/parse.ts';
import { parsePe, type PeFile } from './pe/parse.ts';

export type ParsedBinary = ElfFile | MachOFile | PeFile;

export interface ParseOptions {
  elf?: Omit<ElfParseOptions, 'keepDefinedSymbol'>;
  /**
   * Which defined symbols to list, in every format (ELF dynamic symbols,
   * Mach-O defined nlist symbols by their stored name, PE exports by name);
   * undefined (imported) symbols are always listed. Default: all. The audit
   * keeps only the names its rules look at: a library exporting 200,000 C++
   * symbols would otherwise cost about 100 MB.
   */
  keepDefinedSymbol?: (name: string) => boolean;
}

export function parseBinary(src: ByteSource, options: ParseOptions = {}): ParsedBinary | null {
  switch (sniff(src)) {
    case 'elf':
      return parseElf(src, { ...options.elf, keepDefinedSymbol: options.keepDefinedSymbol });
    case 'macho':
    case 'macho-fat':
      return parseMachO(src, { keepDefinedSymbol: options.keepDefinedSymbol });
    case 'pe':
      return parsePe(src, { keepDefinedSymbol: options.keepDefinedSymbol });
    default:
      return null;
  }
}
