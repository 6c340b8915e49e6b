/**
 * The declared-version decoder on instruction forms compilers emit: snippets
 * assembled by llvm-mc from native/node-addon/forms/*.s (forms no compiler
 * here produces: gcc -O0 for ARM and Thumb, MSVC incremental-link thunks,
 * -O0 spills, PAC frames), and tiny hand-made byte arrays for the edges
 * (truncated code, jump loops, endianness).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeReturnConstant, type DecodeResult, type Fetch } from '../../src/binary/addons/node-decode.ts';
import type { Arch } from '../../src/binary/arch.ts';
import { DECODE_FORMS, decodeFormPath } from '../fixtures/node-addon.ts';

function fetchFrom(bytes: Uint8Array): Fetch {
  return (addr, n) => (addr >= 0 && addr < bytes.length ? bytes.subarray(addr, Math.min(bytes.length, addr + n)) : null);
}

function archOf(form: string): { arch: Arch; thumb: boolean } {
  if (form.startsWith('x86_64')) return { arch: 'x86_64', thumb: false };
  if (form.startsWith('i386')) return { arch: 'i386', thumb: false };
  if (form.startsWith('aarch64')) return { arch: 'arm64', thumb: false };
  return { arch: 'arm', thumb: form.startsWith('thumb') };
}

/** The value each snippet returns, or a pattern its reason must match. */
const FORMS: Record<string, number | RegExp> = {
  'x86_64-endbr-frame': 9,
  'x86_64-push-pop': 9,
  'x86_64-incremental-thunk': 10,
  'x86_64-mov-rax': 2147483647,
  'x86_64-xor': 0,
  'x86_64-computed': /unrecognised instruction 8b 07/,
  'x86_64-call': /computed at run time/,
  'i386-leave': 8,
  'i386-pic-thunk': 9,
  'aarch64-spill': 9,
  'aarch64-frame-pac': 2147483647,
  'aarch64-orr': 2147483647,
  'aarch64-stur': 7,
  'aarch64-computed': /memory access through x0/,
  'arm-gcc-O0': 9,
  'arm-literal': 2147483647,
  'arm-movw-movt': 0x12345678,
  'arm-computed': /unrecognised instruction 0xe5910000/,
  'thumb-gcc-O0': 9,
  'thumb-literal': 2147483647,
  'thumb-wide': 10,
  'thumb-mvn': 2147483647,
};

test('every assembled form has an expectation', () => {
  assert.deepEqual(DECODE_FORMS, Object.keys(FORMS).sort());
});

for (const [form, want] of Object.entries(FORMS)) {
  test(`form ${form}: ${typeof want === 'number' ? `returns ${want}` : 'is not a constant'}`, () => {
    const bytes = readFileSync(decodeFormPath(form));
    const { arch, thumb } = archOf(form);
    const r = decodeReturnConstant(arch, thumb ? 1 : 0, fetchFrom(bytes), { littleEndian: true, thumb });
    if (typeof want === 'number') assert.deepEqual(r.value, want, JSON.stringify(r));
    else {
      assert.equal(r.value, null);
      assert.match((r as { reason: string }).reason, want);
    }
  });
}

function decode(arch: Arch, bytes: number[], options: { littleEndian?: boolean; thumb?: boolean; at?: number } = {}): DecodeResult {
  return decodeReturnConstant(arch, options.at ?? 0, fetchFrom(Uint8Array.from(bytes)), { littleEndian: options.littleEndian ?? true, thumb: options.thumb });
}

test('x86: a rel32 jmp thunk (the MSVC form) is followed', () => {
  assert.equal(decode('x86_64', [0xe9, 0x03, 0, 0, 0, 0xcc, 0xcc, 0xcc, 0xb8, 0x09, 0, 0, 0, 0xc3]).value, 9);
});

test('jump loops and long runs end with a reason, not a hang', () => {
  assert.match((decode('x86_64', [0xeb, 0xfe]) as { reason: string }).reason, /more than 2 jumps/);
  assert.match((decode('x86_64', new Array<number>(64).fill(0x90)) as { reason: string }).reason, /no ret within 32 instructions/);
  assert.match((decode('arm64', [0x00, 0x00, 0x00, 0x14]) as { reason: string }).reason, /more than 2 jumps/, 'b .');
  assert.match((decode('arm', [0xfe, 0xff, 0xff, 0xea]) as { reason: string }).reason, /more than 2 jumps/, 'b .');
  assert.match((decode('arm', [0xfe, 0xe7], { thumb: true }) as { reason: string }).reason, /more than 2 jumps/, 'b .');
});

test('code cut short by the end of its segment', () => {
  assert.match((decode('x86_64', [0xb8, 0x09]) as { reason: string }).reason, /not in the file/);
  assert.match((decode('arm64', [0x20, 0x01]) as { reason: string }).reason, /not in the file/);
  assert.match((decode('x86_64', [0xb8, 0x09, 0, 0, 0]) as { reason: string }).reason, /not in the file/, 'no ret after the mov');
  assert.match((decode('arm', [0x00, 0x00, 0x9f, 0xe5, 0x1e, 0xff, 0x2f, 0xe1]) as { reason: string }).reason, /not in the file/, 'a literal pool beyond the code');
});

test('x86: popping what was never pushed, and a conditional ARM instruction, are refused', () => {
  assert.match((decode('x86_64', [0x58, 0xc3]) as { reason: string }).reason, /pops more than it pushed/);
  assert.match((decode('arm', [0x09, 0x00, 0xa0, 0x03, 0x1e, 0xff, 0x2f, 0xe1]) as { reason: string }).reason, /conditional/, 'moveq r0, #9');
});

test('big-endian aarch64 and ARM', () => {
  assert.equal(decode('arm64', [0x52, 0x80, 0x01, 0x20, 0xd6, 0x5f, 0x03, 0xc0], { littleEndian: false }).value, 9);
  assert.equal(decode('arm', [0xe3, 0xa0, 0x00, 0x09, 0xe1, 0x2f, 0xff, 0x1e], { littleEndian: false }).value, 9);
});

test('aarch64: movn with a shift, and a 64-bit orr immediate', () => {
  assert.equal(decode('arm64', [0x00, 0x00, 0xb0, 0x12, 0xc0, 0x03, 0x5f, 0xd6]).value, 2147483647, 'mov w0, #0x7fffffff (movn w0, #0x8000, lsl #16)');
  assert.equal(decode('arm64', [0xe0, 0x03, 0x00, 0xb2, 0xc0, 0x03, 0x5f, 0xd6]).value, 1, 'orr x0, xzr, #0x100000001: the low 32 bits');
});

test('an architecture without a decoder', () => {
  assert.deepEqual(decode('riscv64', [0x13, 0x05, 0x90, 0x00]), { value: null, reason: 'no decoder for riscv64 code' });
});
