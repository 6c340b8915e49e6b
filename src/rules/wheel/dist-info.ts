/**
 * The .dist-info directory: there is exactly one, its METADATA agrees with the
 * filename, its WHEEL file is valid and lists the filename's tags.
 */
import type { Check, Rule } from '../../audit/types.ts';
import { canonicalizeName, escapeName } from '../../artifact/wheel/filename.ts';
import { splitDistInfoName } from '../../artifact/wheel/model.ts';
import { sameVersion } from '../../artifact/wheel/pep440.ts';
import { tripleText, expandTagSets } from '../../artifact/wheel/tags.ts';
import { wheelOf, readInFull } from './common.ts';
import { listSome } from '../messages.ts';

export const DIST_INFO_MISSING: Check = {
  id: 'wheel.dist-info-missing',
  severity: 'error',
  title: 'No .dist-info directory',
  explain:
    'Every wheel carries a top-level `{name}-{version}.dist-info/` directory with METADATA, WHEEL and RECORD; it is how installers learn ' +
    'what they are installing and how uninstallers learn what to remove. Without it the file is a zip, not a wheel: pip stops with ' +
    '`... .dist-info directory not found` and PyPI refuses the upload (`WHEEL not found at ...`).',
  fix: 'Build the wheel with a build backend (`python -m build`, `pip wheel .`) rather than zipping a directory; a repair tool that rewrites the wheel must keep the .dist-info directory.',
};

export const DIST_INFO_MULTIPLE: Check = {
  id: 'wheel.dist-info-multiple',
  severity: 'error',
  title: 'More than one .dist-info directory',
  explain:
    'A wheel holds exactly one distribution, so it has exactly one top-level `.dist-info` directory. A second one usually comes from ' +
    'vendoring another package\'s installed files at the top level or from repacking two wheels into one. pip refuses it ' +
    '(`multiple .dist-info directories found`), and tools that read RECORD or METADATA may read the wrong one.',
  fix: 'Keep only the `.dist-info` of this distribution at the top level; vendored packages go inside your package (without their .dist-info) or become dependencies.',
};

export const METADATA_MISSING: Check = {
  id: 'wheel.metadata-missing',
  severity: 'error',
  title: 'METADATA missing or unreadable',
  explain:
    'The `.dist-info/METADATA` file holds the core metadata (name, version, dependencies, Requires-Python). Without it, or when it is not ' +
    'UTF-8 text, installers cannot resolve dependencies or check the Python version: pip refuses the wheel (`... has an invalid wheel, ...`), ' +
    'and PyPI refuses the upload.',
  fix: 'Rebuild with a standard build backend; if a tool post-processes the wheel, make sure it writes METADATA back as UTF-8.',
};

export const METADATA_MISMATCH: Check = {
  id: 'wheel.metadata-mismatch',
  severity: 'error',
  title: 'METADATA or .dist-info name disagrees with the filename',
  explain:
    'The name and version in the filename, in the `.dist-info` directory name and in METADATA (`Name:`, `Version:`) must be the same ' +
    'distribution (names compared after PEP 503 normalization, versions as PEP 440 versions). When they differ, pip stops with ' +
    '`Requested ... has inconsistent version: expected \'1.0\', but metadata has \'1.1\'` (or `inconsistent name`, or ' +
    '`.dist-info directory ... does not start with ...`), and PyPI refuses the upload. It usually means the wheel was renamed by hand or the version ' +
    'was bumped in one place only.',
  fix: 'Set the version in one place (pyproject.toml, or a dynamic version from the VCS) and rebuild; never rename a wheel file to change its name or version.',
};

export const WHEEL_FILE_MISSING: Check = {
  id: 'wheel.wheel-file-missing',
  severity: 'error',
  title: 'WHEEL file missing or unreadable',
  explain:
    'The `.dist-info/WHEEL` file says which version of the wheel format the archive uses (`Wheel-Version`) and whether its root installs to ' +
    'purelib or platlib (`Root-Is-Purelib`). Installers read it first: pip fails with `... has an invalid wheel, could not read ... WHEEL file` ' +
    'and PyPI refuses the upload (`WHEEL not found at ...`).',
  fix: 'Rebuild with a standard build backend; repair tools (auditwheel, delocate, delvewheel) keep WHEEL when they rewrite a wheel.',
};

