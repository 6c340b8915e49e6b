/**
 * Notes (PT_NOTE segments / SHT_NOTE sections) and the three GNU notes later
 * checks use: NT_GNU_BUILD_ID, NT_GNU_ABI_TAG and NT_GNU_PROPERTY_TYPE_0
 * (x86 ISA level and CET features, AArch64 BTI/PAC).
 *
 * Spec: System V gABI ch. 5 "Note Section"
 * (https://refspecs.linuxfoundation.org/elf/gabi4+/ch5.pheader.html#note_section);
 * GNU notes in the LSB Core spec and glibc `elf.h`; program properties in the
 * "Linux Extensions to gABI" (https://github.com/hjl-tools/linux-abi).
 *
 * Each note is namesz, descsz, type, then the name and the descriptor, each
 * padded to the note alignment: 4, or 8 when the segment/section says 8 (as
 * GNU property notes in ELF64 do — readelf's rule). A note whose sizes run past
 * its segment ends the walk with an anomaly.
 *
 * @example
 *   const notes = readNotes(reader, view, 4, log);
 *   notes[0];  // { name: 'GNU', type: 3, typeName: 'NT_GNU_BUILD_ID', desc: { offset: 0x2a4, length: 20 } }
 */
import type { AnomalyLog } from '../errors.ts';
import { toHex, type Reader, type View } from '../reader.ts';
import {
  ABI_TAG_OS,
  AARCH64_FEATURE_1_NAMES,
  EM,
  flagNames,
  GNU_PROPERTY_1_NEEDED,
  GNU_PROPERTY_1_NEEDED_NAMES,
  GNU_PROPERTY_AARCH64_FEATURE_1_AND,
  GNU_PROPERTY_STACK_SIZE,
  GNU_PROPERTY_X86_FEATURE_1_AND,
  GNU_PROPERTY_X86_FEATURE_2_NEEDED,
  GNU_PROPERTY_X86_FEATURE_2_USED,
  GNU_PROPERTY_X86_ISA_1_NEEDED,
  GNU_PROPERTY_X86_ISA_1_USED,
  gnuPropertyTypeName,
  noteTypeName,
  NT_GNU_ABI_TAG,
  NT_GNU_BUILD_ID,
  NT_GNU_PROPERTY_TYPE_0,
  unknownName,
  X86_FEATURE_1_NAMES,
  X86_FEATURE_2_NAMES,
  X86_ISA_NAMES,
} from './constants.ts';
import { word } from './words.ts';
import type { ByteRange } from '../source.ts';

export interface ElfNote {
  /** The owner, e.g. 'GNU' (without the terminating NUL). */
  name: string;
  type: number;
  /** NT_GNU_BUILD_ID, … (the meaning of a type depends on the owner). */
  typeName: string;
  desc: ByteRange;
}

export interface ElfAbiTag {
  /** 'Linux', 'Hurd', 'Solaris', 'FreeBSD', … */
  os: string;
  /** Earliest kernel version, 'x.y.z'. */
  version: string;
}

export interface ElfGnuProperty {
  type: number;
  /** GNU_PROPERTY_X86_ISA_1_NEEDED, … */
  typeName: string;
  /** pr_data as an unsigned number when it is 4 (or 8) bytes, else null. */
  value: number | null;
  /** Bit names for the bitmask properties, as readelf prints them. */
  names: string[];
  data: ByteRange;
}

export interface ElfGnuProperties {
  /** Where the NT_GNU_PROPERTY_TYPE_0 descriptor was read. */
  source: ByteRange;
  properties: ElfGnuProperty[];
  /** GNU_PROPERTY_X86_ISA_1_NEEDED: 'x86-64-baseline', 'x86-64-v2', 'x86-64-v3', 'x86-64-v4'. */
  x86IsaNeeded: string[];
  x86IsaUsed: string[];
  /** GNU_PROPERTY_X86_FEATURE_1_AND: 'IBT', 'SHSTK', … */
  x86Features: string[];
  /** GNU_PROPERTY_AARCH64_FEATURE_1_AND: 'BTI', 'PAC'. */
  aarch64Features: string[];
  stackSize: number | null;
}

/** Notes in one segment/section (`view`), with names/descs padded to `align` (4 or 8). */
export function readNotes(reader: Reader, view: View, align: 4 | 8, log: AnomalyLog): ElfNote[] {
  const out: ElfNote[] = [];
  let at = 0;
  while (at < view.length) {
    reader.spend(1, view.base + at);
    if (!view.has(at, 12)) {
      log.add(view.base + at, 'elf.note.truncated', `${view.length - at} trailing bytes are too few for a note header`);
      break;
    }
    const namesz = view.u32(at);
    const descsz = view.u32(at + 4);
    const type = view.u32(at + 8);
    const nameAt = at + 12;
    const descAt = alignUp(nameAt + namesz, align);
    const next = alignUp(descAt + descsz, align);
    if (!view.has(nameAt, namesz) || !view.has(descAt, descsz)) {
      log.add(view.base + at, 'elf.note.range', `note with namesz ${namesz} and descsz ${descsz} runs past its ${view.length}-byte segment`);
      break;
    }
    // Owner names are short ('GNU', 'stapsdt'); a longer one is kept to its first 256 bytes.
    const name = view.fixedStr(nameAt, Math.min(namesz, 256));
    out.push({ name, type, typeName: noteTypeName(name, type), desc: { offset: view.base + descAt, length: descsz } });
    at = Math.max(next, at + 12);
  }
  return out;
}

