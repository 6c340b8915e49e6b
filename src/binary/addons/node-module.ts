/**
 * NODE_MODULE_VERSION of a V8 (NAN) addon from its static `node_module`
 * struct, the one NODE_MODULE / NODE_MODULE_CONTEXT_AWARE (node.h) define and
 * a constructor passes to `node_module_register`:
 *
 * ```c
 * struct node_module {
 *   int nm_version;            // NODE_MODULE_VERSION: what Node compares with its own
 *   unsigned int nm_flags;     // NM_F_* (0 for addons)
 *   void* nm_dso_handle;
 *   const char* nm_filename;   // __FILE__: "../src/binding.cc"
 *   ...
 * };
 * ```
 *
 * nm_filename is the anchor: a pointer slot holding the address of a string
 * that ends in a C++ source suffix. nm_version is then 16 bytes before the
 * slot in 64-bit images and 12 bytes before in 32-bit ones (int, unsigned,
 * pointer). How the slot is found depends on how the pointer is stored:
 *
 * - ELF: through the dynamic relocations (R_*_RELATIVE); the target is the
 *   RELA addend, or the word in place for REL and RELR.
 * - PE and Mach-O: by scanning the writable data for pointer-sized words that
 *   read as the string's address (PE: ImageBase + RVA, with a base
 *   relocation; Mach-O: the unslid address, or a chained-fixup rebase).
 *
 * A candidate counts only when nm_version is a plausible module version,
 * nm_flags holds only NM_F_* bits, and nm_modname (three pointers after
 * nm_filename) points at an identifier — another pointer to a source name
 * (an assert message's __FILE__) does not pass for a struct.
 */
import type { AnomalyLog } from '../errors.ts';
import { readRelocations, type ElfRelocation } from '../elf/relocations.ts';
import { AddressMap } from '../elf/segments.ts';
import { PT } from '../elf/constants.ts';
import type { AddonImage } from './node-image.ts';
import { scanSourceFileNames, type ScanBudget } from './node-strings.ts';

export interface NodeModuleStruct {
  /** nm_version. */
  version: number;
  flags: number;
  /** Image address of the struct. */
  address: number;
  /** File offset of the struct (relative to the slice). */
  offset: number;
  /** nm_filename's text. */
  filename: string;
  /** nm_modname's text. */
  modname: string;
}

/** NM_F_BUILTIN | NM_F_LINKED | NM_F_INTERNAL | NM_F_DELETEME (node_binding.h). */
const NM_FLAGS = 0xf;
/** nm_version is an int; real ones run from 1 to a few hundred. */
const MAX_MODULE_VERSION = 0xffff;
/** Dynamic relocations listed to find a node_module struct (V8 addons have thousands). */
const MAX_RELOCATIONS = 1 << 21;
/** Data words examined in a pointer scan (budget-capped too). */
const MAX_WORDS = 1 << 22;

function wordAt(img: AddonImage, addr: number): { lo: number; hi: number } | null {
  const size = img.bits / 8;
  const at = img.locate(addr);
  if (!at || at.avail < size) return null;
  const v = img.reader.view(at.offset, size, 'pointer');
  if (size === 4) return { lo: v.u32(0), hi: 0 };
  const lo = v.u32(img.littleEndian ? 0 : 4);
  const hi = v.u32(img.littleEndian ? 4 : 0);
  return { lo, hi };
}

interface Slot {
  /** Address of the pointer. */
  slot: number;
  /** The address it points to once relocated. */
  target: number;
}

/** How the image's stored pointers read once relocated. */
interface Pointers {
  /** Slots whose pointer is one of `targets`. */
  slotsTo(targets: ReadonlySet<number>): Slot[];
  /** What the pointer at `addr` points to; null when nothing (or not a pointer) is there. */
  at(addr: number): number | null;
}

