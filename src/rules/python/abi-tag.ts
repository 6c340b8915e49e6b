/**
 * What a wheel's Python ABI tag says about the interpreter that loads its
 * extension modules (PEP 425, PEP 703 for `t`, `d`/`m` for debug/pymalloc
 * builds of old CPythons).
 *
 * ```ts
 * parseAbiTag('cp311');   // { kind: 'cpython', version: '3.11', freeThreaded: false, debug: false }
 * parseAbiTag('cp313t');  // { kind: 'cpython', version: '3.13', freeThreaded: true, debug: false }
 * parseAbiTag('cp37dm');  // { kind: 'cpython', version: '3.7', freeThreaded: false, debug: true }
 * parseAbiTag('abi3');    // { kind: 'abi3' }
 * ```
 */
import type { Os, Target } from '../../target.ts';
import type { BinaryFacts } from '../../binary/describe.ts';

export type AbiTag =
  | { kind: 'cpython'; version: string; freeThreaded: boolean; debug: boolean }
  | { kind: 'abi3' }
  | { kind: 'none' }
  | { kind: 'other'; tag: string };

/** 'cp311' → '3.11', 'cp37' → '3.7', 'cp3' → null. */
export function cpVersion(digits: string): string | null {
  const m = /^(\d)(\d+)$/.exec(digits);
  return m ? `${m[1]}.${Number(m[2])}` : null;
}

export function parseAbiTag(tag: string): AbiTag {
  if (tag === 'abi3') return { kind: 'abi3' };
  if (tag === 'none') return { kind: 'none' };
  const m = /^cp(\d+)(t?)(d?)(m?)(u?)$/.exec(tag);
  const version = m ? cpVersion(m[1]!) : null;
  if (m && version) return { kind: 'cpython', version, freeThreaded: m[2] === 't', debug: m[3] === 'd' };
  return { kind: 'other', tag };
}

/** The CPython versions a target's interpreter tags name ('cp38' → '3.8'); 'py3' and others give nothing. */
export function interpreterVersions(target: Target): string[] {
  return (target.python?.interpreters ?? []).flatMap((i) => {
    const m = /^cp(\d+)$/.exec(i);
    const v = m ? cpVersion(m[1]!) : null;
    return v ? [v] : [];
  });
}

/** The operating systems a binary of this format runs on, to match binaries with the targets they serve. */
export function osesOf(format: BinaryFacts['format']): Os[] {
  switch (format) {
    case 'elf':
      return ['linux', 'android', 'freebsd'];
    case 'macho':
      return ['macos', 'ios'];
    case 'pe':
      return ['windows'];
  }
}

/** The targets among `targets` that a binary of this format can serve; all of them if none matches by OS. */
export function targetsForFormat(targets: Target[], format: BinaryFacts['format']): Target[] {
  const oses = osesOf(format);
  const same = targets.filter((t) => oses.includes(t.os));
  return same.length > 0 ? same : targets;
}

/** A readable name of a target's Python claim: 'cp311', 'cp37-abi3', 'cp313t'. */
export function pythonClaim(target: Target): string {
  const py = target.python;
  if (!py) return 'no Python ABI';
  if (py.abi === 'abi3') return `${py.minimum ? `cp${py.minimum.replace('.', '')}` : (py.interpreters[0] ?? 'cp3')}-abi3`;
  if (py.abi === 'none') return `${py.interpreters.join('.') || 'py3'}-none`;
  return py.abi;
}
