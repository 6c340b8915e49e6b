/**
 * Entry names of archives (zip and tar alike): decoding, validation, and the
 * checks that need every name at once (duplicates, case collisions, a file
 * that another entry needs as a directory).
 *
 * A name is what an extractor turns into a path on disk, so anything that can
 * make two tools (or two file systems) disagree on that path is a problem:
 * `..` segments, absolute paths, drive letters and backslashes escape or bend
 * the extraction root (`path-traversal`); an empty or over-long name, invalid
 * UTF-8, NUL, control or bidirectional-override characters make an entry that
 * cannot be extracted faithfully or that disguises itself (`invalid-name`).
 *
 * Zip names are UTF-8 when general-purpose bit 11 is set and CP437 otherwise
 * (APPNOTE.TXT 4.4.4, appendix D) — the rule Python's zipfile follows, so the
 * names we see are the names pip installs. Tar names are UTF-8 (pax) bytes.
 */
import type { ArchiveProblem } from './types.ts';

export type NameIssueCode = 'path-traversal' | 'invalid-name';

export interface NameIssue {
  code: NameIssueCode;
  /** A sentence naming the entry. */
  message: string;
}

// CP437 bytes 0x80-0xFF (0x00-0x7F are ASCII, as in Python's cp437 codec).
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Decodes CP437 bytes (the zip default when the UTF-8 flag is clear). */
export function decodeCp437(raw: Uint8Array): string {
  let s = '';
  for (const b of raw) s += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80];
  return s;
}

/**
 * Decodes a raw name. `valid` is false when UTF-8 was required and the bytes
 * are not UTF-8; `name` is then a lossy decoding (U+FFFD for bad bytes), for
 * messages and listings only.
 */
export function decodeName(raw: Uint8Array, encoding: 'utf8' | 'cp437'): { name: string; valid: boolean } {
  if (encoding === 'cp437') return { name: decodeCp437(raw), valid: true };
  try {
    return { name: utf8.decode(raw), valid: true };
  } catch {
    return { name: utf8Lossy.decode(raw), valid: false };
  }
}

const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// C0 controls, DEL, C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * A name for a message: quoted, with control, bidirectional and other
 * invisible characters escaped, and cut to 200 characters.
 */
export function quoteName(name: string): string {
  let s = '';
  for (const ch of name) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) s += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (BIDI.test(ch) || cp === 0xfeff) s += `\\u${cp.toString(16).padStart(4, '0')}`;
    else if (ch === "'") s += "\\'";
    else s += ch;
  }
  if (s.length > 200) s = `${s.slice(0, 200)}…`;
  return `'${s}'`;
}

/** How an entry is named in a message: its quoted name, or its position when the name is empty. */
export function entryLabel(name: string, index: number): string {
  return name.length > 0 ? `entry ${quoteName(name)}` : `entry #${index + 1}`;
}

/** `entryLabel`, computed only when a message is built (`${label}`): most entries never need one. */
export function lazyLabel(name: string, index: number): { toString(): string } {
  return { toString: () => entryLabel(name, index) };
}

/** Longest file-name component most file systems accept (NAME_MAX). */
const MAX_SEGMENT_BYTES = 255;

/**
 * Validates a decoded name. `byteLength` is the stored name's length in bytes;
 * `validEncoding` false means the bytes were not valid UTF-8 where UTF-8 was
 * required. Returns at most one issue per code.
 */
export function checkEntryName(
  name: string,
  index: number,
  opts: { byteLength: number; validEncoding: boolean; maxPathLength: number; encodingName?: string },
): NameIssue[] {
  const label = lazyLabel(name, index);
  const issues: NameIssue[] = [];
  const invalid = (message: string) => {
    if (!issues.some((i) => i.code === 'invalid-name')) issues.push({ code: 'invalid-name', message });
  };
  if (opts.byteLength === 0) {
    invalid(`${label} has an empty name`);
    return issues;
  }
  if (opts.byteLength > opts.maxPathLength) {
    invalid(`${label} has a ${opts.byteLength}-byte name, beyond the ${opts.maxPathLength}-byte limit`);
  }
  if (!opts.validEncoding) {
    invalid(`${label} is not valid ${opts.encodingName ?? 'UTF-8'} (its invalid bytes are shown as U+FFFD)`);
  }
  if (name.includes('\0')) invalid(`${label} contains a NUL character, which truncates the name for C-based extractors`);
  const control = CONTROL.exec(name);
  if (control) invalid(`${label} contains the control character ${codePoint(control[0])}`);
  const bidi = BIDI.exec(name);
  if (bidi) invalid(`${label} contains the bidirectional control character ${codePoint(bidi[0])}, which can disguise the name`);

  let traversal: string | null = null;
  const segments = name.split('/');
  if (name.startsWith('/')) traversal = `${label} has an absolute path (path traversal)`;
  else if (/^[A-Za-z]:/.test(name)) traversal = `${label} starts with a drive letter (path traversal)`;
  else if (segments.includes('..') || name.split(/[\\/]/).includes('..')) traversal = `${label} escapes the archive root (path traversal)`;
  else if (name.includes('\\')) {
    traversal = `${label} contains a backslash, which Windows tools treat as a path separator (path traversal)`;
  }
  if (traversal) issues.push({ code: 'path-traversal', message: traversal });

  const long = segments.find((s) => s.length > MAX_SEGMENT_BYTES / 4 && Buffer.byteLength(s) > MAX_SEGMENT_BYTES);
  if (long !== undefined) invalid(`${label} has a path component longer than ${MAX_SEGMENT_BYTES} bytes, which file systems refuse`);
  return issues;
}

