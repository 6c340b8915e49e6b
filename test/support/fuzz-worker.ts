/**
 * Mutation fuzzing of one parser, run inside a worker thread whose heap is
 * capped by the parent (resourceLimits): an input that makes the parser
 * allocate without bound kills the worker, which fails the test.
 *
 * Seeds are real fixtures. Each seed is first parsed through a source that
 * records which byte ranges the parser reads; mutations land inside those
 * ranges (headers, tables, strings the parser actually uses), so most inputs
 * reach deep code instead of corrupting padding.
 *
 * Property, per input: the parser returns or throws BinaryParseError — nothing
 * else — within `maxMsPerInput`, and its result's JSON is bounded by the
 * input's size.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { BinaryParseError } from '../../src/binary/errors.ts';
import { bytesSource, type ByteSource } from '../../src/binary/source.ts';

export interface FuzzJob {
  parserModule: string;
  parserExport: string;
  seeds: string[];
  runs: number;
  seed: number;
  maxMsPerInput: number;
  /** Result JSON may be at most this many bytes per input byte, plus 1 MiB. */
  maxOutputPerInputByte: number;
}

export interface FuzzReport {
  runs: number;
  parsed: number;
  typedErrors: number;
  anomalies: number;
  maxMs: number;
  maxOutputRatio: number;
  failure: string | null;
}

type Parse = (src: ByteSource) => unknown;

type Mutation =
  | { kind: 'byte'; at: number; value: number }
  | { kind: 'word'; at: number; value: number; width: 2 | 4 | 8; little: boolean }
  | { kind: 'truncate'; at: number }
  | { kind: 'copy'; from: number; at: number; len: number };

interface Input {
  seed: number;
  mutations: Mutation[];
}

const INTERESTING = [0, 1, 2, 7, 8, 0x10, 0x20, 0x7f, 0x80, 0xff, 0x100, 0x1000, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

/** Byte ranges a parse of `bytes` reads, merged. */
function rangesRead(parse: Parse, bytes: Uint8Array): [number, number][] {
  const inner = bytesSource(bytes);
  const seen: [number, number][] = [];
  parse({ size: inner.size, read: (o, n) => (seen.push([o, n]), inner.read(o, n)) });
  seen.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [o, n] of seen) {
    const last = merged[merged.length - 1];
    if (last && o <= last[0] + last[1]) last[1] = Math.max(last[1], o + n - last[0]);
    else merged.push([o, n]);
  }
  return merged.filter(([, n]) => n > 0);
}

function apply(seed: Uint8Array, ranges: [number, number][], muts: Mutation[]): Uint8Array {
  let b: Uint8Array = Uint8Array.from(seed);
  // Offsets arrive as raw numbers; map them into the ranges the parser reads.
  const total = ranges.reduce((s, [, n]) => s + n, 0);
  const place = (x: number): number => {
    let k = x % Math.max(1, total);
    for (const [o, n] of ranges) {
      if (k < n) return o + k;
      k -= n;
    }
    return 0;
  };
  for (const m of muts) {
    if (b.length === 0) break;
    const at = Math.min(place(m.at), b.length - 1);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    switch (m.kind) {
      case 'byte':
        b[at] = m.value;
        break;
      case 'word':
        if (at + m.width > b.length) break;
        if (m.width === 2) dv.setUint16(at, m.value & 0xffff, m.little);
        else if (m.width === 4) dv.setUint32(at, m.value >>> 0, m.little);
        else dv.setBigUint64(at, BigInt(m.value >>> 0) * (m.value % 3 === 0 ? 0x100000001n : 1n), m.little);
        break;
      case 'truncate':
        b = b.subarray(0, at);
        break;
      case 'copy': {
        const from = place(m.from) % b.length;
        const len = Math.min(m.len, b.length - from, b.length - at);
        b.copyWithin(at, from, from + len);
        break;
      }
    }
  }
  return b;
}

function countAnomalies(result: unknown): number {
  if (typeof result !== 'object' || result === null) return 0;
  const a = (result as { anomalies?: unknown[] }).anomalies;
  return Array.isArray(a) ? a.length : 0;
}

async function run(job: FuzzJob): Promise<FuzzReport> {
  const mod = (await import(job.parserModule)) as Record<string, Parse>;
  const parse = mod[job.parserExport];
  if (typeof parse !== 'function') throw new Error(`${job.parserModule} has no export ${job.parserExport}`);
  const seeds = job.seeds.map((p) => new Uint8Array(readFileSync(p)));
  const ranges = seeds.map((s) => rangesRead(parse, s));

  const offset = fc.oneof(fc.nat(4096), fc.nat(0x7fffffff));
  const value = fc.oneof(fc.constantFrom(...INTERESTING), fc.nat(0xffffffff));
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('byte' as const), at: offset, value: fc.nat(255) }) },
    {
      weight: 6,
      arbitrary: fc.record({ kind: fc.constant('word' as const), at: offset, value, width: fc.constantFrom(2 as const, 4 as const, 8 as const), little: fc.boolean() }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: offset }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('copy' as const), from: offset, at: offset, len: fc.nat(256) }) },
  );
  const input: fc.Arbitrary<Input> = fc.record({ seed: fc.nat(seeds.length - 1), mutations: fc.array(mutation, { minLength: 1, maxLength: 6 }) });

  const report: FuzzReport = { runs: 0, parsed: 0, typedErrors: 0, anomalies: 0, maxMs: 0, maxOutputRatio: 0, failure: null };
  const property = fc.property(input, (inp) => {
    const bytes = apply(seeds[inp.seed]!, ranges[inp.seed]!, inp.mutations);
    const t0 = performance.now();
    let result: unknown;
    try {
      result = parse(bytesSource(bytes));
    } catch (e) {
      if (!(e instanceof BinaryParseError)) throw new Error(`untyped ${(e as Error)?.name}: ${(e as Error)?.message}\n${(e as Error)?.stack}`, { cause: e });
      report.typedErrors++;
    }
    const ms = performance.now() - t0;
    report.runs++;
    report.maxMs = Math.max(report.maxMs, ms);
    if (ms > job.maxMsPerInput) throw new Error(`parse took ${ms.toFixed(1)} ms (limit ${job.maxMsPerInput} ms)`);
    if (result !== undefined) {
      report.parsed++;
      report.anomalies += countAnomalies(result);
      const out = JSON.stringify(result).length;
      const ratio = out / Math.max(1, bytes.length);
      report.maxOutputRatio = Math.max(report.maxOutputRatio, ratio);
      if (out > job.maxOutputPerInputByte * bytes.length + (1 << 20)) throw new Error(`result JSON of ${out} bytes for a ${bytes.length}-byte input`);
    }
  });
  const details = fc.check(property, { seed: job.seed, numRuns: job.runs, endOnFailure: false });
  if (details.failed) {
    report.failure = `${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}\ncounterexample: ${JSON.stringify(details.counterexample)}\nseed ${details.seed} path ${details.counterexamplePath}`;
  }
  return report;
}

run(workerData.job as FuzzJob).then(
  (r) => parentPort?.postMessage(r),
  (e: unknown) => parentPort?.postMessage({ failure: `fuzz worker crashed: ${(e as Error)?.stack ?? String(e)}` }),
);