function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

function findGnu(notes: readonly ElfNote[], type: number): ElfNote | undefined {
  return notes.find((n) => n.name === 'GNU' && n.type === type);
}

/** NT_GNU_BUILD_ID descriptor as hex, or null. */
export function buildId(reader: Reader, notes: readonly ElfNote[]): string | null {
  const n = findGnu(notes, NT_GNU_BUILD_ID);
  if (!n) return null;
  return toHex(reader.view(n.desc.offset, Math.min(n.desc.length, 1024), 'NT_GNU_BUILD_ID').bytes);
}

/** NT_GNU_ABI_TAG: os word then major, minor, subminor. */
export function abiTag(reader: Reader, notes: readonly ElfNote[]): ElfAbiTag | null {
  const n = findGnu(notes, NT_GNU_ABI_TAG);
  if (!n) return null;
  if (n.desc.length < 16) reader.fail(n.desc.offset, `NT_GNU_ABI_TAG descriptor of ${n.desc.length} bytes is shorter than 16`);
  const v = reader.view(n.desc.offset, 16, 'NT_GNU_ABI_TAG');
  const os = v.u32(0);
  return { os: ABI_TAG_OS.get(os) ?? unknownName(os), version: `${v.u32(4)}.${v.u32(8)}.${v.u32(12)}` };
}

/**
 * Decodes the NT_GNU_PROPERTY_TYPE_0 notes: an array of {pr_type u32,
 * pr_datasz u32, pr_data padded to 8 (ELF64) or 4 (ELF32)}. Meanings of the
 * processor-range types depend on e_machine.
 */
export function gnuProperties(reader: Reader, notes: readonly ElfNote[], machine: number, is64: boolean, log: AnomalyLog): ElfGnuProperties | null {
  const props = notes.filter((n) => n.name === 'GNU' && n.type === NT_GNU_PROPERTY_TYPE_0);
  if (props.length === 0) return null;
  const first = props[0]!;
  const result: ElfGnuProperties = {
    source: first.desc,
    properties: [],
    x86IsaNeeded: [],
    x86IsaUsed: [],
    x86Features: [],
    aarch64Features: [],
    stackSize: null,
  };
  const pad = is64 ? 8 : 4;
  const x86 = machine === EM.X86_64 || machine === EM.I386 || machine === EM.IAMCU;
  for (const note of props) {
    const v = reader.view(note.desc.offset, note.desc.length, 'NT_GNU_PROPERTY_TYPE_0');
    let at = 0;
    while (at < v.length) {
      reader.spend(1, v.base + at);
      if (!v.has(at, 8)) {
        log.add(v.base + at, 'elf.gnu-property.truncated', `${v.length - at} trailing bytes are too few for a property header`);
        break;
      }
      const type = v.u32(at);
      const datasz = v.u32(at + 4);
      if (!v.has(at + 8, datasz)) {
        log.add(v.base + at, 'elf.gnu-property.range', `property 0x${type.toString(16)} with pr_datasz ${datasz} runs past its note`);
        break;
      }
      const value = datasz === 4 ? v.u32(at + 8) : datasz === 8 ? word(v, at + 8, true) : null;
      const num = value === null || value < 0 ? null : value;
      let names: string[] = [];
      if (num !== null && datasz === 4) {
        if (x86 && (type === GNU_PROPERTY_X86_ISA_1_NEEDED || type === GNU_PROPERTY_X86_ISA_1_USED)) {
          names = flagNames(num, X86_ISA_NAMES);
          (type === GNU_PROPERTY_X86_ISA_1_NEEDED ? result.x86IsaNeeded : result.x86IsaUsed).push(...names);
        } else if (x86 && type === GNU_PROPERTY_X86_FEATURE_1_AND) {
          names = flagNames(num, X86_FEATURE_1_NAMES);
          result.x86Features.push(...names);
        } else if (x86 && (type === GNU_PROPERTY_X86_FEATURE_2_NEEDED || type === GNU_PROPERTY_X86_FEATURE_2_USED)) {
          names = flagNames(num, X86_FEATURE_2_NAMES);
        } else if (machine === EM.AARCH64 && type === GNU_PROPERTY_AARCH64_FEATURE_1_AND) {
          names = flagNames(num, AARCH64_FEATURE_1_NAMES);
          result.aarch64Features.push(...names);
        } else if (type === GNU_PROPERTY_1_NEEDED) {
          names = flagNames(num, GNU_PROPERTY_1_NEEDED_NAMES);
        }
      }
      if (type === GNU_PROPERTY_STACK_SIZE && num !== null) result.stackSize = num;
      result.properties.push({
        type,
        typeName: gnuPropertyTypeName(type, machine),
        value: num,
        names,
        data: { offset: v.base + at + 8, length: datasz },
      });
      at += 8 + alignUp(datasz, pad);
    }
  }
  return result;
}
