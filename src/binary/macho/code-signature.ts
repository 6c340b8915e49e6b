/**
 * The embedded code signature LC_CODE_SIGNATURE points to: a SuperBlob of
 * indexed blobs (CodeDirectory, requirements, entitlements, CMS wrapper).
 * Spec: xnu `osfmk/kern/cs_blobs.h` and Apple TN2206; readable secondary
 * descriptions in apple-codesign's `specification.rs` and Kaitai's
 * `mach_o.ksy`. Every structure here is BIG-ENDIAN whatever the slice's order.
 *
 * The signature is read as one view of `datasize` bytes; every blob must lie
 * inside the SuperBlob and every CodeDirectory field inside its blob (version-
 * gated fields are read only when the version has them and the blob is long
 * enough). Nothing is verified cryptographically here: the ranges returned
 * (code slots, the CodeDirectory bytes, the CMS DER) are what a verifier hashes.
 *
 * Example: an arm64 dylib linked with `ld64.lld -adhoc_codesign` gives one
 * CodeDirectory, version 0x20400, flags [ADHOC, LINKER_SIGNED], sha256, 4096-byte
 * pages, and no CMS, requirements or entitlements.
 */
import type { AnomalyLog } from '../errors.ts';
import { decodeUtf8, type Reader, type View } from '../reader.ts';
import {
  CSMAGIC_BLOBWRAPPER,
  CSMAGIC_CODEDIRECTORY,
  CSMAGIC_EMBEDDED_DER_ENTITLEMENTS,
  CSMAGIC_EMBEDDED_ENTITLEMENTS,
  CSMAGIC_EMBEDDED_SIGNATURE,
  CSMAGIC_REQUIREMENTS,
  CSSLOT_DER_ENTITLEMENTS,
  CSSLOT_ENTITLEMENTS,
  CSSLOT_REQUIREMENTS,
  CSSLOT_SIGNATURESLOT,
  CS_SUPPORTSCODELIMIT64,
  CS_SUPPORTSEXECSEG,
  CS_SUPPORTSLINKAGE,
  CS_SUPPORTSRUNTIME,
  CS_SUPPORTSSCATTER,
  CS_SUPPORTSTEAMID,
  blobMagicName,
  codeDirectoryFlagNames,
  execSegFlagNames,
  formatVersion,
  hashTypeInfo,
  hashTypeName,
  isCodeDirectorySlot,
  slotTypeName,
} from './constants.ts';
import type { BlobIndexEntry, CodeDirectory, CodeSignature, ByteRange } from './types.ts';

const SUPERBLOB_HEADER = 12;
const BLOB_INDEX_SIZE = 8;
const BLOB_HEADER = 8;
/** Longest entitlements plist kept as text. */
export const MAX_ENTITLEMENTS_XML = 256 * 1024;
/** Real signatures hold under a dozen blobs (CDs, requirements, entitlements, constraints, CMS). */
export const MAX_BLOBS = 64;
/** Longest identifier / team id read. */
const MAX_CD_STRING = 4096;

/** Fixed size of a CodeDirectory header for each version that grows it. */
function codeDirectoryHeaderSize(version: number): number {
  if (version >= CS_SUPPORTSLINKAGE) return 112;
  if (version >= CS_SUPPORTSRUNTIME) return 96;
  if (version >= CS_SUPPORTSEXECSEG) return 88;
  if (version >= CS_SUPPORTSCODELIMIT64) return 64;
  if (version >= CS_SUPPORTSTEAMID) return 52;
  if (version >= CS_SUPPORTSSCATTER) return 48;
  return 44;
}

/**
 * Parses the signature at `range` (slice-relative dataoff/datasize). Throws
 * BinaryParseError when the range is outside the slice or the SuperBlob header
 * is unreadable; a bad individual blob is an anomaly.
 */