/** The path an extractor creates: without `.` and empty segments, without a trailing slash. */
export function canonicalPath(name: string): string {
  return name
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

function foldSegment(s: string): string {
  return s.normalize('NFC').toLowerCase();
}

interface Indexed {
  index: number;
  name: string;
  key: string;
  isDirectory: boolean;
}

/**
 * Collects the names of an archive's entries (only those with valid names) and
 * reports duplicates as they are added, and case collisions and file/directory
 * conflicts at the end. Sorting keeps this O(n log n) whatever the depth of the
 * paths.
 */
export class NameIndex {
  private readonly byKey = new Map<string, Indexed>();
  private readonly all: Indexed[] = [];

  /** Adds an entry; returns a `duplicate-entry` problem when its path was seen before. */
  add(index: number, name: string, isDirectory: boolean): ArchiveProblem | null {
    const key = canonicalPath(name);
    const item: Indexed = { index, name, key, isDirectory };
    this.all.push(item);
    const first = this.byKey.get(key);
    if (!first) {
      this.byKey.set(key, item);
      return null;
    }
    const label = entryLabel(name, index);
    const other = entryLabel(first.name, first.index);
    let message: string;
    if (first.isDirectory === isDirectory) {
      message =
        first.name === name
          ? `${label} appears more than once in the archive (first as entry #${first.index + 1}); extractors disagree on which copy wins`
          : `${label} names the same path as ${other}; extractors disagree on which copy wins`;
    } else {
      message = `${label} and ${other} name the same path, one as a file and one as a directory`;
    }
    return { code: 'duplicate-entry', path: name, message, fatal: false };
  }

  /** Case (and Unicode normalization) collisions, and files other entries need as directories. */
  finish(): ArchiveProblem[] {
    return [...this.caseCollisions(), ...this.fileDirectoryConflicts()];
  }

  private caseCollisions(): ArchiveProblem[] {
    const rows = this.all
      .filter((e) => e.key.length > 0)
      .map((e) => {
        const segs = e.key.split('/');
        const folded = segs.map(foldSegment);
        return { e, segs, folded, sortKey: folded.join('/') };
      });
    rows.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : a.e.index - b.e.index));
    const out: ArchiveProblem[] = [];
    const reported = new Set<string>();
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1]!;
      const b = rows[i]!;
      const n = Math.min(a.segs.length, b.segs.length);
      for (let d = 0; d < n; d++) {
        if (a.folded[d] !== b.folded[d]) break;
        if (a.segs[d] === b.segs[d]) continue;
        const pa = a.segs.slice(0, d + 1).join('/');
        const pb = b.segs.slice(0, d + 1).join('/');
        const pair = pa < pb ? `${pa}\0${pb}` : `${pb}\0${pa}`;
        if (reported.has(pair)) break;
        reported.add(pair);
        const whole = d === a.segs.length - 1 && d === b.segs.length - 1;
        const what = whole ? `${entryLabel(b.e.name, b.e.index)} and ${entryLabel(a.e.name, a.e.index)}` : `the paths ${quoteName(pb)} and ${quoteName(pa)}`;
        out.push({
          code: 'case-collision',
          path: b.e.name,
          message: `${what} differ only in case or Unicode normalization; they collide on case-insensitive file systems (Windows, macOS)`,
          fatal: false,
        });
        break;
      }
    }
    return out;
  }

  private fileDirectoryConflicts(): ArchiveProblem[] {
    const keys = [...this.byKey.keys()].sort();
    const out: ArchiveProblem[] = [];
    for (const item of this.byKey.values()) {
      if (item.isDirectory || item.key.length === 0) continue;
      const prefix = `${item.key}/`;
      let lo = 0;
      let hi = keys.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (keys[mid]! < prefix) lo = mid + 1;
        else hi = mid;
      }
      const child = keys[lo];
      if (child === undefined || !child.startsWith(prefix)) continue;
      const inner = this.byKey.get(child)!;
      out.push({
        code: 'duplicate-entry',
        path: item.name,
        message: `${entryLabel(item.name, item.index)} is a file, but ${entryLabel(inner.name, inner.index)} needs it to be a directory`,
        fatal: false,
      });
    }
    return out;
  }
}
