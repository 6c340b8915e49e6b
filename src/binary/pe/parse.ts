/**
 * PE/COFF images (PE32 and PE32+): EXE, DLL, `.node` and `.pyd` files.
 * Spec: Microsoft "PE Format", https://learn.microsoft.com/windows/win32/debug/pe-format
 * (the project's reference notes, binary-formats.md §4.3 "PE/COFF", list every offset used).
 *
 * Reads the headers, then each table the data directories point to as one
 * bounded read: imports, delay imports, exports, the attribute certificate
 * table (Authenticode), the CLR header (.NET) and the debug directory (PDB
 * paths). Built for hostile input: a file that is not a PE image, or whose
 * headers are cut off, throws a BinaryParseError; a bad table becomes an
 * anomaly beside everything else that could be read. Counts are capped by what
 * fits in the file and all work is bounded by the reader's budget.
 *
 * ```ts
 * import { withFile } from '../source.ts';
 * import { parsePe } from './parse.ts';
 *
 * const pe = withFile('addon.node', parsePe);
 * pe.coff.arch;                          // 'x86_64'
 * pe.imports.map((i) => i.dll);          // ['KERNEL32.dll', 'node.exe', ...]
 * pe.delayImports.map((i) => i.dll);     // ['node.exe']
 * pe.certificates[0]?.typeName;          // 'WIN_CERT_TYPE_PKCS_SIGNED_DATA' when Authenticode-signed
 * ```
 */
import { AnomalyLog } from '../errors.ts';
import { Reader } from '../reader.ts';
import type { ByteSource } from '../source.ts';
import { parseCertificates } from './certificates.ts';
import { parseClr } from './clr.ts';
import { DIRECTORY, FILE_CHARACTERISTICS } from './constants.ts';
import { parseDebug } from './debug.ts';
import { parseDelayImports } from './delay-imports.ts';
import { parseExports } from './exports.ts';
import { parseHeaders } from './headers.ts';
import { PeImage } from './image.ts';
import { ThunkAllowance, parseImports } from './imports.ts';
import type { PeFile } from './types.ts';

export type * from './types.ts';

export interface PeParseOptions {
  /** Which exports to list, by name (an export is kept when one of its names passes); the rest are counted in `exports.omitted`. Default: all. */
  keepDefinedSymbol?: (name: string) => boolean;
}

export function parsePe(src: ByteSource, options: PeParseOptions = {}): PeFile {
  const reader = new Reader(src, 'pe', true);
  const log = new AnomalyLog();
  const h = parseHeaders(reader, log);
  const img = new PeImage(reader, h.sections, h.optional.sizeOfHeaders);
  const dir = (index: number) => h.directories[index];
  const allowance = new ThunkAllowance(reader.size, h.is64);

  const imports = log.attempt('pe.imports', () => parseImports(img, dir(DIRECTORY.IMAGE_DIRECTORY_ENTRY_IMPORT), h.is64, allowance, log)) ?? [];
  const delayImports = log.attempt('pe.delayImports', () => parseDelayImports(img, dir(DIRECTORY.IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT), h.is64, h.optional.imageBase, allowance, log)) ?? [];
  const exports = log.attempt('pe.exports', () => parseExports(img, dir(DIRECTORY.IMAGE_DIRECTORY_ENTRY_EXPORT), log, options.keepDefinedSymbol)) ?? null;
  const certificates = log.attempt('pe.certificates', () => parseCertificates(reader, dir(DIRECTORY.IMAGE_DIRECTORY_ENTRY_SECURITY), h.optional.sizeOfHeaders, log)) ?? [];
  const clr = log.attempt('pe.clr', () => parseClr(img, dir(DIRECTORY.IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR), log)) ?? null;
  const debug = log.attempt('pe.debug', () => parseDebug(img, dir(DIRECTORY.IMAGE_DIRECTORY_ENTRY_DEBUG), log)) ?? [];

  return {
    format: 'pe',
    dos: h.dos,
    coff: h.coff,
    isDll: (h.coff.characteristics & FILE_CHARACTERISTICS.IMAGE_FILE_DLL) !== 0,
    optional: h.optional,
    dataDirectories: h.directories.filter((d) => d.rva !== 0 || d.size !== 0),
    sections: h.sections,
    imports,
    delayImports,
    exports,
    certificates,
    clr,
    debug,
    anomalies: log.list(),
  };
}
