/**
 * A wheel's claims made explicit: one Target per distinct platform its
 * filename's platform tags name. Spellings of one platform merge into one
 * target that lists them all as claims (manylinux2014_x86_64 and
 * manylinux_2_17_x86_64); a multi-architecture macOS tag becomes one target
 * per architecture (universal2 → x86_64 + arm64, intel → i386 + x86_64), and
 * arm64 never has a minimum below macOS 11.0, the first release that runs on
 * Apple silicon. Different floors for one architecture stay separate targets
 * (manylinux_2_12_x86_64.manylinux_2_17_x86_64 promises both; each is checked).
 *
 * A pure wheel ('any') has no targets; neither has an Emscripten tag (no
 * native architecture to check) nor a tag that does not parse (reported by
 * wheel.platform-tag-unknown).
 *
 * @example
 * wheelTargets(model) // for demo-1.0-cp38-abi3-macosx_10_9_universal2.whl:
 * // [{ id: 'macos-x86_64-10.9', ... }, { id: 'macos-arm64-11.0', policy: 'macosx_11_0', claims: ['macosx_10_9_universal2'], ... }]
 */
import { compareVersions } from '../../version.ts';
import { targetId, type PythonAbi, type Target } from '../../target.ts';
import type { WheelFilename } from './filename.ts';
import type { WheelModel } from './model.ts';
import { parseAbiTag, parsePlatformTag, parsePythonTag, type PlatformTag } from './tags.ts';

/** The Python runtime the filename's python and ABI tags describe. */
export function wheelPythonAbi(f: Pick<WheelFilename, 'pythonTags' | 'abiTags'>): PythonAbi {
  const abi = f.abiTags.join('.');
  let minimum: string | null = null;
  if (f.abiTags.some((a) => parseAbiTag(a).kind === 'abi3')) {
    for (const p of f.pythonTags.map(parsePythonTag)) {
      if (p.implementation !== 'cp' || !p.version) continue;
      if (minimum === null || compareVersions(p.version, minimum) < 0) minimum = p.version;
    }
  }
  return { interpreters: [...f.pythonTags], abi, minimum };
}

/** The targets (without id and claims) one platform tag stands for. */
export function platformTargets(tag: PlatformTag, python: PythonAbi | null): Omit<Target, 'id' | 'claims'>[] {
  const base = { python, node: null };
  switch (tag.kind) {
    case 'manylinux':
      return [{ ...base, os: 'linux', arch: tag.archs[0]!, libc: { kind: 'glibc', minVersion: tag.glibc }, minOs: null, policy: tag.policy }];
    case 'musllinux':
      return [{ ...base, os: 'linux', arch: tag.archs[0]!, libc: { kind: 'musl', minVersion: tag.musl }, minOs: null, policy: tag.policy }];
    case 'linux':
      return [{ ...base, os: 'linux', arch: tag.archs[0]!, libc: { kind: 'glibc', minVersion: null }, minOs: null, policy: 'linux' }];
    case 'macosx':
      return tag.archs.map((arch) => {
        const minOs = arch === 'arm64' && compareVersions(tag.version, '11.0') < 0 ? '11.0' : tag.version;
        return { ...base, os: 'macos', arch, libc: null, minOs, policy: `macosx_${minOs.replace('.', '_')}` };
      });
    case 'windows':
      return [{ ...base, os: 'windows', arch: tag.archs[0]!, libc: null, minOs: null, policy: null }];
    case 'android':
      return [{ ...base, os: 'android', arch: tag.archs[0]!, libc: { kind: 'bionic', minVersion: null }, minOs: String(tag.api), policy: `android_${tag.api}` }];
    case 'ios':
      return [{ ...base, os: 'ios', arch: tag.archs[0]!, libc: null, minOs: tag.version, policy: null }];
    case 'any':
    case 'emscripten':
    case 'unknown':
      return [];
  }
}

/** One target per distinct platform the filename claims, in the order the platform tags are written. */
export function wheelTargets(model: WheelModel): Target[] {
  const f = model.parsed;
  if (!f) return [];
  const python = wheelPythonAbi(f);
  const byId = new Map<string, Target>();
  for (const raw of f.platformTags) {
    for (const t of platformTargets(parsePlatformTag(raw), python)) {
      const id = targetId(t);
      const seen = byId.get(id);
      if (seen) {
        if (!seen.claims.includes(raw)) seen.claims.push(raw);
      } else {
        byId.set(id, { id, ...t, claims: [raw] });
      }
    }
  }
  return [...byId.values()];
}
