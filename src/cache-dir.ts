/**
 * Where distaudit keeps things it downloads or builds (fixtures, corpus
 * artifacts, root filesystem images): never inside the repository.
 * DISTAUDIT_CACHE overrides; otherwise $XDG_CACHE_HOME/distaudit or ~/.cache/distaudit.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function cacheRoot(): string {
  if (process.env.DISTAUDIT_CACHE) return process.env.DISTAUDIT_CACHE;
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.cache'), 'distaudit');
}