export function parseCodeSignature(reader: Reader, range: ByteRange, log: AnomalyLog): CodeSignature {
  const result: CodeSignature = {
    range,
    superBlob: null,
    codeDirectories: [],
    cms: null,
    requirements: null,
    entitlements: null,
    derEntitlements: null,
  };
  const sig = reader.view(range.offset, range.length, 'code signature', false);
  if (sig.length < SUPERBLOB_HEADER) sig.fail(0, `code signature of ${sig.length} bytes is smaller than a SuperBlob header`);
  const magic = sig.u32(0);
  if (magic !== CSMAGIC_EMBEDDED_SIGNATURE) sig.fail(0, `code signature magic 0x${magic.toString(16)} is not CSMAGIC_EMBEDDED_SIGNATURE (0xfade0cc0)`);
  let length = sig.u32(4);
  if (length > sig.length || length < SUPERBLOB_HEADER) {
    log.add(sig.base + 4, 'macho.codesig.length', `SuperBlob length ${length} does not fit the ${sig.length}-byte LC_CODE_SIGNATURE range`);
    length = Math.max(SUPERBLOB_HEADER, Math.min(length, sig.length));
  }
  const blob = sig.sub(0, length);
  const count = blob.u32(8);
  const fits = Math.floor((length - SUPERBLOB_HEADER) / BLOB_INDEX_SIZE);
  if (count > fits) blob.fail(8, `SuperBlob count ${count} but only ${fits} index entries fit in its ${length} bytes`);
  const superBlob = { magic, length, count, index: [] as BlobIndexEntry[] };
  result.superBlob = superBlob;
  let read = count;
  if (read > MAX_BLOBS) {
    log.add(blob.base + 8, 'macho.codesig.count', `SuperBlob count ${count} is more than any real signature has; reading the first ${MAX_BLOBS} blobs`);
    read = MAX_BLOBS;
  }

  for (let i = 0; i < read; i++) {
    const at = SUPERBLOB_HEADER + i * BLOB_INDEX_SIZE;
    reader.spend(1, blob.base + at);
    const type = blob.u32(at);
    const offset = blob.u32(at + 4);
    const entry: BlobIndexEntry = { type, typeName: slotTypeName(type), offset, magic: null, magicName: null };
    superBlob.index.push(entry);
    log.attempt('macho.codesig.blob', () => {
      if (offset < SUPERBLOB_HEADER + count * BLOB_INDEX_SIZE) blob.fail(at + 4, `blob ${entry.typeName} at offset ${offset} lies inside the SuperBlob index`);
      const head = blob.sub(offset, BLOB_HEADER);
      const bmagic = head.u32(0);
      const blength = head.u32(4);
      entry.magic = bmagic;
      entry.magicName = blobMagicName(bmagic);
      if (blength < BLOB_HEADER) head.fail(4, `blob ${entry.typeName} length ${blength} is below its 8-byte header`);
      const b = blob.sub(offset, blength);
      const brange = { offset: b.base, length: blength };
      decodeBlob(type, entry.typeName, bmagic, b, brange, result, reader, log);
    });
  }
  if (result.codeDirectories.length === 0) log.add(sig.base, 'macho.codesig.no-codedirectory', 'the code signature has no readable CodeDirectory');
  return result;
}

function expectMagic(b: View, magic: number, want: number, what: string): void {
  if (magic !== want) b.fail(0, `${what} slot holds magic 0x${magic.toString(16)} (${blobMagicName(magic)}), expected ${blobMagicName(want)}`);
}

function once<T>(current: T | null, b: View, what: string): void {
  if (current !== null) b.fail(0, `a second ${what} blob: ignored`);
}

function decodeBlob(type: number, typeName: string, magic: number, b: View, range: ByteRange, result: CodeSignature, reader: Reader, log: AnomalyLog): void {
  if (isCodeDirectorySlot(type)) {
    expectMagic(b, magic, CSMAGIC_CODEDIRECTORY, typeName);
    result.codeDirectories.push(parseCodeDirectory(type, b, range, reader, log));
    return;
  }
  switch (type) {
    case CSSLOT_REQUIREMENTS: {
      expectMagic(b, magic, CSMAGIC_REQUIREMENTS, typeName);
      once(result.requirements, b, typeName);
      const count = b.u32(8);
      const fits = Math.floor((b.length - 12) / 8);
      if (count > fits) b.fail(8, `requirements count ${count} but only ${fits} entries fit in ${b.length} bytes`);
      result.requirements = { range, count };
      return;
    }
    case CSSLOT_ENTITLEMENTS: {
      expectMagic(b, magic, CSMAGIC_EMBEDDED_ENTITLEMENTS, typeName);
      once(result.entitlements, b, typeName);
      const n = b.length - BLOB_HEADER;
      if (n > MAX_ENTITLEMENTS_XML) log.add(b.base, 'macho.codesig.entitlements', `entitlements plist of ${n} bytes cut to ${MAX_ENTITLEMENTS_XML}`);
      result.entitlements = { range, xml: decodeUtf8(b.slice(BLOB_HEADER, Math.min(n, MAX_ENTITLEMENTS_XML))) };
      return;
    }
    case CSSLOT_DER_ENTITLEMENTS:
      expectMagic(b, magic, CSMAGIC_EMBEDDED_DER_ENTITLEMENTS, typeName);
      once(result.derEntitlements, b, typeName);
      result.derEntitlements = { range };
      return;
    case CSSLOT_SIGNATURESLOT:
      expectMagic(b, magic, CSMAGIC_BLOBWRAPPER, typeName);
      once(result.cms, b, typeName);
      result.cms = { range, der: { offset: range.offset + BLOB_HEADER, length: range.length - BLOB_HEADER }, empty: range.length === BLOB_HEADER };
      return;
    default:
      // Other slots (launch constraints, ...) are listed in the index only.
      return;
  }
}

