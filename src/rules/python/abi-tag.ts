/**
 * Small helpers about a target's Python claim, shared by the Python, abi3 and
 * Windows rules. Tag parsing itself lives in src/artifact/wheel/tags.ts.
 */
import type { Os, Target } from '../../target.ts';
import type { BinaryFacts } from '../../binary/describe.ts';
import { parsePythonTag } from '../../artifact/wheel/tags.ts';

/** The CPython versions a target's interpreter tags name ('cp38' → '3.8'); 'py3' and others give nothing. */
export function interpreterVersions(target: Target): string[] {
  return (target.python?.interpreters ?? []).flatMap((i) => {
    const p = parsePythonTag(i);
    // 'cp3' names only a major version: no CPython version line to judge by.
    return p.implementation === 'cp' && !p.freeThreaded && p.version?.includes('.') ? [p.version] : [];
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
