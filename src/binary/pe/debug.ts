/**
 * The debug directory (DataDirectory[6]) and its CodeView records (PDB paths).
 * Spec: https://learn.microsoft.com/windows/win32/debug/pe-format#debug-directory-image-only
 *
 * IMAGE_DEBUG_DIRECTORY (28 bytes): Characteristics@0, TimeDateStamp@4,
 * MajorVersion u16@8, MinorVersion u16@10, Type@12, SizeOfData@16,
 * AddressOfRawData@20 (RVA), PointerToRawData@24 (file offset). A CodeView
 * record (type 2) is 'RSDS' + GUID(16) + Age u32 + UTF-8 path (PDB 7.0), or
 * 'NB10' + Offset u32 + Signature u32 + Age u32 + path (PDB 2.0). GNU ld's
 * `--build-id` writes an RSDS record with an empty path.
 *
 * ```ts
 * parseDebug(img, dir, log);
 * // [{ typeName: 'IMAGE_DEBUG_TYPE_CODEVIEW', codeView: { signature: 'RSDS', guid: '...', age: 1, pdbPath: 'delay.pdb' }, ... }]
 * ```
 */
import type { AnomalyLog } from '../errors.ts';
import { toHex, type View } from '../reader.ts';
import { CV_SIGNATURE_NB10, CV_SIGNATURE_RSDS, DEBUG_TYPE, SIZEOF, debugTypeName } from './constants.ts';
import type { PeImage } from './image.ts';
import type { CodeViewInfo, DataDirectory, DebugEntry } from './types.ts';

/** Longest CodeView record read (a path of a few KB at most in practice). */
const MAX_CODEVIEW = 0x10000;

/** A GUID in its registry form: Data1-Data2-Data3 little-endian, then 8 bytes in order. */
function guidString(v: View, rel: number): string {
  const h = (n: number, w: number): string => n.toString(16).padStart(w, '0');
  const tail = toHex(v.slice(rel + 8, 8));
  return `${h(v.u32(rel), 8)}-${h(v.u16(rel + 4), 4)}-${h(v.u16(rel + 6), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
}

function codeView(img: PeImage, e: Omit<DebugEntry, 'codeView'>): CodeViewInfo {
  const length = Math.min(e.sizeOfData, MAX_CODEVIEW);
  img.reader.spend(1 + length, e.pointerToRawData);
  const v = e.pointerToRawData !== 0 ? img.reader.view(e.pointerToRawData, length, 'CodeView record') : img.view(e.addressOfRawData, length, 'CodeView record');
  const signature = v.u32(0);
  const path = (rel: number): string => (v.has(rel, 1) ? v.fixedStr(rel, v.length - rel) : '');
  if (signature === CV_SIGNATURE_RSDS) return { signature: 'RSDS', guid: guidString(v, 4), age: v.u32(20), pdbPath: path(24) };
  if (signature === CV_SIGNATURE_NB10) return { signature: 'NB10', guid: v.u32(8).toString(16).padStart(8, '0'), age: v.u32(12), pdbPath: path(16) };
  return v.fail(0, `unknown CodeView signature 0x${signature.toString(16)}`);
}

export function parseDebug(img: PeImage, dir: DataDirectory | undefined, log: AnomalyLog): DebugEntry[] {
  if (!dir || dir.rva === 0 || dir.size === 0) return [];
  if (dir.size % SIZEOF.DEBUG_DIRECTORY !== 0) log.add(dir.entryOffset, 'pe.debug.size', `debug directory size ${dir.size} is not a multiple of ${SIZEOF.DEBUG_DIRECTORY}`);
  const declared = Math.floor(dir.size / SIZEOF.DEBUG_DIRECTORY);
  const v = img.viewUpTo(dir.rva, declared * SIZEOF.DEBUG_DIRECTORY, 'debug directory');
  const count = Math.floor(v.length / SIZEOF.DEBUG_DIRECTORY);
  if (count < declared) log.add(v.base, 'pe.debug.truncated', `only ${count} of ${declared} debug directory entries lie in their section's data`);
  const entries: DebugEntry[] = [];
  for (let i = 0; i < count; i++) {
    img.reader.spend(1, v.base + i * SIZEOF.DEBUG_DIRECTORY);
    const d = v.sub(i * SIZEOF.DEBUG_DIRECTORY, SIZEOF.DEBUG_DIRECTORY);
    const type = d.u32(12);
    const e = {
      type,
      typeName: debugTypeName(type),
      timeDateStamp: d.u32(4),
      version: { major: d.u16(8), minor: d.u16(10) },
      sizeOfData: d.u32(16),
      addressOfRawData: d.u32(20),
      pointerToRawData: d.u32(24),
    };
    const cv = type === DEBUG_TYPE.IMAGE_DEBUG_TYPE_CODEVIEW ? (log.attempt('pe.debug.codeView', () => codeView(img, e)) ?? null) : null;
    entries.push({ ...e, codeView: cv });
  }
  return entries;
}
