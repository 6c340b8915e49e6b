/**
 * RECORD, the wheel's manifest: present, well-formed, listing every file with
 * a strong hash that matches the bytes, and nothing that is not there.
 * Hashes are verified against the sha256 the archive reader computed for each
 * entry (pip does not verify them; auditwheel and check-wheel-contents trust
 * RECORD without checking it).
 */
import type { Check, Rule } from '../../audit/types.ts';
import { verifyRecord } from '../../artifact/wheel/record.ts';
import { plural, reportEach, wheelOf, readInFull } from './common.ts';
import { listSome } from '../messages.ts';

export const RECORD_MISSING: Check = {
  id: 'record.missing',
  severity: 'error',
  title: 'RECORD missing or unreadable',
  explain:
    'RECORD lists every file of the wheel with its hash and size. Installers use it to verify the content and uninstallers to know what to ' +
    'remove; PyPI refuses a wheel without one, and installers have nothing to verify the content against. Tools that walk ' +
    'RECORD to find binaries (auditwheel) see nothing.',
  fix: 'Rebuild with a standard build backend; a tool that modifies the wheel must rewrite RECORD (`wheel pack` does).',
};

export const RECORD_MALFORMED: Check = {
  id: 'record.malformed',
  severity: 'error',
  title: 'RECORD is malformed',
  explain:
    'RECORD is a CSV file of `path,algorithm=digest,size` rows (the digest urlsafe base64 without padding). A row with the wrong number of fields, ' +
    'an unclosed quote, an undecodable digest, an unknown algorithm, a size that is not a number or a path outside the wheel (`..`, absolute) ' +
    'makes installers that read RECORD stop (pypa/installer: `expected 3 elements`) or, worse, compare against garbage. ' +
    'A path listed twice is reported as a warning.',
  fix: 'Let the build backend or `wheel pack` write RECORD; do not edit it by hand.',
};

export const RECORD_HASH_MISMATCH: Check = {
  id: 'record.hash-mismatch',
  severity: 'error',
  title: 'File content differs from its RECORD hash',
  explain:
    'The sha256 of the file in the archive is not the one RECORD lists. Either the file was changed after RECORD was written (a post-build ' +
    'patch, strip, signing or repair step that did not rewrite RECORD) or someone tampered with it. The spec says installers must verify these ' +
    'hashes and refuse the wheel; pip does not check them, so the modified file installs silently for pip users and the wheel fails with installers that do.',
  fix: 'Make the last tool that touches the wheel rewrite RECORD (`wheel unpack` / modify / `wheel pack`; auditwheel and delocate do this themselves); if nothing should have changed the file, treat the wheel as compromised.',
};

export const RECORD_SIZE_MISMATCH: Check = {
  id: 'record.size-mismatch',
  severity: 'error',
  title: 'File size differs from RECORD',
  explain:
    'The inflated size of the file is not the size RECORD lists, while the hash could not tell (it matches, it uses an algorithm other than sha256, ' +
    'or there is none). A wrong size means RECORD was written for other bytes or by a broken tool; installers that verify RECORD refuse the wheel.',
  fix: 'Rewrite RECORD from the final files (`wheel pack`).',
};

export const RECORD_UNLISTED_FILE: Check = {
  id: 'record.unlisted-file',
  severity: 'error',
  title: 'File in the wheel but not in RECORD',
  explain:
    'Every file except RECORD itself (and RECORD.jws / RECORD.p7s) must be listed in RECORD. An unlisted file is not covered by any hash or ' +
    'signature, is left behind by `pip uninstall`, and is invisible to tools that walk RECORD: auditwheel never inspects an unlisted ' +
    'shared library, so a binary that would fail the manylinux policy passes unseen. Installers that validate RECORD refuse the wheel; PyPI mails the maintainers.',
  fix: 'Rewrite RECORD after the last change to the wheel (`wheel pack`), or remove the file if it was added by accident.',
};

export const RECORD_PHANTOM_FILE: Check = {
  id: 'record.phantom-file',
  severity: 'warning',
  title: 'RECORD lists a file the wheel does not contain',
  explain:
    'RECORD names a file that is not in the archive. Usually a build or repair step removed or renamed the file (a library grafted under a new ' +
    'name, a stripped debug file) without rewriting RECORD. Installers that validate RECORD refuse the wheel, and the missing file may be ' +
    'one the package needs at import time.',
  fix: 'Rewrite RECORD from the final files (`wheel pack`), and check that the file was meant to go.',
};

export const RECORD_WEAK_HASH: Check = {
  id: 'record.weak-hash',
  severity: 'error',
  title: 'RECORD uses a forbidden hash algorithm',
  explain:
    'The spec requires sha256 or a stronger hashlib algorithm for RECORD; md5 and sha1 are forbidden because collisions can be made for them, ' +
    'which lets a modified file keep its listed hash. (sha224 is reported too: it is weaker than sha256.) Installers that verify RECORD refuse these rows.',
  fix: 'Rewrite RECORD with sha256 (`wheel pack`, or any current build backend).',
};

export const RECORD_NO_HASH: Check = {
  id: 'record.no-hash',
  severity: 'error',
  title: 'File listed in RECORD without a hash',
  explain:
    'Only RECORD itself (and RECORD.jws / RECORD.p7s) may be listed without a hash and size. Any other file without a hash is not protected by ' +
    'RECORD or its signature, and installers that verify RECORD refuse the wheel.',
  fix: 'Rewrite RECORD from the final files (`wheel pack`).',
};

