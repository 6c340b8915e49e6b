/**
 * The wheel's filename: can installers parse it, and are its platform tags
 * ones that installers and PyPI know.
 */
import type { Check, Rule } from '../../audit/types.ts';
import { PYPI_MACOS_MAJORS, parsePlatformTag, pypiPlatformVerdict } from '../../artifact/wheel/tags.ts';
import { targetsOfPlatforms, wheelOf } from './common.ts';

export const FILENAME_INVALID: Check = {
  id: 'wheel.filename-invalid',
  severity: 'error',
  title: 'Wheel filename cannot be parsed',
  explain:
    'A wheel\'s filename is part of its format: `{name}-{version}(-{build})?-{python tag}-{abi tag}-{platform tag}.whl`. ' +
    'Installers decide from it alone whether the wheel fits the running interpreter and platform, so a name that does not parse ' +
    '(wrong number of `-`-separated parts, a version that is not PEP 440, a build tag that does not start with a digit, an empty tag) ' +
    'is refused: pip says `Invalid wheel filename` (or `... is not a valid wheel filename`), and PyPI rejects the upload. ' +
    'None of the wheel\'s claims can be checked either, since they are read from the name.',
  fix:
    'Let the build backend name the wheel (`python -m build`, `pip wheel`, maturin, scikit-build-core...) instead of renaming it by hand. ' +
    'Escape the distribution name (runs of `-`, `_`, `.` become `_`) and the version (`-` becomes `_`) as the binary distribution format spec says.',
};

export const PLATFORM_TAG_UNKNOWN: Check = {
  id: 'wheel.platform-tag-unknown',
  severity: 'warning',
  title: 'Platform tag that distaudit does not know',
  explain:
    'The filename names a platform tag that is none of manylinux, musllinux, linux, macosx, win, android, ios or Emscripten as the ' +
    'platform compatibility tags spec defines them (for example `macosx_11_0_amd64`, where macOS says `x86_64`, or `manylinux_2_17_x86`). ' +
    'An installer only picks a wheel whose tag its own platform generates, so a misspelled tag means the wheel is never installed ' +
    '(`... is not a supported wheel on this platform`). PyPI refuses such uploads too. Tags of platforms distaudit does not model ' +
    '(FreeBSD, Cygwin...) land here as well: no target is made for them, so their binaries are not checked against a claim.',
  fix: 'Use the tag the build tool computes for the target platform (`python -c "import sysconfig; print(sysconfig.get_platform())"` on it, with `-` and `.` replaced by `_`), or let cibuildwheel / auditwheel / delocate set it.',
};

export const PLATFORM_TAG_REJECTED_BY_PYPI: Check = {
  id: 'wheel.platform-tag-rejected-by-pypi',
  severity: 'warning',
  title: 'Platform tag that PyPI refuses',
  explain:
    'PyPI accepts only platform tags on its allowlist: `linux_*` tags are refused (except `linux_armv6l` / `linux_armv7l`) because a wheel ' +
    'built on one distribution promises nothing about the glibc and libraries of another, and macOS tags from 11 on must have minor version 0 ' +
    '(`macosx_11_0_arm64`, not `macosx_11_2_arm64`): since Big Sur, installers only generate `macosx_<major>_0` tags, so pip would also report ' +
    '`... is not a supported wheel on this platform` for such a wheel. The upload fails with `400 Binary wheel ... has an unsupported platform tag`. ' +
    'A private index may accept the tag, so this is a warning.',
  fix:
    'On Linux, build in a manylinux or musllinux image and run `auditwheel repair`, which retags the wheel (`manylinux_2_28_x86_64`...) after bundling the libraries it needs. ' +
    'On macOS, set `MACOSX_DEPLOYMENT_TARGET` to a `<major>.0` release (11.0, 12.0...) or let `delocate-wheel` compute the tag.',
};

const PART_HINTS: Record<string, string> = {
  extension: 'A wheel file name ends in `.whl`.',
  parts: 'Escape `-` inside the name and version as `_`, so that only the separators remain: name-version[-build]-python-abi-platform.whl.',
  name: 'Escape the distribution name: letters, digits and `_` (runs of `-`, `_`, `.` become one `_`).',
  version: 'Use a PEP 440 version (e.g. `1.2.0`, `1.2.0rc1`, `1.2.0.post1`).',
  build: 'The optional build tag must start with a digit (e.g. `1`, `2_ubuntu`), or drop it.',
  tags: 'Each of the python, abi and platform parts needs at least one tag; compressed sets are joined by `.` without empty members.',
};

export const wheelFilenameRule: Rule = {
  name: 'wheel-filename',
  kinds: ['wheel'],
  checks: [FILENAME_INVALID, PLATFORM_TAG_UNKNOWN, PLATFORM_TAG_REJECTED_BY_PYPI],
  run(ctx) {
    const wheel = wheelOf(ctx);
    if (!wheel) return;
    if (wheel.filenameError) {
      ctx.report(FILENAME_INVALID, {
        message: `${wheel.filename}: ${wheel.filenameError.reason}`,
        evidence: { filename: wheel.filename, part: wheel.filenameError.part, reason: wheel.filenameError.reason },
        hint: PART_HINTS[wheel.filenameError.part] ?? FILENAME_INVALID.fix,
      });
      return;
    }
    const f = wheel.parsed!;
    for (const raw of f.platformTags) {
      const tag = parsePlatformTag(raw);
      const verdict = pypiPlatformVerdict(raw);
      if (tag.kind === 'unknown') {
        ctx.report(PLATFORM_TAG_UNKNOWN, {
          message: `platform tag ${raw} in ${wheel.filename}: ${tag.reason}; no target is checked for it${verdict.accepted ? '' : ', and PyPI refuses it'}`,
          evidence: { tag: raw, reason: tag.reason, pypiAccepts: verdict.accepted },
          hint: `Check the spelling of ${raw} against the platform compatibility tags spec.`,
        });
        continue;
      }
      if (!verdict.accepted) {
        const mac = tag.kind === 'macosx' && tag.major >= 11 && tag.minor !== 0 ? tag : null;
        const fixed = mac ? `macosx_${mac.major}_0_${mac.archName}` : null;
        const nextMajor = mac ? (PYPI_MACOS_MAJORS.find((v) => v > mac.major) ?? mac.major + 1) : null;
        ctx.report(PLATFORM_TAG_REJECTED_BY_PYPI, {
          message: `platform tag ${raw} in ${wheel.filename}: ${verdict.reason}`,
          targets: targetsOfPlatforms(ctx, [raw]),
          evidence: { tag: raw, reason: verdict.reason, ...(fixed ? { suggested: fixed } : {}) },
          hint: mac
            ? `Rebuild with MACOSX_DEPLOYMENT_TARGET=${mac.major}.0 and tag the wheel ${fixed}; if the binaries really need macOS ${mac.version}, the closest tag installers match is macosx_${nextMajor}_0_${mac.archName}.`
            : tag.kind === 'linux'
              ? `Repair the wheel in a manylinux or musllinux image: \`auditwheel repair ${wheel.filename}\` gives it a manylinux tag if its binaries allow one.`
              : PLATFORM_TAG_REJECTED_BY_PYPI.fix,
        });
      }
    }
  },
};
