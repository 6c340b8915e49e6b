/**
 * Lays an artifact's files out on disk the way its installer would, so each
 * binary is loaded from where users' runtimes find it: a wheel's files as pip
 * installs them (`.data/purelib` and `platlib` merged into site-packages), an
 * npm package under node_modules/<name>/, a JAR's entries as its native
 * loader extracts them, a bare addon as itself. The directory is bound
 * read-only at /art in the sandbox.
 *
 * The archive is read by the same streaming scanner the audit uses, with its
 * limits; entries it refuses (traversal, links, special files) are not
 * written, and no path can land outside the directory.
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { readerFor } from '../artifact/kinds.ts';
import type { ArchiveLimits, KeptContent } from '../artifact/archive/types.ts';
import { installedWheelPath } from './plan.ts';
import { SANDBOX_PATHS } from './types.ts';

export interface ArtifactLayout {
  /** The host directory (bound at /art). */
  dir: string;
  /** Where a binary (by its path in the artifact) is inside the sandbox; null when the installer would not install it. */
  sandboxPath(binary: string): string | null;
  /** For wheels: site-packages inside the sandbox. */
  siteDir: string | null;
  remove(): void;
}

/** Where each kind puts an entry, relative to the layout root; null: not installed. */
function placement(kind: string, npmName: string | null): (path: string) => string | null {
  switch (kind) {
    case 'wheel':
      return (p) => {
        const installed = installedWheelPath(p);
        return installed === null ? null : `site/${installed}`;
      };
    case 'npm':
      // npm strips the tarball's first directory (`package/`) and installs under node_modules/<name>.
      return (p) => {
        const rest = p.slice(p.indexOf('/') + 1);
        return p.includes('/') && rest ? `node_modules/${npmName ?? 'package'}/${rest}` : null;
      };
    case 'jar':
      return (p) => `jar/${p}`;
    default:
      return (p) => p;
  }
}

/** Writes the artifact's files under a new directory in the system temp dir (readable by the sandbox user). */
export async function layoutArtifact(
  file: string,
  options: { fileName: string; npmName?: string | null; limits?: Partial<ArchiveLimits> },
): Promise<ArtifactLayout> {
  const reader = readerFor(options.fileName);
  if (!reader) throw new Error(`${options.fileName}: not a kind distaudit loads`);
  const dir = mkdtempSync(join(tmpdir(), 'distaudit-art-'));
  const spool = mkdtempSync(join(tmpdir(), 'distaudit-spool-'));
  const place = placement(reader.kind, options.npmName ?? null);
  const written = new Map<string, string>();
  const root = resolve(dir) + sep;
  try {
    chmodSync(dir, 0o755);
    const write = (path: string, content: KeptContent) => {
      const rel = place(path);
      if (rel === null) return true;
      const target = resolve(dir, rel);
      if (!target.startsWith(root)) return true;
      mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
      if (content.kind === 'memory') writeFileSync(target, content.bytes, { mode: 0o755 });
      else copyFileSync(content.path, target);
      chmodSync(target, 0o755);
      written.set(path, rel);
      return true;
    };
    await reader.scan(file, { limits: options.limits, keep: () => true, consume: write, spoolDir: spool });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  } finally {
    rmSync(spool, { recursive: true, force: true });
  }
  return {
    dir,
    sandboxPath: (binary) => {
      const rel = written.get(binary);
      return rel === undefined ? null : `${SANDBOX_PATHS.inputs}/${rel}`;
    },
    siteDir: reader.kind === 'wheel' ? `${SANDBOX_PATHS.inputs}/site` : null,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