export const WHEEL_FILE_INVALID: Check = {
  id: 'wheel.wheel-file-invalid',
  severity: 'error',
  title: 'WHEEL file is invalid',
  explain:
    'WHEEL must carry `Wheel-Version: 1.x` and `Root-Is-Purelib: true|false`. A missing or major-2+ Wheel-Version makes pip refuse the wheel ' +
    '(`WHEEL is missing Wheel-Version`, `demo\'s Wheel-Version (2.0) is not compatible with this version of pip`). A missing or invalid ' +
    'Root-Is-Purelib leaves the install location undefined: pip silently treats anything but `true` as platlib, and check-wheel-contents stops with ' +
    '`Root-Is-Purelib header not found` / `Invalid Root-Is-Purelib value`. Lines that are not `Key: value` headers are dropped by the parsers.',
  fix: 'Rebuild with a standard build backend, or fix the tool that writes WHEEL: `Wheel-Version: 1.0`, `Generator: ...`, `Root-Is-Purelib: false` for a wheel with native code, one `Tag:` line per expanded tag.',
};

export const TAGS_MISMATCH: Check = {
  id: 'wheel.tags-mismatch',
  severity: 'warning',
  title: 'WHEEL Tag lines disagree with the filename',
  explain:
    'WHEEL lists the wheel\'s expanded tags, one `Tag:` line per python-abi-platform combination, and they should equal the filename\'s. ' +
    'Installers decide from the filename, but repair and inspection tools (auditwheel, delocate, `wheel tags`) read and rewrite the Tag lines, ' +
    'so a disagreement usually means the wheel was renamed by hand after the build: the name claims something the build did not produce.',
  fix: 'Retag with a tool that updates both (`wheel tags --platform-tag ...`, `auditwheel repair`, `delocate-wheel`) instead of renaming the file.',
};

