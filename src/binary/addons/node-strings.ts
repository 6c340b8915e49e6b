/**
 * Bounded scans of a binary's data for the Node addon analysis:
 *
 * - `scanNapiNames`: Node-API function names (`napi_*`, `node_api_*`) in
 *   read-only data — what an addon that resolves Node-API at run time
 *   (napi-rs `dyn-symbols`, GetProcAddress, dlsym) carries instead of imports.
 * - `scanSourceFileNames`: NUL-terminated strings ending in a C++ source
 *   suffix (`.cc`, `.cpp`, `.cxx`, `.c++`, `.mm`) — the `__FILE__` a
 *   NODE_MODULE struct points to (`nm_filename`).
 *
 * Regions are read through the Reader in chunks of CHUNK bytes (overlapping
 * by OVERLAP so a string across a chunk edge is seen whole), and every scan of
 * one analysis shares one ScanBudget: a 600 MB library costs at most
 * SCAN_LIMIT bytes of reading, and the result says when the budget ran out.
 */
import type { Reader } from '../reader.ts';
import type { Region } from './node-image.ts';

/** Bytes of data one analysis may read for string scans. */
export const SCAN_LIMIT = 64 << 20;
const CHUNK = 1 << 20;
const OVERLAP = 4096;
/** Longest Node-API name considered (the longest today has 41 characters). */
const MAX_NAME = 96;
/** Longest source path considered. */
const MAX_PATH = 4000;
/** Unknown `napi_*` names kept for the report. */
const MAX_UNKNOWN = 32;
/** Source-file names collected (an addon has a handful of __FILE__ strings; assert-heavy C++ a few hundred). */
export const MAX_SOURCE_NAMES = 4096;

export class ScanBudget {
  /** A scan stopped early: its byte budget, or a count limit, ran out. */
  truncated = false;
  constructor(private left = SCAN_LIMIT) {}
  /** How many of `n` bytes may still be read (0 when spent; then `truncated`). */
  take(n: number): number {
    const k = Math.min(n, this.left);
    this.left -= k;
    if (k < n) this.truncated = true;
    return k;
  }
}

interface Chunk {
  bytes: Buffer;
  /** Image address of bytes[0]. */
  addr: number;
  /** True for the first chunk of its region. */
  first: boolean;
}

function* chunks(reader: Reader, region: Region, budget: ScanBudget): Generator<Chunk> {
  let pos = 0;
  while (pos < region.length) {
    const want = Math.min(CHUNK, region.length - pos);
    const n = budget.take(want);
    if (n <= 0) return;
    const view = reader.view(region.offset + pos, n, `${region.name} data`);
    yield { bytes: Buffer.from(view.bytes.buffer, view.bytes.byteOffset, view.bytes.byteLength), addr: region.addr + pos, first: pos === 0 };
    if (n < want || pos + n >= region.length) return;
    pos += n - OVERLAP;
  }
}

/** Node-API names are lowercase identifiers; an uppercase letter ends one (Rust packs strings: "napi_register_module_v1Unref"). */
function isIdent(b: number): boolean {
  return (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x5f;
}

const NAPI = Buffer.from('napi_');
const NODE_API = Buffer.from('node_api_');

/** Names an addon exports for Node to call; they are not Node-API functions it uses. */
const REGISTRATION_NAMES = new Set(['napi_register_module_v1', 'node_api_module_get_api_version_v1', 'napi_register_wasm_v1']);

export interface NapiNameScan {
  /** Known Node-API function names found (each once). */
  known: Set<string>;
  /** `napi_*` / `node_api_*` identifiers outside the table (at most MAX_UNKNOWN). */
  unknown: string[];
}

/**
 * Node-API names in the regions. A hit is a known name when the longest table
 * name it starts with ends at an identifier boundary or where another
 * `napi_` / `node_api_` name begins (strings packed without NULs); otherwise
 * a whole identifier standing alone is an unknown name.
 */
export function scanNapiNames(reader: Reader, regions: readonly Region[], table: ReadonlyMap<string, number>, budget: ScanBudget): NapiNameScan {
  const known = new Set<string>();
  const unknown = new Set<string>();
  for (const region of regions) {
    for (const chunk of chunks(reader, region, budget)) {
      const b = chunk.bytes;
      for (const needle of [NAPI, NODE_API]) {
        for (let p = b.indexOf(needle); p >= 0; p = b.indexOf(needle, p + 1)) {
          let end = p;
          while (end < b.length && end - p < MAX_NAME && isIdent(b[end]!)) end++;
          const run = b.toString('latin1', p, end);
          let matched = false;
          for (let k = run.length; k > needle.length; k--) {
            const name = run.slice(0, k);
            if (!table.has(name)) continue;
            if (k === run.length || run.startsWith('napi_', k) || run.startsWith('node_api_', k)) {
              known.add(name);
              matched = true;
            }
            break;
          }
          const standsAlone = (p === 0 || !isIdent(b[p - 1]!)) && end < b.length && !isIdent(b[end]!);
          if (!matched && standsAlone && !REGISTRATION_NAMES.has(run) && unknown.size < MAX_UNKNOWN) unknown.add(run);
        }
      }
    }
  }
  return { known, unknown: [...unknown].sort() };
}

const SOURCE_SUFFIXES = ['.cc', '.cpp', '.cxx', '.c++', '.mm'].map((s) => Buffer.from(`${s}\0`));

function printable(b: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** Image address → text of each NUL-terminated printable string ending in a C++ source suffix. */
export function scanSourceFileNames(reader: Reader, regions: readonly Region[], budget: ScanBudget): Map<number, string> {
  const found = new Map<number, string>();
  for (const region of regions) {
    for (const chunk of chunks(reader, region, budget)) {
      const b = chunk.bytes;
      for (const suffix of SOURCE_SUFFIXES) {
        for (let p = b.indexOf(suffix); p >= 0; p = b.indexOf(suffix, p + 1)) {
          const end = p + suffix.length - 1; // the NUL
          const nul = b.lastIndexOf(0, p);
          if (nul < 0 && !chunk.first) continue; // began before this chunk's overlap: seen whole in the previous chunk or too long
          const start = nul + 1;
          if (end - start > MAX_PATH || end - start <= suffix.length - 1 || !printable(b, start, end)) continue;
          const addr = chunk.addr + start;
          if (found.has(addr)) continue; // seen in the previous chunk's overlap
          if (found.size >= MAX_SOURCE_NAMES) {
            budget.truncated = true;
            return found;
          }
          found.set(addr, b.toString('latin1', start, end));
        }
      }
    }
  }
  return found;
}
