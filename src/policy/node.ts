/**
 * Node policy data: what a Node addon's numbers mean.
 *
 * - N-API symbol → the Node-API version that introduced it, read at run time
 *   from the npm package `node-api-headers` (`symbols`: `v1` … `v10`, each
 *   cumulative, generated from the headers by its scripts/write-symbols.js).
 *   Names outside the table are experimental (NAPI_EXPERIMENTAL) or unknown.
 * - Node-API version → the Node releases that offer it: the "Node-API version
 *   matrix" of doc/api/n-api.md (nodejs/node), transcribed below.
 * - NODE_MODULE_VERSION → runtime releases (Node, Electron, NW.js) from the npm
 *   package `node-abi` (`allTargets`, generated from nodejs/node
 *   doc/abi_version_registry.json and Electron's releases).
 * - The glibc the official Node Linux binaries need, per major version
 *   (BUILDING.md "Platform list" of each release line).
 * - `engines.node` ranges: a small parser for the npm range grammar (`>=`, `<`,
 *   `^`, `~`, x-ranges, hyphen ranges, `||`) and what a range admits (N-API
 *   levels, NODE_MODULE_VERSIONs), evaluated per Node major line because
 *   Node-API levels arrived in minor releases of several lines at once.
 *
 * ```ts
 * napiSymbolVersion('napi_create_threadsafe_function'); // 4
 * napiLevelOf('18.16.0');                               // 8
 * moduleVersionReleases(75);   // [{ runtime: 'electron', from: '7.0.0-beta.1', until: '8.0.0-beta.1', ... }]
 * enginesAdmission('^18.17.0 || >=20.3.0').minNapi;      // 9
 * ```
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------- N-API symbols

/** `#define NAPI_VERSION_EXPERIMENTAL 2147483647` (js_native_api.h): what NAPI_EXPERIMENTAL builds declare. */
export const NAPI_VERSION_EXPERIMENTAL = 2147483647;

/** The default NAPI_VERSION of the headers when an addon defines none (js_native_api.h: `#define NAPI_VERSION 8`). */
export const NAPI_DEFAULT_VERSION = 8;

interface NodeApiHeadersSymbols {
  [version: string]: { js_native_api_symbols: string[]; node_api_symbols: string[] };
}

let symbolTable: Map<string, number> | null = null;

/** name → first Node-API version, from node-api-headers (loaded once). */
export function napiSymbolTable(): ReadonlyMap<string, number> {
  if (symbolTable) return symbolTable;
  const { symbols } = require('node-api-headers') as { symbols: NodeApiHeadersSymbols };
  const table = new Map<string, number>();
  const versions = Object.keys(symbols)
    .map((k) => /^v(\d+)$/.exec(k))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  for (const v of versions) {
    const entry = symbols[`v${v}`]!;
    for (const name of [...entry.js_native_api_symbols, ...entry.node_api_symbols]) {
      if (!table.has(name)) table.set(name, v);
    }
  }
  symbolTable = table;
  return table;
}

/** The Node-API version that introduced `name`; null for names outside the table (experimental or unknown). */
export function napiSymbolVersion(name: string): number | null {
  return napiSymbolTable().get(name) ?? null;
}

/** The highest Node-API version the table knows (10 with node-api-headers 1.9). */
export function napiMaxKnownVersion(): number {
  let max = 0;
  for (const v of napiSymbolTable().values()) max = Math.max(max, v);
  return max;
}

/** A function name of the Node-API families (`napi_*`, `node_api_*`). */
export function isNapiName(name: string): boolean {
  return name.startsWith('napi_') || name.startsWith('node_api_');
}

// ---------------------------------------------------------------- versions

/** A release version as numbers; `pre` holds a prerelease tag's identifiers (`['beta', 1]`), empty for a release. */
export interface ReleaseVersion {
  major: number;
  minor: number;
  patch: number;
  pre: Array<string | number>;
}

const VERSION_RE = /^v?(\d{1,9})\.(\d{1,9})\.(\d{1,9})(?:-([0-9A-Za-z.-]{1,64}))?(?:\+[0-9A-Za-z.-]{1,64})?$/;

export function parseReleaseVersion(text: string): ReleaseVersion | null {
  const m = VERSION_RE.exec(text.trim());
  if (!m) return null;
  const pre = m[4] ? m[4].split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : [];
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre };
}

