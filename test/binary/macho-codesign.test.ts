/**
 * Code-signature ranges are exact: hashes recomputed from the file bytes match
 * the slots of the CodeDirectory ld64.lld wrote; and a hand-built SuperBlob
 * with every blob kind (as `codesign` writes them) is read field by field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AnomalyLog } from '../../src/binary/errors.ts';
import { Reader } from '../../src/binary/reader.ts';
import { bytesSource, withFile } from '../../src/binary/source.ts';
import { parseMachO, type CodeDirectory } from '../../src/binary/macho/parse.ts';
import { parseCodeSignature } from '../../src/binary/macho/code-signature.ts';
import { hashTypeInfo } from '../../src/binary/macho/constants.ts';
import { machoFixtures } from '../fixtures/macho.ts';
import { blob, codeDirectory, superBlob } from './macho-builders.ts';

const fx = machoFixtures();

/** Hash of code page `i` of a slice that starts at `base` in `file`. */
function pageHash(file: Buffer, base: number, cd: CodeDirectory, i: number): Buffer {
  const info = hashTypeInfo(cd.hashType)!;
  const start = i * cd.pageSize;
  const end = cd.pageSize === 0 ? cd.codeLimit : Math.min(cd.codeLimit, start + cd.pageSize);
  return createHash(info.nodeAlgorithm).update(file.subarray(base + start, base + end)).digest().subarray(0, cd.hashSize);
}

function slot(file: Buffer, base: number, cd: CodeDirectory, i: number): Buffer {
  const at = base + cd.codeSlots.offset + i * cd.hashSize;
  return file.subarray(at, at + cd.hashSize);
}

for (const name of ['greet-arm64.dylib', 'greet-universal.dylib', 'greet-universal64.dylib', 'hello', 'greet-arm64_32.dylib'] as const) {
  test(`code slot 0 and the last code slot of ${name} are the hashes of its first and last pages`, () => {
    const file = readFileSync(fx[name]);
    const m = withFile(fx[name], parseMachO);
    const signed = m.slices.filter((s) => s.codeSignature !== null);
    assert.equal(signed.length, 1);
    const s = signed[0]!;
    const cd = s.codeSignature!.codeDirectories[0]!;
    assert.equal(cd.codeSlots.length, cd.nCodeSlots * cd.hashSize);
    const last = cd.nCodeSlots - 1;
    assert.ok(last > 0);
    assert.equal(slot(file, s.offset, cd, 0).toString('hex'), pageHash(file, s.offset, cd, 0).toString('hex'));
    assert.equal(slot(file, s.offset, cd, last).toString('hex'), pageHash(file, s.offset, cd, last).toString('hex'));
    // And every slot in between.
    for (let i = 1; i < last; i++) assert.ok(slot(file, s.offset, cd, i).equals(pageHash(file, s.offset, cd, i)), `slot ${i}`);
  });
}

// ---------------------------------------------------------------------------
// A hand-built SuperBlob with every blob kind.

const PLIST = '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><key>com.apple.security.cs.allow-jit</key><true/></dict></plist>\n';

