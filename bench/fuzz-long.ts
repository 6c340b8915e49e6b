/**
 * A long fuzz run: the CI fuzz test's harness with many more inputs and a fresh
 * seed each time (printed, so a failure can be replayed with FUZZ_SEED).
 * FUZZ_RUNS sets the inputs per format (default 200,000).
 */
import { runFuzz } from '../test/support/fuzz.ts';
import { FUZZ_TARGETS } from '../test/support/fuzz-targets.ts';

export async function fuzzLong(): Promise<boolean> {
  const runs = Number(process.env.FUZZ_RUNS ?? 200_000);
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 0x7fffffff);
  console.log(`fuzzing ${runs} inputs per format, seed ${seed} (replay with FUZZ_SEED=${seed})`);
  let ok = true;
  for (const t of FUZZ_TARGETS) {
    const t0 = performance.now();
    const r = await runFuzz({ parserModule: t.parserModule, parserExport: t.parserExport, seeds: t.seeds(), runs, seed, maxMsPerInput: 1000, maxOutputPerInputByte: 64 });
    const s = (performance.now() - t0) / 1000;
    console.log(`  ${t.format.padEnd(6)} ${r.runs} inputs in ${s.toFixed(1)} s (${(r.runs / s).toFixed(0)}/s): ${r.parsed} parsed, ${r.typedErrors} typed errors, slowest ${r.maxMs.toFixed(1)} ms, JSON/input ≤ ${r.maxOutputRatio.toFixed(1)}×`);
    if (r.failure) {
      ok = false;
      console.log(`  FAILURE: ${r.failure}`);
    }
  }
  return ok;
}