export const wheelRecordRule: Rule = {
  name: 'wheel-record',
  kinds: ['wheel'],
  checks: [RECORD_MISSING, RECORD_MALFORMED, RECORD_HASH_MISMATCH, RECORD_SIZE_MISMATCH, RECORD_UNLISTED_FILE, RECORD_PHANTOM_FILE, RECORD_WEAK_HASH, RECORD_NO_HASH],
  run(ctx) {
    const wheel = wheelOf(ctx);
    // Without a .dist-info directory wheel.dist-info-missing says it all.
    if (!wheel?.distInfo || !readInFull(ctx)) return;
    const rec = wheel.record;
    const recordPath = `${wheel.distInfo}/RECORD`;
    if (!rec) {
      ctx.report(RECORD_MISSING, { message: `${recordPath} is missing`, file: recordPath, evidence: { present: false } });
      return;
    }
    if (!rec.readable) {
      ctx.report(RECORD_MALFORMED, { message: `${recordPath} could not be read from the archive (see the archive finding about it)`, file: recordPath, evidence: { readable: false } });
      return;
    }
    reportEach(
      ctx,
      RECORD_MALFORMED,
      rec.problems,
      (p) => ({
        message: `${recordPath} line ${p.line}: ${p.message}`,
        file: recordPath,
        severity: p.kind === 'duplicate' ? 'warning' : 'error',
        evidence: { line: p.line, kind: p.kind, path: p.path },
      }),
      (rest) => ({
        message: `${recordPath}: ${plural(rest.length, 'more problem')} (lines ${listSome(rest.map((p) => String(p.line)), 5)})`,
        file: recordPath,
        severity: rest.every((p) => p.kind === 'duplicate') ? 'warning' : 'error',
        evidence: { problems: rest },
      }),
    );

    const v = verifyRecord(rec.rows, ctx.scan.entries, recordPath);
    const binaries = new Set(ctx.binaries.map((b) => b.path));
    reportEach(
      ctx,
      RECORD_HASH_MISMATCH,
      v.hashMismatches,
      (m) => ({
        message: `${m.path}: sha256 ${m.actual} in the archive, ${m.recorded} in RECORD${m.recordedSize !== null && m.recordedSize !== m.actualSize ? ` (size ${m.actualSize}, RECORD says ${m.recordedSize})` : ''}`,
        file: m.path,
        evidence: { ...m },
      }),
      (rest) => ({ message: `${plural(rest.length, 'more file')} differ from their RECORD hash: ${listSome(rest.map((m) => m.path), 3)}`, evidence: { mismatches: rest } }),
    );
    reportEach(
      ctx,
      RECORD_SIZE_MISMATCH,
      v.sizeMismatches,
      (m) => ({ message: `${m.path}: ${m.actualSize} bytes in the archive, ${m.recordedSize} in RECORD`, file: m.path, evidence: { ...m } }),
      (rest) => ({ message: `${plural(rest.length, 'more file')} differ from their RECORD size: ${listSome(rest.map((m) => m.path), 3)}`, evidence: { mismatches: rest } }),
    );
    // Native binaries first: they are the ones RECORD-walking tools miss.
    const unlisted = [...v.unlisted].sort((a, b) => Number(binaries.has(b)) - Number(binaries.has(a)) || (a < b ? -1 : a > b ? 1 : 0));
    reportEach(
      ctx,
      RECORD_UNLISTED_FILE,
      unlisted,
      (p) => ({
        message: binaries.has(p) ? `${p} is not in RECORD (a native binary: tools that walk RECORD, like auditwheel, never inspect it)` : `${p} is not in RECORD`,
        file: p,
        evidence: { path: p, nativeBinary: binaries.has(p) },
      }),
      (rest) => ({ message: `${plural(rest.length, 'more file')} not in RECORD: ${listSome(rest, 3)}`, evidence: { paths: rest, nativeBinaries: rest.filter((p) => binaries.has(p)) } }),
    );
    reportEach(
      ctx,
      RECORD_PHANTOM_FILE,
      v.phantom,
      (p) => ({ message: `RECORD lists ${p}, which is not in the wheel`, file: p, evidence: { path: p } }),
      (rest) => ({ message: `RECORD lists ${plural(rest.length, 'more file')} not in the wheel: ${listSome(rest, 3)}`, evidence: { paths: rest } }),
    );
    reportEach(
      ctx,
      RECORD_WEAK_HASH,
      v.weak,
      (w) => ({ message: `${w.path} is hashed with ${w.algorithm} in RECORD`, file: w.path, evidence: { ...w } }),
      (rest) => ({ message: `${plural(rest.length, 'more file')} hashed with a weak algorithm (${[...new Set(rest.map((w) => w.algorithm))].join(', ')})`, evidence: { rows: rest } }),
    );
    reportEach(
      ctx,
      RECORD_NO_HASH,
      v.noHash,
      (p) => ({ message: `${p} is listed in RECORD without a hash`, file: p, evidence: { path: p } }),
      (rest) => ({ message: `${plural(rest.length, 'more file')} listed in RECORD without a hash: ${listSome(rest, 3)}`, evidence: { paths: rest } }),
    );
  },
};