test('reads a Developer-ID-style signature: CD with team id and hardened runtime, alternate SHA-1 CD, requirements, entitlements, DER entitlements, CMS', () => {
  const cd = codeDirectory({ version: 0x20500, flags: 0x10000, hashType: 2, hashSize: 32, pageLog2: 12, codeLimit: 3 * 4096 + 100, identifier: 'com.example.demo', team: 'ABCDE12345', nSpecial: 7, execSegFlags: 1, runtime: 0x0c0000 });
  const alt = codeDirectory({ version: 0x20400, flags: 0x10000, hashType: 1, hashSize: 20, pageLog2: 12, codeLimit: 3 * 4096 + 100, identifier: 'com.example.demo', team: 'ABCDE12345', nSpecial: 7 });
  const reqs = blob(0xfade0c01, Buffer.from([0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 20, ...Buffer.alloc(8)]));
  const ents = blob(0xfade7171, Buffer.from(PLIST));
  const der = blob(0xfade7172, Buffer.from([0x70, 0x03, 0x02, 0x01, 0x01]));
  const cms = blob(0xfade0b01, Buffer.from([0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]));
  const sig = superBlob([[0, cd], [2, reqs], [5, ents], [7, der], [0x1000, alt], [0x10000, cms]]);
  // Put it at offset 64 of a "slice", after 64 bytes of code.
  const slice = Buffer.concat([Buffer.alloc(64), sig]);
  const log = new AnomalyLog();
  const cs = parseCodeSignature(new Reader(bytesSource(slice), 'macho'), { offset: 64, length: sig.length }, log);
  // codeLimit (12388) is beyond this tiny slice: the one expected anomaly, once per CD.
  assert.deepEqual(log.items.map((a) => a.code), ['macho.codesig.codelimit', 'macho.codesig.codelimit']);

  assert.deepEqual(cs.superBlob?.index.map((e) => [e.type, e.typeName, e.magicName]), [
    [0, 'CSSLOT_CODEDIRECTORY', 'CSMAGIC_CODEDIRECTORY'],
    [2, 'CSSLOT_REQUIREMENTS', 'CSMAGIC_REQUIREMENTS'],
    [5, 'CSSLOT_ENTITLEMENTS', 'CSMAGIC_EMBEDDED_ENTITLEMENTS'],
    [7, 'CSSLOT_DER_ENTITLEMENTS', 'CSMAGIC_EMBEDDED_DER_ENTITLEMENTS'],
    [0x1000, 'CSSLOT_ALTERNATE_CODEDIRECTORIES+0', 'CSMAGIC_CODEDIRECTORY'],
    [0x10000, 'CSSLOT_SIGNATURESLOT', 'CSMAGIC_BLOBWRAPPER'],
  ]);
  const [main, sha1] = cs.codeDirectories as [CodeDirectory, CodeDirectory];
  const cdAt = 64 + 12 + 6 * 8;
  assert.deepEqual(main.range, { offset: cdAt, length: cd.length });
  assert.deepEqual(
    [main.versionHex, main.flagNames, main.hashTypeName, main.identifier, main.teamId, main.nSpecialSlots, main.nCodeSlots, main.pageSize, main.codeLimit, main.runtime, main.execSegFlagNames],
    ['0x20500', ['RUNTIME'], 'sha256', 'com.example.demo', 'ABCDE12345', 7, 4, 4096, 12388, '12.0.0', ['MAIN_BINARY']],
  );
  assert.deepEqual(main.codeSlots, { offset: cdAt + main.hashOffset, length: 4 * 32 });
  assert.deepEqual(main.specialSlots, { offset: cdAt + main.hashOffset - 7 * 32, length: 7 * 32 });
  assert.deepEqual([sha1.slotType, sha1.hashTypeName, sha1.hashSize, sha1.versionHex, sha1.runtime], [0x1000, 'sha1', 20, '0x20400', undefined]);
  assert.deepEqual(cs.requirements, { range: { offset: cdAt + cd.length, length: reqs.length }, count: 1 });
  assert.equal(cs.entitlements?.xml, PLIST);
  assert.deepEqual(cs.derEntitlements?.range.length, der.length);
  assert.ok(cs.cms);
  assert.equal(cs.cms.empty, false);
  assert.deepEqual(cs.cms.der, { offset: cs.cms.range.offset + 8, length: cms.length - 8 });
  assert.equal(slice.readUInt8(cs.cms.der.offset), 0x30);
});

test('an 8-byte BlobWrapper is an empty CMS (codesign ad-hoc)', () => {
  const cd = codeDirectory({ version: 0x20400, flags: 0x2, hashType: 2, hashSize: 32, pageLog2: 12, codeLimit: 64, identifier: 'adhoc', team: null, nSpecial: 2 });
  const sig = superBlob([[0, cd], [2, blob(0xfade0c01, Buffer.from([0, 0, 0, 0]))], [0x10000, blob(0xfade0b01, Buffer.alloc(0))]]);
  const slice = Buffer.concat([Buffer.alloc(64), sig]);
  const log = new AnomalyLog();
  const cs = parseCodeSignature(new Reader(bytesSource(slice), 'macho'), { offset: 64, length: sig.length }, log);
  assert.deepEqual(log.items, []);
  assert.deepEqual([cs.cms?.empty, cs.cms?.der.length, cs.requirements?.count, cs.codeDirectories[0]?.flagNames], [true, 0, 0, ['ADHOC']]);
});
