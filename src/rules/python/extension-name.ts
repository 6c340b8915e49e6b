/**
 * Python extension module file names: which entries of a wheel the import
 * system would load as `<module>` (importlib.machinery.EXTENSION_SUFFIXES),
 * and the init function CPython looks up in them (PEP 489).
 *
 * ```ts
 * extensionFileName('pkg/_core.cpython-311-x86_64-linux-gnu.so');  // { module: '_core', suffix: '.cpython-311-x86_64-linux-gnu.so', tagged: true }
 * extensionFileName('pkg/_core.abi3.so');                          // { module: '_core', suffix: '.abi3.so', tagged: true }
 * extensionFileName('pkg/_core.pyd');                              // { module: '_core', suffix: '.pyd', tagged: false }
 * initFunctionName('_core');                                       // 'PyInit__core'
 * ```
 */

export interface ExtensionFileName {
  /** The module name: the file name up to the extension suffix. */
  module: string;
  suffix: string;
  /** The suffix carries an interpreter tag (cpython-311-..., abi3, cp311-win_amd64, pypy...), so the file is meant to be imported. */
  tagged: boolean;
}

const TAGGED_SUFFIX = /^((\.cpython-[^.]+)|(\.pypy[^.]*)|(\.graalpy[^.]*)|(\.abi3)|(\.cp\d+t?-win[^.]*))\.(so|pyd)$/;

export function extensionFileName(path: string): ExtensionFileName | null {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.indexOf('.');
  if (dot <= 0) return null;
  const module = base.slice(0, dot);
  const suffix = base.slice(dot);
  if (!/^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u.test(module)) return null;
  if (TAGGED_SUFFIX.test(suffix)) return { module, suffix, tagged: true };
  if (suffix === '.so' || suffix === '.pyd') return { module, suffix, tagged: false };
  return null;
}

/**
 * Punycode (RFC 3492) of a string, as Python's `str.encode('punycode')`
 * writes it: the basic code points, a '-' when there were any, then the
 * encoded rest.
 */
export function punycode(input: string): string {
  const base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700;
  const cps = [...input].map((c) => c.codePointAt(0)!);
  let out = cps.filter((c) => c < 0x80).map((c) => String.fromCharCode(c)).join('');
  const b = out.length;
  let h = b;
  if (b > 0) out += '-';
  let n = 128, delta = 0, bias = 72;
  const digit = (d: number) => String.fromCharCode(d < 26 ? d + 97 : d + 22);
  const adapt = (d: number, numPoints: number, first: boolean) => {
    d = first ? Math.floor(d / damp) : d >> 1;
    d += Math.floor(d / numPoints);
    let k = 0;
    while (d > ((base - tMin) * tMax) >> 1) {
      d = Math.floor(d / (base - tMin));
      k += base;
    }
    return k + Math.floor(((base - tMin + 1) * d) / (d + skew));
  };
  while (h < cps.length) {
    const m = Math.min(...cps.filter((c) => c >= n));
    delta += (m - n) * (h + 1);
    n = m;
    for (const c of cps) {
      if (c < n) delta++;
      if (c === n) {
        let q = delta;
        for (let k = base; ; k += base) {
          const t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
          if (q < t) break;
          out += digit(t + ((q - t) % (base - t)));
          q = Math.floor((q - t) / (base - t));
        }
        out += digit(q);
        bias = adapt(delta, h + 1, h === b);
        delta = 0;
        h++;
      }
    }
    delta++;
    n++;
  }
  return out;
}

/** `PyInit_<module>`, or for a non-ASCII name `PyInitU_<punycode with - as _>` (PEP 489). */
export function initFunctionName(module: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(module)) return `PyInit_${module}`;
  return `PyInitU_${punycode(module).replace(/-/g, '_')}`;
}
