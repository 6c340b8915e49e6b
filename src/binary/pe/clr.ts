/**
 * The CLR runtime header (DataDirectory[14], IMAGE_COR20_HEADER) of .NET
 * assemblies. Spec: ECMA-335 6th ed., II.25.3.3 "CLI header" and II.24.2.1
 * "Metadata root"; https://learn.microsoft.com/windows/win32/debug/pe-format#the-cormeta-section-object-only
 *
 * IMAGE_COR20_HEADER (72 bytes): cb@0, MajorRuntimeVersion u16@4,
 * MinorRuntimeVersion u16@6, MetaData {RVA, Size}@8, Flags@16,
 * EntryPointToken/EntryPointRVA@20, Resources@24, StrongNameSignature@32,
 * CodeManagerTable@40, VTableFixups@48, ExportAddressTableJumps@56,
 * ManagedNativeHeader@64. The metadata root starts with 'BSJB', then
 * MajorVersion u16, MinorVersion u16, Reserved u32, Length u32, and a
 * NUL-padded version string of Length bytes ('v4.0.30319').
 *
 * An IL-only assembly (COMIMAGE_FLAGS_ILONLY) carries no native code of its
 * own; a mixed-mode one does.
 *
 * ```ts
 * parseClr(img, dir, log);
 * // { cb: 72, runtimeVersion: '2.5', flagNames: ['COMIMAGE_FLAGS_ILONLY'], metadataVersion: 'v4.0.30319', ... }
 * ```
 */
import type { AnomalyLog } from '../errors.ts';
import type { View } from '../reader.ts';
import { COMIMAGE_FLAGS, METADATA_SIGNATURE, SIZEOF, flagNames } from './constants.ts';
import type { PeImage } from './image.ts';
import type { ClrHeader, DataDirectory, RvaRange } from './types.ts';

/** ECMA-335 caps the metadata version string at 255 bytes. */
const MAX_VERSION_LENGTH = 255;

function rvaRange(v: View, rel: number): RvaRange {
  return { rva: v.u32(rel), size: v.u32(rel + 4) };
}

export function parseClr(img: PeImage, dir: DataDirectory | undefined, log: AnomalyLog): ClrHeader | null {
  if (!dir || dir.rva === 0) return null;
  if (dir.size < SIZEOF.COR20_HEADER) log.add(dir.entryOffset, 'pe.clr.size', `CLR directory size ${dir.size} is below the ${SIZEOF.COR20_HEADER}-byte IMAGE_COR20_HEADER`);
  const v = img.view(dir.rva, SIZEOF.COR20_HEADER, 'IMAGE_COR20_HEADER');
  const flags = v.u32(16);
  const metadata = rvaRange(v, 8);
  const metadataVersion = metadata.rva === 0 ? null : (log.attempt('pe.clr.metadata', () => {
    const root = img.view(metadata.rva, 16, 'metadata root');
    if (root.u32(0) !== METADATA_SIGNATURE) root.fail(0, `metadata root signature 0x${root.u32(0).toString(16)} is not BSJB`);
    const length = root.u32(12);
    if (length > MAX_VERSION_LENGTH) root.fail(12, `metadata version string of ${length} bytes (at most ${MAX_VERSION_LENGTH})`);
    return img.view(metadata.rva + 16, length, 'metadata version string').fixedStr(0, length);
  }) ?? null);
  return {
    cb: v.u32(0),
    runtimeVersion: `${v.u16(4)}.${v.u16(6)}`,
    flags,
    flagNames: flagNames(flags, COMIMAGE_FLAGS),
    metadata,
    entryPoint: v.u32(20),
    resources: rvaRange(v, 24),
    strongNameSignature: rvaRange(v, 32),
    vtableFixups: rvaRange(v, 48),
    managedNativeHeader: rvaRange(v, 64),
    metadataVersion,
  };
}
