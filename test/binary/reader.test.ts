import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Reader, Budget } from '../../src/binary/reader.ts';
import { bytesSource, fileSource, windowSource } from '../../src/binary/source.ts';
import { AnomalyLog, BinaryParseError } from '../../src/binary/errors.ts';

const bytes = Uint8Array.from([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x41, 0x42, 0x00, 0x43]);

test('reads integers in either endianness', () => {
  const le = new Reader(bytesSource(bytes), 'elf', true).view(0, 8, 'x');
  assert.equal(le.u16(0), 0x0201);
  assert.equal(le.u32(0), 0x04030201);
  assert.equal(le.u64big(0), 0x0807060504030201n);
  const small = new Reader(bytesSource(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 0])), 'elf').view(0, 8, 'x');
  assert.equal(small.u64(0), 0x07060504030201);
  const be = le.withEndian(false);
  assert.equal(be.u32(0), 0x01020304);
  assert.equal(be.u64big(0), 0x0102030405060708n);
});

test('rejects reads past the end of a view with the absolute offset', () => {
  const v = new Reader(bytesSource(bytes), 'elf').view(4, 4, 'x');
  assert.throws(() => v.u32(2), (e: unknown) => e instanceof BinaryParseError && e.offset === 6);
  assert.throws(() => v.u8(-1), BinaryParseError);
  assert.throws(() => v.u8(Number.NaN), BinaryParseError);
  assert.throws(() => v.sub(1, 4), BinaryParseError);
});

test('a view never exposes bytes of the surrounding buffer', () => {
  const big = new Uint8Array(64).fill(0xee);
  const inner = big.subarray(16, 20);
  const v = new Reader(bytesSource(inner), 'pe').view(0, 4, 'x');
  assert.equal(v.length, 4);
  assert.throws(() => v.u8(4), BinaryParseError);
  assert.throws(() => new Reader(bytesSource(inner), 'pe').view(0, 5, 'x'), BinaryParseError);
});

test('rejects 64-bit values that a number cannot hold exactly', () => {
  const b = new Uint8Array(8).fill(0xff);
  const v = new Reader(bytesSource(b), 'elf').view(0, 8, 'x');
  assert.throws(() => v.u64(0), /exceeds 2\^53/);
  assert.equal(v.u64big(0), 0xffffffffffffffffn);
});

test('reads NUL-terminated strings only when they end inside the range', () => {
  const r = new Reader(bytesSource(bytes), 'elf');
  assert.equal(r.cstr(8), 'AB');
  assert.equal(r.view(8, 4, 'x').cstr(0), 'AB');
  assert.throws(() => r.view(11, 1, 'x').cstr(0), /unterminated/);
  assert.throws(() => r.cstr(11), /unterminated/);
  assert.throws(() => r.cstr(8, 1), /longer than 1 bytes/);
  assert.throws(() => r.cstr(100), /outside the file/);
});

test('a window source addresses its slice from zero and cannot read outside it', () => {
  const w = windowSource(bytesSource(bytes), 4, 4);
  assert.deepEqual([...w.read(0, 4)], [5, 6, 7, 8]);
  assert.throws(() => w.read(2, 4), RangeError);
  assert.throws(() => windowSource(bytesSource(bytes), 10, 4), RangeError);
});

test('a file source reads only the ranges asked for', () => {
  const dir = mkdtempSync(join(tmpdir(), 'distaudit-reader-'));
  const path = join(dir, 'f.bin');
  writeFileSync(path, bytes);
  const src = fileSource(path);
  try {
    assert.equal(src.size, bytes.length);
    assert.deepEqual([...src.read(8, 3)], [0x41, 0x42, 0x00]);
    assert.throws(() => src.read(10, 4), RangeError);
  } finally {
    src.close();
  }
});

test('the work budget stops a parse with a typed error', () => {
  const b = new Budget(10, 'macho');
  b.spend(10);
  assert.throws(() => b.spend(1), (e: unknown) => e instanceof BinaryParseError && e.reason === 'work budget exceeded');
});

test('anomaly log turns a parse error in an optional part into an anomaly, and rethrows bugs', () => {
  const log = new AnomalyLog();
  const r = new Reader(bytesSource(bytes), 'elf');
  assert.equal(log.attempt('elf.table', () => r.u32(100)), undefined);
  assert.equal(log.items.length, 1);
  assert.equal(log.items[0]?.code, 'elf.table');
  assert.throws(() => log.attempt('x', () => { throw new TypeError('bug'); }), TypeError);
  const budget = new Budget(0, 'elf');
  assert.throws(() => log.attempt('x', () => budget.spend(1)), BinaryParseError);
});
