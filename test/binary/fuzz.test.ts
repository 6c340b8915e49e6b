/**
 * Mutation fuzzing of the three parsers with fast-check and a fixed seed:
 * 10,000 inputs per format derived from the fixtures, mutated inside the byte
 * ranges each parser reads. Every input must parse or throw BinaryParseError —
 * nothing else — within a time bound, with a result whose JSON is bounded by
 * the input's size, in a worker whose heap is capped (an unbounded allocation
 * kills it and fails the test). `npm run bench -- fuzz` runs longer with a
 * fresh seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz, FUZZ_HEAP_MB } from '../support/fuzz.ts';
import { FUZZ_TARGETS } from '../support/fuzz-targets.ts';

const RUNS = 10_000;
const SEED = 0x0d15a0d1;
/** Per input: generous for a loaded CI machine; typical inputs take well under a millisecond. */
const MAX_MS_PER_INPUT = 500;
/** Result JSON may be at most this many bytes per input byte (plus 1 MiB). */
const MAX_OUTPUT_PER_INPUT_BYTE = 64;

for (const target of FUZZ_TARGETS) {
  test(`${RUNS} mutated ${target.format} inputs give a result or a BinaryParseError, within ${MAX_MS_PER_INPUT} ms and a ${FUZZ_HEAP_MB} MB heap each`, async (t) => {
    const seeds = target.seeds();
    assert.ok(seeds.length >= 3, `too few ${target.format} seeds: ${seeds.length}`);
    const report = await runFuzz({
      parserModule: target.parserModule,
      parserExport: target.parserExport,
      seeds,
      runs: RUNS,
      seed: SEED,
      maxMsPerInput: MAX_MS_PER_INPUT,
      maxOutputPerInputByte: MAX_OUTPUT_PER_INPUT_BYTE,
    });
    const msg = `${target.format} fuzz: ${report.runs} inputs from ${seeds.length} seeds: ${report.parsed} parsed (${report.anomalies} anomalies), ${report.typedErrors} BinaryParseError; slowest ${report.maxMs.toFixed(1)} ms; largest JSON/input ${report.maxOutputRatio.toFixed(1)}×`;
    t.diagnostic(msg);
    assert.equal(report.failure, null, report.failure ?? '');
    assert.equal(report.runs, RUNS);
    assert.ok(report.parsed > 0 && report.typedErrors > 0, 'the mutations should reach both outcomes');
  });
}
