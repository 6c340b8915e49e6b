/** Small helpers every rule family uses to group findings and word their messages. */
import type { Target } from '../target.ts';

/** 'a, b, c, d and 3 more'. */
export function listSome(items: readonly string[], max = 4): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** Groups items by a key, keeping first-seen order. */
export function groupBy<T>(items: Iterable<T>, key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = out.get(k);
    if (list) list.push(it);
    else out.set(k, [it]);
  }
  return out;
}

/** The ids of targets, for Finding.targets. */
export function ids(ts: readonly Target[]): string[] {
  return ts.map((t) => t.id);
}
