/**
 * Load outcomes summed up for people, in one spelling for every report form
 * (text, Markdown, JUnit, the dashboard's JS mirrors it).
 */
import { LOAD_STATUSES, type LoadOutcome } from './schema.ts';

/** '6 passed, 2 failed, 3 not run'. */
export function loadTally(outcomes: readonly LoadOutcome[]): string {
  if (outcomes.length === 0) return 'no load planned';
  return LOAD_STATUSES.map((s) => [s, outcomes.filter((o) => o.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s.replace('-', ' ')}`)
    .join(', ');
}

/** One line about one load: what ran where, and what came of it. */
export function loadLine(o: LoadOutcome): string {
  const where = `${o.binary} on ${o.image ?? 'no image'}${o.runtime ? ` (${o.runtime})` : ''} for ${o.target}`;
  if (o.status === 'passed') return `${where}: loaded`;
  if (o.status === 'not-run') return `${where}: not run, ${o.reason}`;
  const why = o.predictedBy ? `predicted by ${o.predictedBy}` : 'no static finding predicted it (a surprise)';
  return `${where}: ${o.status}${o.class ? ` [${o.class}]` : ''}: ${o.reason} (${why})`;
}
