/**
 * The export directory (DataDirectory[0], the `.edata` tables).
 * Spec: https://learn.microsoft.com/windows/win32/debug/pe-format#the-edata-section-image-only
 *
 * IMAGE_EXPORT_DIRECTORY (40 bytes): Characteristics@0, TimeDateStamp@4,
 * Major/MinorVersion@8/10, Name@12, Base@16, NumberOfFunctions@20,
 * NumberOfNames@24, AddressOfFunctions@28 (EAT, u32 RVAs), AddressOfNames@32
 * (u32 RVAs of names), AddressOfNameOrdinals@36 (u16 EAT indices). The ordinal
 * of EAT entry i is Base + i. An EAT RVA that falls inside the export directory
 * range is not code but a forwarder string ("KERNEL32.GetTickCount").
 *
 * Both counts are capped by what their tables physically hold in the section
 * (an anomaly says so), so a NumberOfFunctions of 0xffffffff costs nothing.
 *
 * ```ts
 * parseExports(img, dir, log)?.functions;
 * // [{ ordinal: 1, names: ['da_add'], rva: 0x1000 }, { ordinal: 5, names: ['Fwd'], forwarder: 'kernel32.GetTickCount' }, ...]
 * ```
 */
import type { AnomalyLog } from '../errors.ts';
import type { View } from '../reader.ts';
import { SIZEOF } from './constants.ts';
import type { PeImage } from './image.ts';
import { MAX_DLL_NAME } from './imports.ts';
import type { DataDirectory, ExportTable, ExportedFunction } from './types.ts';

/** `count` entries of `entrySize` bytes at `rva`, or as many as its section holds (an anomaly says so). */
function table(img: PeImage, rva: number, count: number, entrySize: number, what: string, log: AnomalyLog): View {
  const at = img.locate(rva, what);
  const fit = Math.floor(at.avail / entrySize);
  if (count > fit) {
    log.add(at.offset, 'pe.exports.capped', `${what}: ${count} entries declared, only ${fit} fit in its section's data`);
    count = fit;
  }
  return img.reader.view(at.offset, count * entrySize, what);
}

/** `keep`, when given, decides which exports are listed by their names (see ParseOptions in ../index.ts); the others are counted. */
export function parseExports(img: PeImage, dir: DataDirectory | undefined, log: AnomalyLog, keep?: (name: string) => boolean): ExportTable | null {
  if (!dir || dir.rva === 0) return null;
  const d = img.view(dir.rva, SIZEOF.EXPORT_DIRECTORY, 'export directory');
  const nameRva = d.u32(12);
  const ordinalBase = d.u32(16);
  const numberOfFunctions = d.u32(20);
  const numberOfNames = d.u32(24);
  const dllName = nameRva === 0 ? null : (log.attempt('pe.exports.name', () => img.cstr(nameRva, 'export DLL name', MAX_DLL_NAME)) ?? null);

  const eat = numberOfFunctions === 0 ? null : (log.attempt('pe.exports.addressTable', () => table(img, d.u32(28), numberOfFunctions, 4, 'export address table', log)) ?? null);
  const nFuncs = eat ? eat.length / 4 : 0;

  // Names, grouped by the EAT index they point to.
  const namesOf = new Map<number, string[]>();
  if (numberOfNames > 0 && nFuncs > 0) {
    log.attempt('pe.exports.names', () => {
      const pointers = table(img, d.u32(32), numberOfNames, 4, 'export name pointer table', log);
      const ordinals = table(img, d.u32(36), numberOfNames, 2, 'export ordinal table', log);
      const n = Math.min(pointers.length / 4, ordinals.length / 2);
      for (let i = 0; i < n; i++) {
        img.reader.spend(1, pointers.base + i * 4);
        const index = ordinals.u16(i * 2);
        if (index >= nFuncs) {
          log.add(ordinals.base + i * 2, 'pe.exports.badOrdinal', `export name ${i} points at EAT index ${index}, beyond its ${nFuncs} entries`);
          continue;
        }
        const name = log.attempt('pe.exports.name', () => img.cstr(pointers.u32(i * 4), 'export name'));
        if (name === undefined) continue;
        const list = namesOf.get(index);
        if (list) list.push(name);
        else namesOf.set(index, [name]);
      }
    });
  }

  const functions: ExportedFunction[] = [];
  let omitted = 0;
  for (let i = 0; i < nFuncs && eat; i++) {
    img.reader.spend(1, eat.base + i * 4);
    const rva = eat.u32(i * 4);
    const names = namesOf.get(i) ?? [];
    if (rva === 0 && names.length === 0) continue;
    if (keep && !names.some(keep)) {
      omitted++;
      continue;
    }
    const ordinal = ordinalBase + i;
    if (rva >= dir.rva && rva - dir.rva < dir.size) {
      const forwarder = log.attempt('pe.exports.forwarder', () => img.cstr(rva, 'export forwarder', MAX_DLL_NAME));
      functions.push(forwarder === undefined ? { ordinal, names, rva } : { ordinal, names, forwarder });
    } else {
      functions.push({ ordinal, names, rva });
    }
  }

  return {
    dllName,
    characteristics: d.u32(0),
    timeDateStamp: d.u32(4),
    version: { major: d.u16(8), minor: d.u16(10) },
    ordinalBase,
    numberOfFunctions,
    numberOfNames,
    functions,
    omitted,
  };
}
