/**
 * Mutation fuzzing of parsePe with a fixed seed (test/support/fuzz.ts): every
 * PE fixture plus the hand-made .NET image, mutated inside the byte ranges the
 * parser reads (headers, descriptors, lookup tables, names, the certificate
 * table), must parse or throw BinaryParseError — nothing else — fast, in a
 * worker with a capped heap, with a result JSON bounded by the input size.
 * PE_FUZZ_CASES raises the count (bench runs use 100,000+), PE_FUZZ_SEED
 * changes the seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFuzz } from '../support/fuzz.ts';
import { peFixtures } from '../fixtures/pe.ts';
import { buildClrPe } from '../fixtures/pe-synth.ts';

const CASES = Number(process.env.PE_FUZZ_CASES ?? 5000);
const SEED = Number(process.env.PE_FUZZ_SEED ?? 0x9e5eed);

test(`${CASES} mutated PE files parse or throw BinaryParseError, fast, within a capped heap`, async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'distaudit-pe-fuzz-'));
  try {
    const clr = join(scratch, 'clr.dll');
    writeFileSync(clr, buildClrPe().bytes);
    const report = await runFuzz({
      parserModule: new URL('../../src/binary/pe/parse.ts', import.meta.url).href,
      parserExport: 'parsePe',
      seeds: [...Object.values(peFixtures()), clr],
      runs: CASES,
      seed: SEED,
      maxMsPerInput: 1000,
      maxOutputPerInputByte: 32,
    });
    const msg = `pe fuzz: ${report.runs} cases, ${report.parsed} parsed (${report.anomalies} anomalies), ${report.typedErrors} BinaryParseError, slowest ${report.maxMs.toFixed(1)} ms, max JSON/input ${report.maxOutputRatio.toFixed(1)}`;
    console.log(msg);
    assert.equal(report.failure, null, report.failure ?? '');
    assert.equal(report.runs, CASES);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
