/**
 * Which Node releases a package is judged against, and what those releases
 * themselves need from the system: the floors the targets of a Node addon
 * inherit.
 *
 * - The Node lines: those `engines.node` admits (src/policy/node.ts
 *   `enginesAdmission`). Without an engines field (or with one npm cannot
 *   parse, which npm then ignores), distaudit judges against
 *   DEFAULT_NODE_ENGINES, the lines maintained when this release was written
 *   (Node 20, 22, 24 and later; 18 reached its end of life in April 2025), and
 *   says so in the findings that rest on it.
 * - glibc: an addon that needs no newer glibc than the official Node builds
 *   of the oldest admitted line adds no restriction of its own, so a Linux
 *   glibc target's floor is that line's (nodeGlibcFloor: 2.28 for Node 18 and
 *   later, 2.17 for 12–17). Lines before 12 are judged at Node 12's floor, the
 *   oldest distaudit knows. Architectures the table lacks: ppc64le and s390x
 *   2.28 from Node 18 on, 2.17 before (BUILDING.md, "Platform list": Node 20's
 *   copy on this machine lists "ppc64le >=power8 … glibc >= 2.28" and "s390x
 *   … glibc >= 2.28"); i386 2.17 (x86 is experimental since Node 10,
 *   "glibc >= 2.17"); loongarch64 2.36 ("loong64 … glibc >= 2.36");
 *   riscv64 2.27, its first glibc (no official builds).
 * - macOS: arm64 11.0 (the first macOS for Apple silicon); x86_64 10.15 for
 *   Node 18–22 (Node 20's BUILDING.md, verified here: "macOS x64 >= 10.15")
 *   and 11.0 from Node 23 on (later BUILDING.md: "macOS x64 >= 11.0"; which
 *   release raised it is not verified here, so the older floor is kept for
 *   22: a missed warning rather than a false error); 10.13 for 16–17; none
 *   known before.
 * - An ABI build (an `abiNN` prebuild) runs only in the Node lines with that
 *   NODE_MODULE_VERSION: its floors are those lines', whatever else the
 *   engines field admits. Electron and NW.js ship their own runtime: no floor
 *   is known for them.
 */
import type { Arch } from '../../binary/arch.ts';
import { enginesAdmission, nodeGlibcFloor, type EnginesAdmission, type EnginesLine } from '../../policy/node.ts';
import type { NodeRuntime } from '../../target.ts';

/** The range judged when a package has no (valid) engines.node. */
export const DEFAULT_NODE_ENGINES = '>=20';

/** The oldest Node line still maintained when this release was written: failures only on older lines are warnings. */
export const OLDEST_MAINTAINED_MAJOR = 20;

export interface NodeLines {
  /** The range judged: engines.node as written, or DEFAULT_NODE_ENGINES. */
  range: string;
  /** True when the package's own engines.node is judged; false when the default stands in. */
  declared: boolean;
  /** Why the default stands in: 'absent', or npm's reading of an invalid range. */
  defaultReason: string | null;
  admission: EnginesAdmission;
  /** The admitted Node lines (major ≥ 4: 0.x and io.js 1–3 are left out), oldest first. */
  lines: EnginesLine[];
}

const cache = new Map<string, NodeLines>();

/** The Node lines a package's engines.node admits (the default when it has none). */
export function nodeLines(enginesNode: string | null): NodeLines {
  const key = enginesNode ?? '\0';
  const hit = cache.get(key);
  if (hit) return hit;
  let range = enginesNode ?? DEFAULT_NODE_ENGINES;
  let admission = enginesAdmission(range);
  let declared = enginesNode !== null;
  let defaultReason: string | null = enginesNode === null ? 'the package has no engines.node' : null;
  if (admission.error !== null || admission.lines.filter((l) => l.major >= 4).length === 0) {
    defaultReason = admission.error !== null ? `engines.node '${enginesNode}' does not parse (${admission.error}): npm ignores it` : `engines.node '${enginesNode}' admits no Node release`;
    range = DEFAULT_NODE_ENGINES;
    admission = enginesAdmission(range);
    declared = false;
  }
  const out: NodeLines = { range, declared, defaultReason, admission, lines: admission.lines.filter((l) => l.major >= 4) };
  if (cache.size > 256) cache.clear();
  cache.set(key, out);
  return out;
}

/** How messages name the range: "engines.node '>=18'" or "Node >=20 (no engines.node)". */
export function rangeText(l: NodeLines): string {
  return l.declared ? `engines.node '${l.range}'` : `Node ${l.range} (${l.defaultReason})`;
}

let allLines: EnginesLine[] | null = null;

/** The Node lines a target's runtime can run in: all admitted lines, or for an ABI build those with its NODE_MODULE_VERSION. */
export function linesOf(l: NodeLines, node: NodeRuntime | null): EnginesLine[] {
  if (!node || node.runtime !== 'node') return node ? [] : l.lines;
  if (node.napi || node.moduleVersion === null) return l.lines;
  const admitted = l.lines.filter((x) => x.moduleVersion === node.moduleVersion);
  if (admitted.length > 0) return admitted;
  // A build for a line the engines field does not admit still runs there.
  allLines ??= enginesAdmission('*').lines.filter((x) => x.major >= 4);
  return allLines.filter((x) => x.moduleVersion === node.moduleVersion);
}

export interface Floor {
  version: string;
  /** Where it comes from, for the target's claims. */
  note: string;
}

const OLDEST_KNOWN_MAJOR = 12;

/** Floors for architectures src/policy/node.ts does not list. */
function extraGlibcFloor(major: number, arch: Arch): string | null {
  switch (arch) {
    case 'ppc64le':
    case 's390x':
      return major >= 18 ? '2.28' : '2.17';
    case 'i386':
      return '2.17';
    case 'loongarch64':
      return '2.36';
    case 'riscv64':
      return '2.27';
    default:
      return null;
  }
}

/** The glibc an official Node build of line `major` for `arch` needs; null when unknown. */
export function nodeGlibcFloorFor(major: number, arch: Arch): Floor | null {
  const m = Math.max(major, OLDEST_KNOWN_MAJOR);
  const listed = nodeGlibcFloor(m, arch);
  const version = listed?.glibc ?? extraGlibcFloor(m, arch);
  if (version === null) return null;
  const older = major < OLDEST_KNOWN_MAJOR ? ` (Node ${major}'s own is not known; judged at Node ${OLDEST_KNOWN_MAJOR}'s)` : '';
  return { version, note: `glibc ${version}: what Node ${m}'s official Linux builds need${older}` };
}

/** The oldest macOS an official Node build of line `major` runs on; null when unknown. */
export function nodeMacosFloorFor(major: number, arch: Arch): Floor | null {
  let version: string | null = null;
  if (arch === 'arm64' || arch === 'arm64e') version = '11.0';
  else if (arch === 'x86_64') version = major >= 23 ? '11.0' : major >= 18 ? '10.15' : major >= 16 ? '10.13' : null;
  if (!version) return null;
  const note = arch === 'x86_64' ? `macOS ${version}: the oldest macOS Node ${major}'s official builds run on` : `macOS ${version}: the first macOS on Apple silicon`;
  return { version, note };
}

/** The lowest line of a list (null when empty). */
export function lowestLine(lines: readonly EnginesLine[]): EnginesLine | null {
  return lines.length > 0 ? lines.reduce((a, b) => (a.major <= b.major ? a : b)) : null;
}
