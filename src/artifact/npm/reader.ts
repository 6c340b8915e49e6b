/**
 * The npm kind as the audit pipeline sees it (src/artifact/kinds.ts): a
 * package tarball (`.tgz`, `.tar.gz`), read with the tar reader
 * (../archive/tar.ts: streamed, limited, hostile-proof); the model from its
 * package.json and layout (model.ts), the targets from its claims
 * (targets.ts). The bare `.node` kind (../node-addon/reader.ts) shares the
 * scan wrapper.
 *
 * The scan also reads each native binary's facts (and, for `.node` files,
 * its Node addon facts) as its content goes by — the pipeline parses it again
 * for the rules — so targets can be made from files whose path claims no
 * platform (build/Release outputs, a bare `.node`), and shared libraries can
 * take the targets of the addons that need them.
 */
import type { ArtifactReader } from '../kinds.ts';
import type { ArchiveScan, KeptContent, ScanOptions } from '../archive/types.ts';
import { scanTar } from '../archive/tar.ts';
import { BinaryParseError } from '../../binary/errors.ts';
import { isNativeContent, scanNative } from '../natives.ts';
import { NODE_ADDON_DEFINED_SYMBOLS, nodeAddonFacts } from '../../binary/addons/node.ts';
import { npmKeepText, readNpmModel, type NpmScan, type NpmScanInfo, type ScannedNative } from './model.ts';
import { npmBinaryTargets, npmTargets } from './targets.ts';

const keepDefined = (name: string) => NODE_ADDON_DEFINED_SYMBOLS.test(name);

/** A native's facts, and its addon facts when asked (null when they cannot be read). */
function readScanned(content: KeptContent, addon: boolean): ScannedNative | null {
  return scanNative(content, keepDefined, (src, bin) => {
    if (!addon) return { node: null };
    try {
      return { node: nodeAddonFacts(src, bin) };
    } catch (e) {
      if (!(e instanceof BinaryParseError)) throw e;
      return { node: null };
    }
  });
}

/** Wraps a scanner so it records every native binary's facts (see the module comment). */
export function recordingNatives(scanner: (path: string, options: ScanOptions) => Promise<ArchiveScan>, isAddon: (path: string) => boolean) {
  return async (path: string, options: ScanOptions): Promise<NpmScan> => {
    // No prototype: entry paths are the keys, and a tarball may name an entry __proto__.
    const info: NpmScanInfo = { natives: [], scanned: Object.create(null) as NpmScanInfo['scanned'] };
    const scan = await scanner(path, {
      ...options,
      consume(p, content, sha256) {
        if (isNativeContent(content)) {
          info.natives.push(p);
          const s = readScanned(content, isAddon(p));
          if (s) info.scanned[p] = s;
        }
        return options.consume?.(p, content, sha256) ?? false;
      },
    });
    return { ...scan, npm: info };
  };
}

export const scanNpm = recordingNatives(scanTar, (p) => p.endsWith('.node'));

export const npmReader: ArtifactReader = {
  kind: 'npm',
  matches: (fileName) => /\.(tgz|tar\.gz)$/i.test(fileName),
  scan: scanNpm,
  keepText: npmKeepText,
  model: (fileName, scan, text) => ({ kind: 'npm', npm: readNpmModel(fileName, scan, text) }),
  targets: (model) => (model.kind === 'npm' ? npmTargets(model.npm) : []),
  binaryTargets: (model, targets, bin) => (model.kind === 'npm' ? npmBinaryTargets(model.npm, targets, bin) : [...targets]),
  probe: (src, parsed) => ({ node: nodeAddonFacts(src, parsed) }),
  definedSymbols: NODE_ADDON_DEFINED_SYMBOLS,
  summary(ctx) {
    if (ctx.artifact.kind !== 'npm') return {};
    const m = ctx.artifact.npm;
    return {
      npm: {
        name: m.packageJson?.name ?? null,
        version: m.packageJson?.version ?? null,
        layouts: m.layouts,
        platformPackages: Object.fromEntries(m.platformPackages.map((p) => [p.name, p.spec])),
        engines: m.packageJson?.enginesNode ?? null,
      },
    };
  },
};
