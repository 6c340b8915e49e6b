/**
 * A bare `.node` file uploaded on its own: no package.json, no directory,
 * nothing claims a platform or a Node version for it. Its model is what the
 * scan read of its bytes — the binary's facts and its Node addon facts — and
 * its targets are made from those (the claim reading `binary facts of
 * <file>`), judged against the default Node lines (node-lines.ts): an addon
 * for Linux x86_64 linked against glibc becomes `linux-x86_64-glibc2.28-napi`,
 * so a glibc floor above Node's own, a Node-API level newer than the
 * maintained Node lines offer, or a missing bundled library is still found.
 *
 * @example
 * const m = readNodeAddonModel('demo.node', scan);
 * m.scanned?.node?.kind;   // 'napi'
 * nodeAddonTargets(m).map((t) => t.id);  // ['linux-x86_64-glibc2.28-napi', 'linux-x86_64-musl-napi'] for a glibc-free build
 */
import type { ArchiveScan } from '../archive/types.ts';
import type { Target } from '../../target.ts';
import type { NpmScan, ScannedNative } from '../npm/model.ts';
import { nodeLines } from '../npm/node-lines.ts';
import { factsServings, runtimeOfFacts, targetsOfServings } from '../npm/targets.ts';

export interface NodeAddonModel {
  filename: string;
  /** What the scan read of the file; null when it is not a native binary (or could not be parsed). */
  scanned: ScannedNative | null;
}

export function readNodeAddonModel(filename: string, scan: ArchiveScan): NodeAddonModel {
  const base = filename.slice(filename.lastIndexOf('/') + 1);
  const info = (scan as Partial<NpmScan>).npm;
  const path = scan.entries[0]?.path;
  return { filename: base, scanned: (path !== undefined && info?.scanned[path]) || null };
}

/** Targets from the binary's own facts, against the default Node lines. */
export function nodeAddonTargets(model: NodeAddonModel): Target[] {
  const s = model.scanned;
  if (!s) return [];
  const lines = nodeLines(null);
  const servings = factsServings(s.facts, s.elfOsAbi, runtimeOfFacts(s.node, null), `binary facts of ${model.filename} (a bare .node file claims no platform)`);
  return targetsOfServings(servings, lines).targets;
}