function parseCodeDirectory(slotType: number, b: View, range: ByteRange, reader: Reader, log: AnomalyLog): CodeDirectory {
  const version = b.u32(8);
  const headerSize = codeDirectoryHeaderSize(version);
  if (b.length < headerSize) b.fail(4, `CodeDirectory version 0x${version.toString(16)} needs ${headerSize} bytes, blob has ${b.length}`);
  const flags = b.u32(12);
  const hashOffset = b.u32(16);
  const identOffset = b.u32(20);
  const nSpecialSlots = b.u32(24);
  const nCodeSlots = b.u32(28);
  let codeLimit = b.u32(32);
  const hashSize = b.u8(36);
  const hashType = b.u8(37);
  const platform = b.u8(38);
  const pageSizeLog2 = b.u8(39);
  if (pageSizeLog2 > 30) b.fail(39, `CodeDirectory page size 2^${pageSizeLog2} is not plausible`);
  const pageSize = pageSizeLog2 === 0 ? 0 : 2 ** pageSizeLog2;

  // Hash slots: special slots before hashOffset, code slots from it; all inside the blob.
  if (hashSize === 0) b.fail(36, 'CodeDirectory hashSize is 0');
  const specialBytes = nSpecialSlots * hashSize;
  const codeBytes = nCodeSlots * hashSize;
  if (hashOffset < headerSize || hashOffset > b.length) b.fail(16, `CodeDirectory hashOffset ${hashOffset} is outside [${headerSize}, ${b.length}]`);
  if (specialBytes > hashOffset - headerSize) b.fail(24, `CodeDirectory nSpecialSlots ${nSpecialSlots} × ${hashSize} bytes do not fit before hashOffset ${hashOffset}`);
  if (codeBytes > b.length - hashOffset) b.fail(28, `CodeDirectory nCodeSlots ${nCodeSlots} × ${hashSize} bytes run past the ${b.length}-byte blob`);
  reader.spend(1, b.base);

  if (identOffset < headerSize || identOffset >= b.length) b.fail(20, `CodeDirectory identOffset ${identOffset} is outside [${headerSize}, ${b.length})`);
  const identifier = b.cstr(identOffset, MAX_CD_STRING);

  let teamId: string | null = null;
  if (version >= CS_SUPPORTSTEAMID) {
    const teamOffset = b.u32(48);
    if (teamOffset !== 0) {
      if (teamOffset < headerSize || teamOffset >= b.length) b.fail(48, `CodeDirectory teamOffset ${teamOffset} is outside [${headerSize}, ${b.length})`);
      teamId = b.cstr(teamOffset, MAX_CD_STRING);
    }
  }
  if (version >= CS_SUPPORTSCODELIMIT64) {
    const limit64 = b.u64(56);
    if (limit64 !== 0) codeLimit = limit64;
  }

  const info = hashTypeInfo(hashType);
  if (info === null) log.add(b.base + 37, 'macho.codesig.hashtype', `CodeDirectory hash type ${hashType} is unknown`);
  else if (info.size !== hashSize) log.add(b.base + 36, 'macho.codesig.hashsize', `CodeDirectory hashSize ${hashSize} does not match ${info.name} (${info.size} bytes)`);
  const expectedSlots = pageSize === 0 ? (codeLimit > 0 ? 1 : 0) : Math.ceil(codeLimit / pageSize);
  if (expectedSlots !== nCodeSlots) {
    log.add(b.base + 28, 'macho.codesig.ncodeslots', `CodeDirectory has ${nCodeSlots} code slots but codeLimit ${codeLimit} / page ${pageSize} needs ${expectedSlots}`);
  }
  if (codeLimit > reader.size) log.add(b.base + 32, 'macho.codesig.codelimit', `CodeDirectory codeLimit ${codeLimit} is beyond the ${reader.size}-byte slice`);

  const cd: CodeDirectory = {
    slotType,
    range,
    version,
    versionHex: `0x${version.toString(16)}`,
    flags,
    flagNames: codeDirectoryFlagNames(flags),
    hashOffset,
    hashType,
    hashTypeName: hashTypeName(hashType),
    hashSize,
    pageSize,
    codeLimit,
    identifier,
    teamId,
    nSpecialSlots,
    nCodeSlots,
    platform,
    codeSlots: { offset: range.offset + hashOffset, length: codeBytes },
    specialSlots: { offset: range.offset + hashOffset - specialBytes, length: specialBytes },
  };
  if (version >= CS_SUPPORTSEXECSEG) {
    cd.execSegBase = b.u64(64);
    cd.execSegLimit = b.u64(72);
    const esf = b.u64(80);
    cd.execSegFlags = esf;
    cd.execSegFlagNames = execSegFlagNames(esf % 2 ** 32);
  }
  if (version >= CS_SUPPORTSRUNTIME) cd.runtime = formatVersion(b.u32(88));
  return cd;
}
