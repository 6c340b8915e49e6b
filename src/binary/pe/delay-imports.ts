/**
 * The delay-load import directory (DataDirectory[13]).
 * Spec: https://learn.microsoft.com/windows/win32/debug/pe-format#delay-load-import-tables-image-only
 * and delayimp.h (ImgDelayDescr).
 *
 * 32-byte descriptors {grAttrs, rvaDLLName, rvaHmod, rvaIAT, rvaINT,
 * rvaBoundIAT, rvaUnloadIAT, dwTimeStamp}, ending — as the delay-load helper
 * reads them — at the first one whose DLL name is 0. The import name table (INT)
 * has the same thunks as an import lookup table. When grAttrs bit 0 (dlattrRva)
 * is clear, the descriptor is the old VC6 form whose fields and INT hint/name
 * pointers are VAs: they are converted to RVAs with ImageBase.
 *
 * Node addons built by node-gyp delay-import `node.exe` this way; GNU ld does
 * not fill DataDirectory[13], lld-link and MSVC do.
 *
 * ```ts
 * parseDelayImports(img, dir, true, imageBase, log);
 * // [{ dll: 'dep.dll', rvaBased: true, functions: [{ ordinal: 9 }, { name: 'dep_other', hint: 0 }], ... }]
 * ```
 */
import type { AnomalyLog } from '../errors.ts';
import { DLATTR_RVA, SIZEOF } from './constants.ts';
import type { PeImage } from './image.ts';
import { MAX_DLL_NAME, readThunks, type ThunkAllowance } from './imports.ts';
import type { DataDirectory, DelayImportedDll } from './types.ts';

export function parseDelayImports(
  img: PeImage,
  dir: DataDirectory | undefined,
  is64: boolean,
  imageBase: number | null,
  allowance: ThunkAllowance,
  log: AnomalyLog,
): DelayImportedDll[] {
  if (!dir || dir.rva === 0) return [];
  const raw: { offset: number; fields: number[] }[] = [];
  const ended = img.scan(dir.rva, SIZEOF.DELAYLOAD_DESCRIPTOR, 'delay-load descriptors', (v, rel) => {
    const fields = Array.from({ length: 8 }, (_, i) => v.u32(rel + i * 4));
    if (fields[1] === 0) return true;
    raw.push({ offset: v.base + rel, fields });
    return false;
  });
  if (!ended) {
    log.add(img.locate(dir.rva, 'delay-load descriptors').offset, 'pe.delayImports.unterminated', `delay-load descriptors have no terminator before their section's data ends (${raw.length} read)`);
  }
  const dlls: DelayImportedDll[] = [];
  for (const { offset, fields } of raw) {
    if (allowance.exhausted) {
      log.add(offset, 'pe.delayImports.overlap', 'delay-load name tables hold more entries than fit in the file; the remaining descriptors are not read');
      break;
    }
    const [attributes = 0, name = 0, hmod = 0, iat = 0, int = 0, boundIat = 0, unloadIat = 0, timeDateStamp = 0] = fields;
    const rvaBased = (attributes & DLATTR_RVA) !== 0;
    const toRva = (pointer: number): number => {
      if (rvaBased || pointer === 0) return pointer;
      if (imageBase === null || pointer < imageBase) img.reader.fail(offset, `VA-based delay-load descriptor: address 0x${pointer.toString(16)} is below ImageBase`);
      return pointer - imageBase;
    };
    const entry = log.attempt('pe.delayImports.descriptor', () => {
      const dll = img.cstr(toRva(name), 'delay-load DLL name', MAX_DLL_NAME);
      return { dll, attributes, rvaBased, moduleHandleRva: toRva(hmod), iatRva: toRva(iat), intRva: toRva(int), boundIatRva: toRva(boundIat), unloadIatRva: toRva(unloadIat), timeDateStamp };
    });
    if (!entry) continue;
    let functions: DelayImportedDll['functions'] = [];
    if (entry.intRva === 0) log.add(offset, 'pe.delayImports.noNameTable', `delay-load descriptor of ${entry.dll} has no import name table`);
    else functions = log.attempt('pe.delayImports.thunks', () => readThunks(img, entry.intRva, is64, `delay-load name table of ${entry.dll}`, log, allowance, toRva)) ?? [];
    dlls.push({ ...entry, functions });
  }
  return dlls;
}
