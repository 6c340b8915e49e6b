/**
 * What the corpus recording scripts (pypi-facts, jar-facts, npm-prebuild-facts)
 * share: their `--only SUBSTRING` arguments, and writing the corpus file so
 * that `about.date` changes only when some fact does.
 */
import { writeFileSync } from 'node:fs';

/** The `--only` substrings of the command line (entries they match are re-recorded, the others kept); exits 2 on anything else. */
export function onlyArgs(script: string): string[] {
  const argv = process.argv.slice(2);
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--only' && argv[i + 1]) only.push(argv[++i] as string);
    else {
      console.error(`usage: node --import tsx scripts/corpus/${script} [--only SUBSTRING]...`);
      process.exit(2);
    }
  }
  return only;
}

/** Writes `next` (one-space JSON), keeping the old date when nothing else changed. */
export function writeCorpus<T extends { about: { date: string } }>(file: string, old: T | null, next: T): void {
  const body = (c: T) => JSON.stringify({ ...c, about: { ...c.about, date: '' } });
  if (old && body(old) === body(next)) next.about.date = old.about.date;
  writeFileSync(file, `${JSON.stringify(next, null, 1)}\n`);
}