/** Semver precedence (build metadata ignored): negative, zero or positive. */
export function compareReleaseVersions(a: ReleaseVersion, b: ReleaseVersion): number {
  if (a.major !== b.major) return a.major - b.major;
  if (a.minor !== b.minor) return a.minor - b.minor;
  if (a.patch !== b.patch) return a.patch - b.patch;
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

function mustParse(text: string): ReleaseVersion {
  const v = parseReleaseVersion(text);
  if (!v) throw new Error(`policy/node: malformed version ${text}`);
  return v;
}

function formatVersion(v: Pick<ReleaseVersion, 'major' | 'minor' | 'patch'>): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

// ---------------------------------------------------------------- the Node-API matrix

export interface NapiMatrixRow {
  version: number;
  /**
   * The first release of each line that offers this version; the last entry
   * also covers every later line ("… and all later versions").
   */
  since: string[];
  /** Entries of `since` in which Node-API was still experimental (the doc's `*`). */
  experimental: string[];
}

/**
 * doc/api/n-api.md, "Node-API version matrix" (nodejs/node main, 2025; the same
 * rows since v10 was added in 22.14.0 / 23.6.0). Row 4 also lists 8.16.0, the
 * Node 8 backport of Node-API 4 that the matrix of the v12-era docs showed
 * ("v8.x … v8.16.0") and the current one dropped with Node 8.
 * Row 1: "Node.js 8.0.0 included Node-API as experimental … continued to evolve
 * until Node.js 8.6.0", so 8.6.0 is its first release on the 8 line.
 */
export const NAPI_MATRIX: readonly NapiMatrixRow[] = [
  { version: 10, since: ['22.14.0', '23.6.0'], experimental: [] },
  { version: 9, since: ['18.17.0', '20.3.0', '21.0.0'], experimental: [] },
  { version: 8, since: ['12.22.0', '14.17.0', '15.12.0', '16.0.0'], experimental: [] },
  { version: 7, since: ['10.23.0', '12.19.0', '14.12.0', '15.0.0'], experimental: [] },
  { version: 6, since: ['10.20.0', '12.17.0', '14.0.0'], experimental: [] },
  { version: 5, since: ['10.17.0', '12.11.0', '13.0.0'], experimental: [] },
  { version: 4, since: ['8.16.0', '10.16.0', '11.8.0', '12.0.0'], experimental: [] },
  { version: 3, since: ['6.14.2', '8.11.2', '9.11.0', '10.0.0'], experimental: ['6.14.2', '9.11.0'] },
  { version: 2, since: ['8.10.0', '9.3.0', '10.0.0'], experimental: ['8.10.0', '9.3.0'] },
  { version: 1, since: ['8.6.0', '9.0.0', '10.0.0'], experimental: ['9.0.0'] },
];

type Triple = Pick<ReleaseVersion, 'major' | 'minor' | 'patch'>;

function cmpTriple(a: Triple, b: Triple): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

function rowOffers(row: NapiMatrixRow, v: Triple, includeExperimental: boolean): boolean {
  const since = row.since.map(mustParse);
  const last = since[since.length - 1]!;
  return since.some((s, i) => {
    if (!includeExperimental && row.experimental.includes(row.since[i]!)) return false;
    return (s.major === v.major && cmpTriple(v, s) >= 0) || (s === last && cmpTriple(v, s) >= 0);
  });
}

/**
 * The highest Node-API version a Node release offers (0 when none): the
 * matrix read per line. Experimental rows count only when asked.
 */
export function napiLevelOf(version: string | Triple, options: { includeExperimental?: boolean } = {}): number {
  const v = typeof version === 'string' ? parseReleaseVersion(version) : version;
  if (!v) return 0;
  for (const row of NAPI_MATRIX) if (rowOffers(row, v, options.includeExperimental === true)) return row.version;
  return 0;
}

/** The first release on Node line `major` that offers Node-API `level`; null when that line never did. */
export function firstReleaseOffering(level: number, major: number): string | null {
  // A line that offers a higher level offers this one too (levels are cumulative).
  let best: ReleaseVersion | null = null;
  for (const row of NAPI_MATRIX) {
    if (row.version < level) continue;
    const since = row.since.map(mustParse);
    const last = since[since.length - 1]!;
    for (const s of since) {
      const onLine = s.major === major ? s : s === last && major > last.major ? { ...s, major, minor: 0, patch: 0 } : null;
      if (onLine && (!best || compareReleaseVersions(onLine, best) < 0)) best = onLine;
    }
  }
  return best ? formatVersion(best) : null;
}

// ---------------------------------------------------------------- NODE_MODULE_VERSION

export type NodeRuntimeName = 'node' | 'electron' | 'node-webkit';

interface NodeAbiTarget {
  runtime: string;
  target: string;
  abi: string;
}

export interface ModuleVersionRelease {
  runtime: NodeRuntimeName;
  /** The first release with this NODE_MODULE_VERSION, as node-abi lists it (Electron's often a beta). */
  from: string;
  /** The first later release of the runtime with another NODE_MODULE_VERSION (exclusive); null when none is known. */
  until: string | null;
  /** node-abi marks releases not yet out as `future`. */
  future: boolean;
}

let abiTargets: Array<{ runtime: NodeRuntimeName; target: string; version: ReleaseVersion; abi: number; future: boolean }> | null = null;

function allAbiTargets() {
  if (abiTargets) return abiTargets;
  const nodeAbi = require('node-abi') as { allTargets: NodeAbiTarget[]; futureTargets: NodeAbiTarget[] };
  const future = new Set(nodeAbi.futureTargets.map((t) => `${t.runtime}@${t.target}`));
  abiTargets = nodeAbi.allTargets
    .filter((t): t is NodeAbiTarget & { runtime: NodeRuntimeName } => t.runtime === 'node' || t.runtime === 'electron' || t.runtime === 'node-webkit')
    .map((t) => ({ runtime: t.runtime, target: t.target, version: parseReleaseVersion(t.target), abi: Number(t.abi), future: future.has(`${t.runtime}@${t.target}`) }))
    .filter((t): t is typeof t & { version: ReleaseVersion } => t.version !== null && Number.isInteger(t.abi))
    .sort((a, b) => (a.runtime === b.runtime ? compareReleaseVersions(a.version, b.version) : a.runtime < b.runtime ? -1 : 1));
  return abiTargets;
}

/**
 * Every runtime release range whose NODE_MODULE_VERSION is `abi`, from
 * node-abi. Node and Electron share numbers in places (e.g. 57, 64; Electron
 * 7 uses 75, which no Node release has): all matches are returned, Node first.
 */
export function moduleVersionReleases(abi: number): ModuleVersionRelease[] {
  const out: ModuleVersionRelease[] = [];
  const list = allAbiTargets();
  for (let i = 0; i < list.length; i++) {
    const t = list[i]!;
    if (t.abi !== abi) continue;
    const prev = list[i - 1];
    if (prev && prev.runtime === t.runtime && prev.abi === abi) continue; // merged into the range that starts earlier
    let until: string | null = null;
    for (let j = i + 1; j < list.length && list[j]!.runtime === t.runtime; j++) {
      if (list[j]!.abi !== abi) {
        until = list[j]!.target;
        break;
      }
    }
    out.push({ runtime: t.runtime, from: t.target, until, future: t.future });
  }
  const order: Record<NodeRuntimeName, number> = { node: 0, electron: 1, 'node-webkit': 2 };
  return out.sort((a, b) => order[a.runtime] - order[b.runtime]);
}

/** NODE_MODULE_VERSION of Node release line `major` (from node-abi), or null when it lists none. */
export function nodeModuleVersion(major: number): number | null {
  let found: number | null = null;
  for (const t of allAbiTargets()) if (t.runtime === 'node' && t.version.major === major && t.version.pre.length === 0) found ??= t.abi;
  return found;
}

/** The Node major lines node-abi knows (the last may be marked future). */
export function knownNodeMajors(): number[] {
  return [...new Set(allAbiTargets().filter((t) => t.runtime === 'node' && t.version.major > 0).map((t) => t.version.major))].sort((a, b) => a - b);
}

// ---------------------------------------------------------------- Node's own glibc floor

export interface NodeGlibcFloor {
  arch: 'x86_64' | 'arm64' | 'arm';
  fromMajor: number;
  /** Inclusive; null = every later line. */
  toMajor: number | null;
  glibc: string;
  source: string;
}

/**
 * The glibc the official Linux release binaries of Node need. An addon whose
 * glibc floor is at or below this adds no restriction for users of the
 * official builds of that line.
 *
 * - 18 and later: built on RHEL 8, glibc ≥ 2.28 (nodejs/node#42351, PR #42659
 *   "doc: update minimum glibc requirements for Linux"; BUILDING.md platform
 *   list of v18 … v24: x64, arm64 and armv7 "kernel >= 4.18, glibc >= 2.28").
 * - 12 to 17: built on CentOS 7, glibc ≥ 2.17 on x64 and arm64; armv7 needs
 *   2.24 (BUILDING.md of v14/v16: "x64 kernel >= 3.10, glibc >= 2.17",
 *   "arm64 kernel >= 4.5, glibc >= 2.17", "armv7 kernel >= 4.14, glibc >= 2.24").
 *   Node 17 is the last line built on CentOS 7 (PR #42659 moved 18 to RHEL 8).
 * Lines before 12 are not listed (null: unknown here).
 */
export const NODE_GLIBC_FLOORS: readonly NodeGlibcFloor[] = [
  { arch: 'x86_64', fromMajor: 18, toMajor: null, glibc: '2.28', source: 'nodejs/node#42351; BUILDING.md v18+ (RHEL 8 builders)' },
  { arch: 'arm64', fromMajor: 18, toMajor: null, glibc: '2.28', source: 'BUILDING.md v18+ (RHEL 8 builders)' },
  { arch: 'arm', fromMajor: 18, toMajor: null, glibc: '2.28', source: 'BUILDING.md v18+ ("armv7 kernel >= 4.18, glibc >= 2.28")' },
  { arch: 'x86_64', fromMajor: 12, toMajor: 17, glibc: '2.17', source: 'BUILDING.md v12–v16 (CentOS 7 builders; 18 moved to RHEL 8, PR #42659)' },
  { arch: 'arm64', fromMajor: 12, toMajor: 17, glibc: '2.17', source: 'BUILDING.md v14/v16 ("arm64 kernel >= 4.5, glibc >= 2.17")' },
  { arch: 'arm', fromMajor: 14, toMajor: 17, glibc: '2.24', source: 'BUILDING.md v14/v16 ("armv7 kernel >= 4.14, glibc >= 2.24")' },
];

/** The glibc an official Node `major` build for `arch` needs; null when not listed. */
export function nodeGlibcFloor(major: number, arch: string): NodeGlibcFloor | null {
  return NODE_GLIBC_FLOORS.find((f) => f.arch === arch && major >= f.fromMajor && (f.toMajor === null || major <= f.toMajor)) ?? null;
}

// ---------------------------------------------------------------- engines.node ranges

/** One comparator set of a range, as an interval of release versions (prerelease tags are ignored). */
export interface VersionInterval {
  /** Lower bound, null = none. */
  lo: Triple | null;
  loInclusive: boolean;
  hi: Triple | null;
  hiInclusive: boolean;
}

export type RangeParse = { ok: true; intervals: VersionInterval[] } | { ok: false; reason: string };

type PartialVersion = { major: number | null; minor: number | null; patch: number | null };

const PARTIAL_RE = /^v?(\d{1,9}|[xX*])(?:\.(\d{1,9}|[xX*])(?:\.(\d{1,9}|[xX*])(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)?)?$/;

function parsePartial(text: string): PartialVersion | null {
  const m = PARTIAL_RE.exec(text);
  if (!m) return null;
  const n = (s: string | undefined): number | null => (s === undefined || /^[xX*]$/.test(s) ? null : Number(s));
  const major = n(m[1]);
  // A wildcard ends the version: what follows it is ignored (`1.x.3` is `1.x`), as node-semver does.
  const minor = major === null ? null : n(m[2]);
  const patch = minor === null ? null : n(m[3]);
  return { major, minor, patch };
}

const ANY: VersionInterval = { lo: null, loInclusive: true, hi: null, hiInclusive: false };

function t(major: number, minor: number, patch: number): Triple {
  return { major, minor, patch };
}

/** The interval an x-range (`1`, `1.2`, `1.2.x`, `*`) or a full version means. */
function xRange(p: PartialVersion): VersionInterval {
  if (p.major === null) return ANY;
  if (p.minor === null) return { lo: t(p.major, 0, 0), loInclusive: true, hi: t(p.major + 1, 0, 0), hiInclusive: false };
  if (p.patch === null) return { lo: t(p.major, p.minor, 0), loInclusive: true, hi: t(p.major, p.minor + 1, 0), hiInclusive: false };
  const v = t(p.major, p.minor, p.patch);
  return { lo: v, loInclusive: true, hi: v, hiInclusive: true };
}

function comparator(op: string, p: PartialVersion): VersionInterval | null {
  const x = xRange(p);
  switch (op) {
    case '':
    case '=':
      return x;
    case '>=':
      return { ...ANY, lo: x.lo, loInclusive: true };
    case '>':
      // `>1.2` means after every 1.2.x: from 1.3.0; `>1.2.3` excludes 1.2.3 itself.
      if (p.major === null) return null; // `>*` admits nothing
      return p.patch === null ? { ...ANY, lo: x.hi, loInclusive: true } : { ...ANY, lo: x.lo, loInclusive: false };
    case '<':
      if (p.major === null) return null;
      return { ...ANY, hi: x.lo, hiInclusive: false };
    case '<=':
      if (p.major === null) return ANY;
      return p.patch === null ? { ...ANY, hi: x.hi, hiInclusive: false } : { ...ANY, hi: x.hi, hiInclusive: true };
    case '~':
    case '~>': {
      if (p.major === null) return ANY;
      const lo = t(p.major, p.minor ?? 0, p.patch ?? 0);
      const hi = p.minor === null ? t(p.major + 1, 0, 0) : t(p.major, p.minor + 1, 0);
      return { lo, loInclusive: true, hi, hiInclusive: false };
    }
    case '^': {
      if (p.major === null) return ANY;
      const lo = t(p.major, p.minor ?? 0, p.patch ?? 0);
      let hi: Triple;
      if (p.major > 0 || p.minor === null) hi = t(p.major + 1, 0, 0);
      else if (p.minor > 0 || p.patch === null) hi = t(0, p.minor + 1, 0);
      else hi = t(0, 0, p.patch + 1);
      return { lo, loInclusive: true, hi, hiInclusive: false };
    }
    default:
      return null;
  }
}

function intersect(a: VersionInterval, b: VersionInterval): VersionInterval {
  let lo = a.lo;
  let loInclusive = a.loInclusive;
  if (b.lo && (!lo || cmpTriple(b.lo, lo) > 0 || (cmpTriple(b.lo, lo) === 0 && !b.loInclusive))) {
    lo = b.lo;
    loInclusive = b.loInclusive;
  }
  let hi = a.hi;
  let hiInclusive = a.hiInclusive;
  if (b.hi && (!hi || cmpTriple(b.hi, hi) < 0 || (cmpTriple(b.hi, hi) === 0 && !b.hiInclusive))) {
    hi = b.hi;
    hiInclusive = b.hiInclusive;
  }
  return { lo, loInclusive, hi, hiInclusive };
}

function isEmpty(i: VersionInterval): boolean {
  if (!i.lo || !i.hi) return false;
  const c = cmpTriple(i.lo, i.hi);
  return c > 0 || (c === 0 && !(i.loInclusive && i.hiInclusive));
}

const MAX_RANGE_LENGTH = 1024;

/**
 * Parses an npm version range (the grammar of node-semver's README, "Range
 * Grammar"): `||`-separated sets of space-separated comparators (`<`, `<=`,
 * `>`, `>=`, `=`), x-ranges (`18`, `18.x`, `*`), tilde and caret ranges, and
 * hyphen ranges (`16 - 20`). Prerelease tags are accepted and ignored (an
 * engines range admits releases). Anything else is an error with a reason:
 * npm itself ignores an invalid engines range, which a release gate reports.
 * Like node-semver, what follows a wildcard is ignored (`18.x.3` is `18.x`);
 * unlike it, that holds in every position (node-semver refuses `<=x.16.x`
 * but takes `x - x.8.x`). Where both accept a range they agree (tested
 * against node-semver on a grid and on random ranges).
 */
export function parseNodeRange(range: string): RangeParse {
  if (range.length > MAX_RANGE_LENGTH) return { ok: false, reason: `range longer than ${MAX_RANGE_LENGTH} characters` };
  const intervals: VersionInterval[] = [];
  for (const rawSet of range.split('||')) {
    const set = rawSet.trim();
    if (set === '') {
      intervals.push(ANY);
      continue;
    }
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(set);
    if (hyphen) {
      const a = parsePartial(hyphen[1]!);
      const b = parsePartial(hyphen[2]!);
      if (!a || !b) return { ok: false, reason: `malformed hyphen range '${set}'` };
      const lo = comparator('>=', a);
      const hi = comparator('<=', b);
      if (!lo || !hi) return { ok: false, reason: `malformed hyphen range '${set}'` };
      const i = intersect(lo, hi);
      if (!isEmpty(i)) intervals.push(i);
      continue;
    }
    // Operators may be separated from their version by spaces (`>= 18`): glue them first.
    const tokens = set.replace(/(<=|>=|~>|[<>=~^])\s+/g, '$1').split(/\s+/);
    let acc: VersionInterval | null = ANY;
    for (const tok of tokens) {
      const m = /^(<=|>=|~>|<|>|=|~|\^)?(.*)$/.exec(tok)!;
      const p = parsePartial(m[2]!);
      if (!p) return { ok: false, reason: `malformed comparator '${tok}'` };
      const c = comparator(m[1] ?? '', p);
      acc = c && acc ? intersect(acc, c) : null;
    }
    if (acc && !isEmpty(acc)) intervals.push(acc);
  }
  return { ok: true, intervals };
}

function inInterval(v: Triple, i: VersionInterval): boolean {
  if (i.lo) {
    const c = cmpTriple(v, i.lo);
    if (c < 0 || (c === 0 && !i.loInclusive)) return false;
  }
  if (i.hi) {
    const c = cmpTriple(v, i.hi);
    if (c > 0 || (c === 0 && !i.hiInclusive)) return false;
  }
  return true;
}

/** Whether release `version` satisfies `range` (null when either does not parse). */
export function satisfiesNodeRange(version: string, range: string): boolean | null {
  const v = parseReleaseVersion(version);
  const r = parseNodeRange(range);
  if (!v || !r.ok) return null;
  return r.intervals.some((i) => inInterval(v, i));
}

/** The lowest version of line `major` inside the interval, or null. */
function lowestOnLine(i: VersionInterval, major: number): Triple | null {
  let cand = t(major, 0, 0);
  if (i.lo && cmpTriple(i.lo, cand) >= 0) {
    cand = i.lo.major === major ? (i.loInclusive ? i.lo : t(i.lo.major, i.lo.minor, i.lo.patch + 1)) : i.lo;
  }
  if (cand.major !== major) return null;
  return inInterval(cand, i) ? cand : null;
}

export interface EnginesLine {
  major: number;
  /** The lowest release of this line the range admits. */
  lowest: string;
  /** The Node-API level that release offers (0: none). */
  napi: number;
  /** The line's NODE_MODULE_VERSION (node-abi), null when unknown. */
  moduleVersion: number | null;
}

export interface EnginesAdmission {
  range: string;
  /** null when the range parsed; otherwise why not (and nothing else is filled in). */
  error: string | null;
  /** Each Node line (of those node-abi knows, and 0.x) the range admits a release of. */
  lines: EnginesLine[];
  /** The range also admits lines newer than any node-abi knows. */
  openEnded: boolean;
  /** The lowest Node-API level every admitted release offers (the minimum over lines); null when nothing is admitted. */
  minNapi: number | null;
  /** Every NODE_MODULE_VERSION of the admitted lines. */
  moduleVersions: number[];
}

/**
 * What an `engines.node` range admits: for each Node line, the lowest release
 * it lets install, that release's Node-API level and the line's
 * NODE_MODULE_VERSION. An addon declaring or importing Node-API N fails on
 * every admitted release below N's first release on its line.
 */
export function enginesAdmission(range: string): EnginesAdmission {
  const parsed = parseNodeRange(range);
  if (!parsed.ok) return { range, error: parsed.reason, lines: [], openEnded: false, minNapi: null, moduleVersions: [] };
  const majors = [0, ...knownNodeMajors()];
  const top = majors[majors.length - 1]!;
  const lines: EnginesLine[] = [];
  for (const major of majors) {
    let lowest: Triple | null = null;
    for (const i of parsed.intervals) {
      const l = lowestOnLine(i, major);
      if (l && (!lowest || cmpTriple(l, lowest) < 0)) lowest = l;
    }
    if (lowest) lines.push({ major, lowest: formatVersion(lowest), napi: napiLevelOf(lowest), moduleVersion: major === 0 ? null : nodeModuleVersion(major) });
  }
  const openEnded = parsed.intervals.some((i) => lowestOnLine(i, top + 1) !== null || (i.lo !== null && i.lo.major > top && i.hi === null));
  const minNapi = lines.length > 0 ? Math.min(...lines.map((l) => l.napi)) : null;
  const moduleVersions = [...new Set(lines.map((l) => l.moduleVersion).filter((v): v is number => v !== null))].sort((a, b) => a - b);
  return { range, error: null, lines, openEnded, minNapi, moduleVersions };
}

/**
 * The admitted lines whose lowest release lacks Node-API `level`, each with
 * the first release of that line that has it (null: the line never did).
 */
export function linesLackingNapi(admission: EnginesAdmission, level: number): Array<EnginesLine & { firstOffering: string | null }> {
  return admission.lines.filter((l) => l.napi < level).map((l) => ({ ...l, firstOffering: firstReleaseOffering(level, l.major) }));
}
