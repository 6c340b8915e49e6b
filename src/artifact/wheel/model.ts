/**
 * The wheel model: what a wheel says about itself, read from its filename and
 * its .dist-info directory (METADATA, WHEEL, RECORD) over an archive scan.
 * Nothing here judges: problems are recorded for the rules in src/rules/wheel/
 * to report, and the claims become targets in ./targets.ts.
 *
 * Spec: https://packaging.python.org/en/latest/specifications/binary-distribution-format/
 *
 * @example
 * // scan: the archive reader's result, with the entries for which wheelKeepText(path) is true kept
 * const wheel = readWheelModel('demo-1.0-cp311-cp311-manylinux_2_17_x86_64.whl', scan, (p) => keptText(p));
 * wheel.wheel?.rootIsPurelib // false
 */
import type { ArchiveScan } from '../archive/types.ts';
import { canonicalizeName, parseWheelFilename, type FilenamePart, type WheelFilename } from './filename.ts';
import { headerValue, headerValues, parseHeaders, type HeaderProblem } from './metadata.ts';
import { sameVersion } from './pep440.ts';
import { parseRecord, type RecordProblem, type RecordRow } from './record.ts';

interface DistInfoFile {
  /** Path in the wheel, e.g. 'demo-1.0.dist-info/WHEEL'. */
  path: string;
  /** False when the entry exists but its text could not be read (not kept, too large, not UTF-8). */
  readable: boolean;
}

export interface MetadataFile extends DistInfoFile {
  metadataVersion: string | null;
  name: string | null;
  version: string | null;
  problems: HeaderProblem[];
}

export interface WheelInfoFile extends DistInfoFile {
  wheelVersion: string | null;
  generator: string | null;
  /** true / false as written (case-insensitive); null when missing or neither. */
  rootIsPurelib: boolean | null;
  /** The Root-Is-Purelib value as written, null when the header is missing. */
  rootIsPurelibRaw: string | null;
  /** Tag lines, as written, e.g. ['cp311-cp311-manylinux_2_17_x86_64']. */
  tags: string[];
  build: string | null;
  problems: HeaderProblem[];
}

export interface RecordFile extends DistInfoFile {
  rows: RecordRow[];
  problems: RecordProblem[];
  /** RECORD.jws / RECORD.p7s present beside RECORD. */
  signatures: string[];
}

export interface WheelModel {
  /** The file name the wheel was uploaded as (a path is reduced to its last part). */
  filename: string;
  /** The parsed filename, or null when it is invalid (see filenameError). */
  parsed: WheelFilename | null;
  filenameError: { part: FilenamePart; reason: string } | null;
  /** Top-level '*.dist-info' directories, e.g. ['demo-1.0.dist-info'], sorted. */
  distInfoDirs: string[];
  /** The one the model reads: the one matching the filename's name and version, else the only one, else the first. */
  distInfo: string | null;
  /** Top-level '*.data' directories. */
  dataDirs: string[];
  /** null when the file is absent (or there is no .dist-info). */
  metadata: MetadataFile | null;
  wheel: WheelInfoFile | null;
  record: RecordFile | null;
}

const KEPT = /^[^/]+\.dist-info\/(?:METADATA|WHEEL|RECORD)$|(^|\/)__init__\.py$/;

/**
 * Whether the pipeline must keep an entry's text: METADATA, WHEEL and RECORD
 * of top-level .dist-info directories for `readWheelModel`, and package
 * `__init__.py` files, where the Windows rules look for `os.add_dll_directory`.
 */
export function wheelKeepText(path: string): boolean {
  return KEPT.test(path);
}

/** Splits 'name-version.dist-info' into its parts; null if the directory name has no '-'. */
export function splitDistInfoName(dir: string): { name: string; version: string } | null {
  const m = /^(.+)-([^-]+)\.dist-info$/.exec(dir);
  return m ? { name: m[1]!, version: m[2]! } : null;
}

function topLevelDirs(scan: ArchiveScan, suffix: string): string[] {
  const dirs = new Set<string>();
  for (const e of scan.entries) {
    const slash = e.path.indexOf('/');
    if (slash <= 0) continue;
    const top = e.path.slice(0, slash);
    if (top.endsWith(suffix)) dirs.add(top);
  }
  return [...dirs].sort();
}

export function readWheelModel(filename: string, scan: ArchiveScan, text: (path: string) => string | null): WheelModel {
  const base = filename.slice(filename.lastIndexOf('/') + 1);
  const res = parseWheelFilename(base);
  const parsed = res.ok ? res.filename : null;
  const distInfoDirs = topLevelDirs(scan, '.dist-info');
  const dataDirs = topLevelDirs(scan, '.data');

  let distInfo: string | null = null;
  if (distInfoDirs.length === 1) distInfo = distInfoDirs[0]!;
  else if (distInfoDirs.length > 1) {
    distInfo =
      (parsed &&
        distInfoDirs.find((d) => {
          const s = splitDistInfoName(d);
          return s !== null && canonicalizeName(s.name) === parsed.canonicalName && sameVersion(s.version, parsed.version);
        })) ||
      distInfoDirs[0]!;
  }

  const files = new Set(scan.entries.filter((e) => !e.isDirectory).map((e) => e.path));
  const present = (name: string) => (distInfo && files.has(`${distInfo}/${name}`) ? `${distInfo}/${name}` : null);

  let metadata: MetadataFile | null = null;
  const metadataPath = present('METADATA');
  if (metadataPath) {
    const t = text(metadataPath);
    const h = t === null ? null : parseHeaders(t);
    metadata = {
      path: metadataPath,
      readable: t !== null,
      metadataVersion: h && headerValue(h, 'Metadata-Version'),
      name: h && headerValue(h, 'Name'),
      version: h && headerValue(h, 'Version'),
      problems: h?.problems ?? [],
    };
  }

  let wheel: WheelInfoFile | null = null;
  const wheelPath = present('WHEEL');
  if (wheelPath) {
    const t = text(wheelPath);
    const h = t === null ? null : parseHeaders(t);
    const rip = h && headerValue(h, 'Root-Is-Purelib');
    const ripLower = rip?.toLowerCase();
    wheel = {
      path: wheelPath,
      readable: t !== null,
      wheelVersion: h && headerValue(h, 'Wheel-Version'),
      generator: h && headerValue(h, 'Generator'),
      rootIsPurelib: ripLower === 'true' ? true : ripLower === 'false' ? false : null,
      rootIsPurelibRaw: rip,
      tags: h ? headerValues(h, 'Tag') : [],
      build: h && headerValue(h, 'Build'),
      problems: h?.problems ?? [],
    };
  }

  let record: RecordFile | null = null;
  const recordPath = present('RECORD');
  if (recordPath) {
    const t = text(recordPath);
    const r = t === null ? { rows: [], problems: [] } : parseRecord(t);
    record = {
      path: recordPath,
      readable: t !== null,
      rows: r.rows,
      problems: r.problems,
      signatures: ['RECORD.jws', 'RECORD.p7s'].filter((s) => files.has(`${distInfo}/${s}`)).map((s) => `${distInfo}/${s}`),
    };
  }

  return {
    filename: base,
    parsed,
    filenameError: res.ok ? null : { part: res.part, reason: res.reason },
    distInfoDirs,
    distInfo,
    dataDirs,
    metadata,
    wheel,
    record,
  };
}
