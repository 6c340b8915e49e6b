/**
 * What the fuzzers mutate, per format: the parser to call (loaded by module URL
 * inside the fuzz worker) and the seeds (built fixtures, small enough that
 * 10,000 mutations run in seconds). Shared by the CI fuzz test and the long
 * fuzz run in bench/.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from '../../src/cache-dir.ts';
import { elfFixtures } from '../fixtures/elf.ts';
import { machoFixtures } from '../fixtures/macho.ts';
import { peFixtures } from '../fixtures/pe.ts';
import { buildClrPe } from '../fixtures/pe-synth.ts';

export interface FuzzTarget {
  format: 'elf' | 'macho' | 'pe';
  parserModule: string;
  parserExport: string;
  seeds(): string[];
}

/** Seeds above this size make each mutated input slow to copy and parse. */
const MAX_SEED_BYTES = 96 * 1024;

function small(paths: string[]): string[] {
  return paths.filter((p) => statSync(p).size <= MAX_SEED_BYTES);
}

/** The hand-made .NET image (no C# compiler here), written once into the cache. */
function clrSeed(): string {
  const dir = join(cacheRoot(), 'fuzz-seeds');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'clr.dll');
  writeFileSync(path, buildClrPe().bytes);
  return path;
}

const src = (rel: string) => new URL(`../../src/binary/${rel}`, import.meta.url).href;

export const FUZZ_TARGETS: FuzzTarget[] = [
  { format: 'elf', parserModule: src('elf/parse.ts'), parserExport: 'parseElf', seeds: () => small(Object.values(elfFixtures())) },
  { format: 'macho', parserModule: src('macho/parse.ts'), parserExport: 'parseMachO', seeds: () => small(Object.values(machoFixtures())) },
  { format: 'pe', parserModule: src('pe/parse.ts'), parserExport: 'parsePe', seeds: () => [...small(Object.values(peFixtures())), clrSeed()] },
];