/** ELF: through the dynamic relocations (R_*_RELATIVE); the RELA addend, or the word in place for REL and RELR. */
function elfPointers(img: AddonImage, log: AnomalyLog): Pointers {
  const elf = img.elf!;
  const total = elf.relocations.reduce((n, t) => n + t.count, 0);
  if (total > MAX_RELOCATIONS) {
    log.add(0, 'node.relocations', `${total} dynamic relocations, more than the ${MAX_RELOCATIONS} examined for a node_module struct`);
    return { slotsTo: () => [], at: () => null };
  }
  let relocs: ElfRelocation[] = elf.relocations.flatMap((t) => t.entries ?? []);
  if (!elf.relocations.every((t) => t.entries !== undefined) && elf.dynamic) {
    let map = AddressMap.fromSegments(elf.programHeaders);
    if (map.empty) map = AddressMap.fromSections(elf.sections);
    const loaded = elf.programHeaders.filter((p) => p.type === PT.LOAD).reduce((n, p) => n + p.filesz, 0);
    const tables = readRelocations(
      img.reader,
      { entries: elf.dynamic.entries, map, machine: elf.header.machine, is64: img.bits === 64, symbolName: () => null, maxRelr: Math.min(MAX_RELOCATIONS, Math.floor(Math.min(loaded, img.reader.size) / (img.bits / 8))) },
      { entries: true },
      log,
    );
    relocs = tables.flatMap((t) => t.entries ?? []);
  }
  const targets = new Map<number, number>();
  for (const r of relocs) {
    if (r.category !== 'relative') continue;
    let target: number | null = r.addend;
    if (target === null) {
      const w = wordAt(img, r.offset);
      target = w ? img.storedPointer(w.lo, w.hi)[0] ?? null : null;
    }
    if (target !== null) targets.set(r.offset, target);
  }
  return {
    slotsTo(wanted) {
      const out: Slot[] = [];
      for (const [slot, target] of targets) if (wanted.has(target)) out.push({ slot, target });
      return out;
    },
    at: (addr) => targets.get(addr) ?? null,
  };
}

/** PE and Mach-O: the word in place reads as the address (PE: ImageBase + RVA; Mach-O: unslid, or a chained rebase). */
function storedPointers(img: AddonImage, budget: ScanBudget): Pointers {
  const size = img.bits / 8;
  return {
    slotsTo(wanted) {
      const out: Slot[] = [];
      let words = 0;
      for (const region of img.data) {
        let pos = (size - (region.addr % size)) % size;
        while (pos + size <= region.length && words < MAX_WORDS) {
          const want = Math.min(region.length - pos, 1 << 20);
          const n = budget.take(want - (want % size));
          if (n <= 0) return out;
          const v = img.reader.view(region.offset + pos, n, `${region.name} data`);
          for (let o = 0; o + size <= n && words < MAX_WORDS; o += size, words++) {
            const lo = v.u32(size === 4 || img.littleEndian ? o : o + 4);
            const hi = size === 4 ? 0 : v.u32(img.littleEndian ? o + 4 : o);
            if (lo === 0 && hi === 0) continue;
            const target = img.storedPointer(lo, hi).find((c) => wanted.has(c));
            if (target !== undefined) out.push({ slot: region.addr + pos + o, target });
          }
          pos += n;
        }
      }
      return out;
    },
    at(addr) {
      const w = wordAt(img, addr);
      if (!w || (w.lo === 0 && w.hi === 0)) return null;
      return img.storedPointer(w.lo, w.hi).find((c) => img.locate(c) !== null) ?? null;
    },
  };
}

/** nm_modname: NODE_STRINGIFY(modname), an identifier (NODE_GYP_MODULE_NAME, the target name). */
const MODNAME_RE = /^[A-Za-z0-9_$.+-]{1,128}$/;

function stringAt(img: AddonImage, addr: number): string | null {
  const at = img.locate(addr);
  if (!at) return null;
  const v = img.reader.view(at.offset, Math.min(at.avail, 129), 'nm_modname');
  const nul = v.bytes.indexOf(0);
  return nul > 0 ? Buffer.from(v.bytes.subarray(0, nul)).toString('latin1') : null;
}

/**
 * Every plausible `node_module` struct of the image, found from its
 * nm_filename. `log` collects relocation tables that could not be read.
 */
export function findNodeModuleStructs(img: AddonImage, budget: ScanBudget, log: AnomalyLog): NodeModuleStruct[] {
  const names = scanSourceFileNames(img.reader, img.rodata, budget);
  if (names.size === 0) return [];
  const ptr = img.bits / 8;
  const pointers = img.format === 'elf' ? elfPointers(img, log) : storedPointers(img, budget);
  const back = 8 + ptr; // nm_version, nm_flags and nm_dso_handle come before nm_filename: 16 bytes (64-bit), 12 (32-bit)
  const out: NodeModuleStruct[] = [];
  const seen = new Set<number>();
  for (const { slot, target } of pointers.slotsTo(new Set(names.keys()))) {
    const address = slot - back;
    if (seen.has(address)) continue;
    seen.add(address);
    const at = img.locate(address);
    if (!at || at.avail < back) continue;
    const v = img.reader.view(at.offset, 8, 'node_module');
    const version = v.i32(0);
    const flags = v.u32(4);
    if (version < 1 || version > MAX_MODULE_VERSION || (flags & ~NM_FLAGS) !== 0) continue;
    // nm_modname, three pointers after nm_filename, names the module.
    const modnameAt = pointers.at(slot + 3 * ptr);
    const modname = modnameAt === null ? null : stringAt(img, modnameAt);
    if (modname === null || !MODNAME_RE.test(modname)) continue;
    out.push({ version, flags, address, offset: at.offset, filename: names.get(target) ?? '', modname });
  }
  return out;
}
