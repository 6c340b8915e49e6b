/**
 * Extension modules whose file name says they are for another interpreter or
 * platform than the wheel claims: Python will not find them where the wheel
 * gets installed. Every native binary whose name is an extension-module name
 * is grouped by module (directory + name); for every claim of the wheel
 * (python-abi-platform triple) some file of the module must be importable.
 */
import type { Check, Rule } from '../../audit/types.ts';
import { tripleText } from '../../artifact/wheel/tags.ts';
import { targetsOfPlatforms, wheelOf } from './common.ts';
import { describeSuffix, parseClaim, parseExtensionName, whyNotImported, type ExtensionName, type ParsedClaim } from './extension-suffix.ts';
import { listSome } from '../messages.ts';

export const EXTENSION_TAG_MISMATCH: Check = {
  id: 'python.extension-tag-mismatch',
  severity: 'error',
  title: 'Extension module filename contradicts the wheel tags',
  explain:
    'CPython imports an extension module only under a file name ending in one of its own suffixes (`importlib.machinery.EXTENSION_SUFFIXES`): ' +
    '`.cpython-312-x86_64-linux-gnu.so`, `.abi3.so` or `.so` for CPython 3.12 on x86_64 glibc Linux; `-linux-musl` instead of `-linux-gnu` on musl from ' +
    '3.11 on; `.cpython-312-darwin.so` on macOS; `.cp312-win_amd64.pyd` or `.pyd` on Windows; no `.abi3` for free-threaded builds. A module named for another ' +
    'version, architecture or libc is silently skipped, and `import` fails with `ModuleNotFoundError: No module named \'pkg._core\'` (or picks up ' +
    'a stale pure-Python fallback). Typical causes: a wheel renamed by hand (`cp311` → `cp312`), an extension copied from another build, an abi3 ' +
    'wheel whose build did not use the limited API (so the suffix is version-specific), or a cross-compilation that set the wrong `SOABI`. ' +
    'A file of a module that no claim imports while another file of it serves every claim is reported as a warning: it is dead weight.',
  fix:
    'Build each wheel with the interpreter it is tagged for (cibuildwheel does), and let the build backend choose the suffix. For abi3 wheels, build with ' +
    '`Py_LIMITED_API` so the suffix is `.abi3.so` (setuptools `py_limited_api=True`, `wheel.py-api = "cp312"` in scikit-build-core, `abi3` features in PyO3). ' +
    'When cross-compiling, point the build at the target interpreter\'s sysconfig (`_PYTHON_SYSCONFIGDATA_NAME`, crossenv).',
};

interface Variant {
  path: string;
  name: ExtensionName;
}

export const extensionTagRule: Rule = {
  name: 'python-extension-tag',
  kinds: ['wheel'],
  checks: [EXTENSION_TAG_MISMATCH],
  run(ctx) {
    const wheel = wheelOf(ctx);
    const f = wheel?.parsed;
    if (!f) return;
    const claims: ParsedClaim[] = f.tags.map(parseClaim);

    const modules = new Map<string, Variant[]>();
    for (const b of ctx.binaries) {
      const slash = b.path.lastIndexOf('/');
      const name = parseExtensionName(b.path.slice(slash + 1));
      if (!name) continue;
      const key = `${b.path.slice(0, slash + 1)}${name.module}`;
      const list = modules.get(key) ?? [];
      list.push({ path: b.path, name });
      modules.set(key, list);
    }

    for (const [module, variants] of modules) {
      if (!variants.some((v) => v.name.tagged)) continue;
      const dotted = module.replace(/\//g, '.');
      // Which claims each file serves, and why not where it does not.
      const served = new Map<Variant, ParsedClaim[]>();
      const reasons = new Map<Variant, Map<string, string>>();
      for (const v of variants) {
        const ok: ParsedClaim[] = [];
        const why = new Map<string, string>();
        for (const c of claims) {
          const r = whyNotImported(v.name, c);
          if (r === null) ok.push(c);
          else why.set(tripleText(c.triple), r);
        }
        served.set(v, ok);
        reasons.set(v, why);
      }
      const uncovered = claims.filter((c) => !variants.some((v) => served.get(v)!.includes(c)));
      if (uncovered.length > 0) {
        const uncoveredText = uncovered.map((c) => tripleText(c.triple));
        const first = variants.find((v) => v.name.tagged)!;
        const firstReason = reasons.get(first)!.get(uncoveredText[0]!) ?? 'no file of the module matches';
        const files = variants.map((v) => v.path);
        const message =
          variants.length === 1
            ? `${first.path} is for ${describeSuffix(first.name)}, but the wheel claims ${listSome(uncoveredText, 2)}: ${firstReason}`
            : `no file of module ${dotted} is importable under ${listSome(uncoveredText, 2)} (found ${listSome(files.map((p) => p.slice(p.lastIndexOf('/') + 1)), 4)}): ${firstReason}`;
        ctx.report(EXTENSION_TAG_MISMATCH, {
          message,
          file: first.path,
          targets: targetsOfPlatforms(ctx, new Set(uncovered.map((c) => c.triple.platform))),
          evidence: {
            module: dotted,
            files: variants.map((v) => ({ path: v.path, suffix: v.name.suffix, for: describeSuffix(v.name), servesClaims: served.get(v)!.map((c) => tripleText(c.triple)) })),
            uncoveredClaims: uncoveredText,
            reasons: Object.fromEntries(variants.map((v) => [v.path, Object.fromEntries(reasons.get(v)!)])),
          },
          hint:
            variants.length === 1 && first.name.interpreter.kind === 'cpython' && claims.some((c) => c.abi.kind === 'abi3')
              ? `Build ${dotted} with Py_LIMITED_API so it is named ${first.name.module}.abi3.so, or tag the wheel for CPython ${first.name.interpreter.version} only.`
              : `Rebuild ${dotted} with the interpreter and platform of ${uncoveredText[0]}, or tag the wheel for what ${first.path.slice(first.path.lastIndexOf('/') + 1)} is (${describeSuffix(first.name)}).`,
        });
        continue;
      }
      // Every claim is served: a tagged file no claim imports is dead weight.
      for (const v of variants) {
        if (!v.name.tagged || served.get(v)!.length > 0) continue;
        const why = [...reasons.get(v)!.values()][0] ?? '';
        ctx.report(EXTENSION_TAG_MISMATCH, {
          severity: 'warning',
          message: `${v.path} is for ${describeSuffix(v.name)}, which no tag of the wheel claims (${why}); other files of ${dotted} serve every claim, so it is never imported`,
          file: v.path,
          targets: [],
          evidence: { module: dotted, suffix: v.name.suffix, for: describeSuffix(v.name), reasons: Object.fromEntries(reasons.get(v)!) },
          hint: `Remove ${v.path} from the wheel.`,
        });
      }
    }
  },
};
