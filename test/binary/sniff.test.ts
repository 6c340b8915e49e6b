import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mightBeNative, sniff } from '../../src/binary/sniff.ts';
import type { ByteSource } from '../../src/binary/source.ts';
import { bytesSource } from '../../src/binary/source.ts';

function be32(...words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const dv = new DataView(out.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w, false));
  return out;
}

/** A source that records how many bytes were read, to prove sniff reads little. */
function counting(bytes: Uint8Array): ByteSource & { readBytes: number } {
  const inner = bytesSource(bytes);
  const s = {
    size: inner.size,
    readBytes: 0,
    read(o: number, n: number) {
      s.readBytes += n;
      return inner.read(o, n);
    },
  };
  return s;
}

test('recognises ELF and thin Mach-O magics in both byte orders', () => {
  assert.equal(sniff(bytesSource(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]))), 'elf');
  for (const m of [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe]) assert.equal(sniff(bytesSource(be32(m, 0))), 'macho');
});

test('tells a fat Mach-O from a Java class file by the word after 0xCAFEBABE', () => {
  assert.equal(sniff(bytesSource(be32(0xcafebabe, 2))), 'macho-fat');
  assert.equal(sniff(bytesSource(be32(0xcafebabf, 1))), 'macho-fat');
  // Java 17 class file: minor 0, major 61.
  assert.equal(sniff(bytesSource(be32(0xcafebabe, 61))), 'java-class');
  // JDK 1.1 class file: minor 3, major 45.
  assert.equal(sniff(bytesSource(be32(0xcafebabe, 0x0003002d))), 'java-class');
  assert.equal(sniff(bytesSource(be32(0xcafebabe, 0))), 'unknown');
});

test('recognises PE only when PE\\0\\0 sits at e_lfanew', () => {
  const pe = new Uint8Array(0x84);
  pe.set([0x4d, 0x5a]);
  new DataView(pe.buffer).setUint32(0x3c, 0x80, true);
  pe.set([0x50, 0x45, 0, 0], 0x80);
  const src = counting(pe);
  assert.equal(sniff(src), 'pe');
  assert.ok(src.readBytes <= 16, `sniff read ${src.readBytes} bytes`);
  new DataView(pe.buffer).setUint32(0x3c, 0xffffff00, true);
  assert.equal(sniff(bytesSource(pe)), 'unknown');
  assert.equal(sniff(bytesSource(Uint8Array.from([0x4d, 0x5a, 0, 0]))), 'unknown');
});

test('short and empty inputs are unknown', () => {
  assert.equal(sniff(bytesSource(new Uint8Array(0))), 'unknown');
  assert.equal(sniff(bytesSource(Uint8Array.from([0x7f, 0x45]))), 'unknown');
  assert.equal(sniff(bytesSource(be32(0xcafebabe))), 'unknown');
});

test('the head test keeps every native binary and no Java class or text', () => {
  assert.equal(mightBeNative(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])), true);
  assert.equal(mightBeNative(be32(0xcffaedfe, 0)), true);
  assert.equal(mightBeNative(be32(0xcafebabe, 2)), true);
  assert.equal(mightBeNative(Uint8Array.from([0x4d, 0x5a, 0x90, 0])), true);
  assert.equal(mightBeNative(be32(0xcafebabe, 61)), false);
  assert.equal(mightBeNative(new TextEncoder().encode('#!/usr/bin/env python\n')), false);
  assert.equal(mightBeNative(new Uint8Array(0)), false);
});
