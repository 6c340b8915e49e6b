/**
 * Mutation fuzzing with a fixed seed: fixtures with bytes flipped, fields set
 * to boundary values (aimed at the headers, load commands, symbol table and
 * code signature) and cuts, must parse or throw BinaryParseError — never
 * another exception — quickly, and give JSON-serializable results.
 * MACHO_FUZZ_CASES raises the count (bench runs use 100,000+).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BinaryParseError } from '../../src/binary/errors.ts';
import { bytesSource } from '../../src/binary/source.ts';
import { parseMachO } from '../../src/binary/macho/parse.ts';
import { machoFixtures, type MachOFixture } from '../fixtures/macho.ts';

const CASES = Number(process.env.MACHO_FUZZ_CASES ?? 3000);
const SEED = Number(process.env.MACHO_FUZZ_SEED ?? 0x5eed);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BOUNDARY = [0, 1, 2, 7, 8, 0x18, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0x7fff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffff8, 0xfffffffe, 0xffffffff];

/** Offsets worth aiming at: header, load commands, tables, signature. */
function hotSpots(bytes: Buffer): number[] {
  const spots: number[] = [];
  for (let i = 0; i < 64; i += 4) spots.push(i);
  try {
    for (const s of parseMachO(bytesSource(bytes)).slices) {
      for (let i = 0; i < 32; i += 4) spots.push(s.offset + i);
      for (const l of s.loadCommands) for (let i = 0; i < Math.min(l.size, 96); i += 4) spots.push(s.offset + l.offset + i);
      if (s.symtab) for (let i = 0; i < 64; i += 4) spots.push(s.offset + s.symtab.symoff + i);
      const sig = s.linkeditData.find((d) => d.name === 'LC_CODE_SIGNATURE');
      if (sig) for (let i = 0; i < 200; i += 4) spots.push(s.offset + sig.range.offset + i);
    }
  } catch {
    // a seed that does not parse still gets the generic spots
  }
  return spots.filter((o) => o + 4 <= bytes.length);
}

function mutate(seed: Buffer, spots: number[], rnd: () => number): Buffer {
  const b = Buffer.from(seed);
  const n = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < n; k++) {
    const r = rnd();
    const at = spots.length > 0 && r < 0.7 ? spots[Math.floor(rnd() * spots.length)]! : Math.floor(rnd() * (b.length - 4));
    if (r < 0.45) {
      const v = BOUNDARY[Math.floor(rnd() * BOUNDARY.length)]!;
      if (rnd() < 0.5) b.writeUInt32LE(v >>> 0, at);
      else b.writeUInt32BE(v >>> 0, at);
    } else if (r < 0.6) {
      b.writeUInt32LE(Math.floor(rnd() * b.length), at);
    } else if (r < 0.9) {
      b[at + Math.floor(rnd() * 4)] = Math.floor(rnd() * 256);
    } else {
      return b.subarray(0, Math.floor(rnd() * b.length));
    }
  }
  return b;
}

test(`${CASES} mutated Mach-O files parse or throw BinaryParseError, fast, with JSON results`, () => {
  const fx = machoFixtures();
  const names: MachOFixture[] = ['greet-arm64.dylib', 'greet-universal.dylib', 'greet-universal64.dylib', 'greet-arm64_32.dylib', 'greet-i386.o', 'usedep.dylib', 'demo.cpython-311-darwin.so', 'hello-x86_64'];
  const seeds = names.map((n) => readFileSync(fx[n]));
  const spots = seeds.map(hotSpots);
  const rnd = mulberry32(SEED);
  let parsed = 0;
  let errors = 0;
  let anomalies = 0;
  let slowest = 0;
  for (let i = 0; i < CASES; i++) {
    const which = i % seeds.length;
    const input = mutate(seeds[which]!, spots[which]!, rnd);
    const t0 = performance.now();
    try {
      const m = parseMachO(bytesSource(input));
      JSON.stringify(m);
      parsed++;
      anomalies += m.anomalies.length;
    } catch (e) {
      if (!(e instanceof BinaryParseError)) {
        throw new Error(`case ${i} (${names[which]}, seed ${SEED}): ${String(e)}`, { cause: e });
      }
      errors++;
    }
    slowest = Math.max(slowest, performance.now() - t0);
  }
  const msg = `macho fuzz: ${CASES} cases, ${parsed} parsed (${anomalies} anomalies), ${errors} BinaryParseError, slowest ${slowest.toFixed(1)} ms`;
  console.log(msg);
  assert.ok(slowest < 250, msg);
});
