/**
 * What the Node and npm rules share: the package model of the audit (null for
 * a bare `.node` file), the Node lines it is judged against, its addons, and
 * message helpers.
 */
import type { AuditContext, AuditedBinary } from '../../audit/types.ts';
import type { NpmModel } from '../../artifact/npm/model.ts';
import { nodeLines, type NodeLines } from '../../artifact/npm/node-lines.ts';

export type Ctx = AuditContext;

export function npmOf(ctx: AuditContext): NpmModel | null {
  return ctx.artifact.kind === 'npm' ? ctx.artifact.npm : null;
}

/** The Node lines the artifact is judged against: its engines.node, or the default (a bare `.node` has none). */
export function linesOf(ctx: AuditContext): NodeLines {
  return nodeLines(npmOf(ctx)?.packageJson?.enginesNode ?? null);
}

/** The package path of an archive path ('package/x.node' → 'x.node'); a bare file's name as is. */
export function relPath(ctx: AuditContext, path: string): string {
  if (ctx.artifact.kind !== 'npm') return path;
  const i = path.indexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/** The binaries Node loads with require(): files named `*.node` (a bare upload is one by its kind). */
export function addonFiles(ctx: AuditContext): AuditedBinary[] {
  if (ctx.artifact.kind === 'node-addon') return ctx.binaries;
  return ctx.binaries.filter((b) => b.path.endsWith('.node'));
}

/** 'Node 18, 19 and 21': majors of lines, for messages. */
export function majorsText(majors: readonly number[]): string {
  const m = [...new Set(majors)].sort((a, b) => a - b);
  if (m.length <= 1) return `Node ${m.join('')}`;
  return `Node ${m.slice(0, -1).join(', ')} and ${m[m.length - 1]}`;
}