export const wheelDistInfoRule: Rule = {
  name: 'wheel-dist-info',
  kinds: ['wheel'],
  checks: [DIST_INFO_MISSING, DIST_INFO_MULTIPLE, METADATA_MISSING, METADATA_MISMATCH, WHEEL_FILE_MISSING, WHEEL_FILE_INVALID, TAGS_MISMATCH],
  run(ctx) {
    const wheel = wheelOf(ctx);
    if (!wheel || !readInFull(ctx)) return;
    const f = wheel.parsed;
    const expected = f ? `${escapeName(f.distribution)}-${f.version.replace(/-/g, '_')}.dist-info` : null;

    if (wheel.distInfoDirs.length === 0) {
      ctx.report(DIST_INFO_MISSING, {
        message: `${wheel.filename} has no top-level .dist-info directory${expected ? ` (expected ${expected}/)` : ''}`,
        evidence: { expected },
      });
      return;
    }
    if (wheel.distInfoDirs.length > 1) {
      ctx.report(DIST_INFO_MULTIPLE, {
        message: `${wheel.distInfoDirs.length} .dist-info directories: ${wheel.distInfoDirs.join(', ')}`,
        evidence: { dirs: wheel.distInfoDirs, used: wheel.distInfo },
        hint: `Keep ${wheel.distInfo} and remove the others.`,
      });
    }
    const distInfo = wheel.distInfo!;

    // METADATA
    if (!wheel.metadata || !wheel.metadata.readable) {
      ctx.report(METADATA_MISSING, {
        message: wheel.metadata ? `${distInfo}/METADATA could not be read from the archive (see the archive finding about it)` : `${distInfo}/METADATA is missing`,
        file: `${distInfo}/METADATA`,
        evidence: { present: wheel.metadata !== null },
      });
    }
    if (f) {
      const mismatches: { field: string; filename: string; found: string | null; where: string }[] = [];
      const dir = splitDistInfoName(distInfo);
      if (!dir || canonicalizeName(dir.name) !== f.canonicalName) mismatches.push({ field: 'name', filename: f.distribution, found: dir?.name ?? distInfo, where: 'the .dist-info directory' });
      else if (!sameVersion(dir.version, f.version)) mismatches.push({ field: 'version', filename: f.version, found: dir.version, where: 'the .dist-info directory' });
      const m = wheel.metadata;
      if (m?.readable) {
        if (m.name === null) mismatches.push({ field: 'name', filename: f.distribution, found: null, where: 'METADATA' });
        else if (canonicalizeName(m.name) !== f.canonicalName) mismatches.push({ field: 'name', filename: f.distribution, found: m.name, where: 'METADATA' });
        if (m.version === null) mismatches.push({ field: 'version', filename: f.version, found: null, where: 'METADATA' });
        else if (!sameVersion(m.version, f.version)) mismatches.push({ field: 'version', filename: f.version, found: m.version, where: 'METADATA' });
      }
      for (const mm of mismatches) {
        const file = mm.where === 'METADATA' ? `${distInfo}/METADATA` : null;
        ctx.report(METADATA_MISMATCH, {
          message:
            mm.found === null
              ? `${distInfo}/METADATA has no ${mm.field === 'name' ? 'Name' : 'Version'} field (the filename says ${mm.filename})`
              : `${mm.where === 'METADATA' ? `${distInfo}/METADATA` : distInfo} says ${mm.field} ${mm.found}, the filename says ${mm.filename}`,
          file,
          evidence: { field: mm.field, where: mm.where, filename: mm.filename, found: mm.found },
          hint: mm.where === 'METADATA' ? `Rebuild so that METADATA and the filename both come from the project's ${mm.field}.` : `Name the directory ${expected}.`,
        });
      }
    }

    // WHEEL
    const w = wheel.wheel;
    if (!w || !w.readable) {
      ctx.report(WHEEL_FILE_MISSING, {
        message: w ? `${distInfo}/WHEEL could not be read from the archive (see the archive finding about it)` : `${distInfo}/WHEEL is missing`,
        file: `${distInfo}/WHEEL`,
        evidence: { present: w !== null },
      });
      return;
    }
    const invalid = (message: string, evidence: Record<string, unknown>, hint?: string) => ctx.report(WHEEL_FILE_INVALID, { message, file: w.path, evidence, ...(hint ? { hint } : {}) });
    if (w.wheelVersion === null) invalid(`${w.path} has no Wheel-Version`, { field: 'Wheel-Version', value: null }, 'Add `Wheel-Version: 1.0`.');
    else {
      const major = /^(\d+)(?:\.\d+)*$/.exec(w.wheelVersion);
      if (!major) invalid(`${w.path}: Wheel-Version ${JSON.stringify(w.wheelVersion)} is not a version`, { field: 'Wheel-Version', value: w.wheelVersion }, 'Write `Wheel-Version: 1.0`.');
      else if (Number(major[1]) !== 1) invalid(`${w.path}: Wheel-Version ${w.wheelVersion} is not 1.x; installers refuse it`, { field: 'Wheel-Version', value: w.wheelVersion }, 'Write `Wheel-Version: 1.0`.');
    }
    if (w.rootIsPurelibRaw === null) invalid(`${w.path} has no Root-Is-Purelib`, { field: 'Root-Is-Purelib', value: null }, 'Add `Root-Is-Purelib: false` (true only for a wheel without native code).');
    else if (w.rootIsPurelib === null) {
      invalid(`${w.path}: Root-Is-Purelib ${JSON.stringify(w.rootIsPurelibRaw)} is neither true nor false`, { field: 'Root-Is-Purelib', value: w.rootIsPurelibRaw }, 'Write `Root-Is-Purelib: false` or `true`.');
    }
    for (const p of w.problems) invalid(`${w.path} line ${p.line}: ${p.message}`, { line: p.line, problem: p.message });

    // Tag lines vs the filename
    if (f) {
      const fromName = f.tags.map(tripleText);
      const inName = new Set(fromName);
      // Some tools (maturin) write the compressed set on one Tag line; compare what it stands for.
      const inWheel = new Set(w.tags.flatMap(expandTagLine));
      const missing = fromName.filter((t) => !inWheel.has(t));
      const extra = [...inWheel].filter((t) => !inName.has(t));
      if (missing.length || extra.length) {
        const parts: string[] = [];
        if (missing.length) parts.push(`filename tags not in WHEEL: ${listSome(missing, 3)}`);
        if (extra.length) parts.push(`WHEEL tags not in the filename: ${listSome(extra, 3)}`);
        ctx.report(TAGS_MISMATCH, {
          message: `${w.path} Tag lines disagree with ${wheel.filename}: ${parts.join('; ')}`,
          file: w.path,
          evidence: { filenameTags: fromName, wheelTags: w.tags, missingFromWheel: missing, notInFilename: extra },
          hint: w.tags.length === 0 ? 'Add one `Tag:` line per expanded tag of the filename.' : TAGS_MISMATCH.fix,
        });
      }
    }
  },
};

/** 'cp312-cp312-a.b' → ['cp312-cp312-a', 'cp312-cp312-b']; a line that is not a triple stays as written. */
function expandTagLine(line: string): string[] {
  const parts = line.split('-');
  if (parts.length !== 3) return [line];
  const [py, abi, plat] = parts as [string, string, string];
  return expandTagSets(py.split('.'), abi.split('.'), plat.split('.')).map(tripleText);
}
