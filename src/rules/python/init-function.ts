/**
 * python.missing-init-function: an extension module must export the function
 * the import system calls, `PyInit_<module>` named after the file
 * (`PyInitU_<punycode>` for non-ASCII names, PEP 489). A file renamed after
 * the build, a module name that differs from the one in `PyModuleDef`, or a
 * C++ / `-fvisibility=hidden` build that forgot `PyMODINIT_FUNC` all leave the
 * export missing, and `import` fails. None of auditwheel, delocate, delvewheel
 * or abi3audit checks this.
 *
 * Which files are extension modules: names with an interpreter-tagged suffix
 * (`.cpython-311-x86_64-linux-gnu.so`, `.abi3.so`, `.cp311-win_amd64.pyd`,
 * `.pypy...so`) and every `.pyd`; a plain `<name>.so` only in a wheel with a
 * Python ABI, outside `*.libs/` and `.dylibs/`, not named `lib*`, and when it
 * uses the Python C API or exports some `PyInit_*` (so bundled `lib*.so` or
 * ctypes helpers are not mistaken for modules).
 */
import type { Check, Rule } from '../../audit/types.ts';
import { extensionFileName, initFunctionName, EXTENSION_INIT_SYMBOLS } from './extension-name.ts';
import { listNames, sliceSymbols } from './symbols.ts';
import { targetsForFormat } from './abi-tag.ts';

export const missingInitFunction: Check = {
  id: 'python.missing-init-function',
  severity: 'error',
  title: 'Extension module does not export its PyInit function',
  explain:
    'CPython imports an extension module `<name>.<tag>.so` / `<name>.pyd` by looking up the exported function `PyInit_<name>` ' +
    '(PEP 489; `PyInitU_<punycode>` for non-ASCII names). This binary does not export it, so every `import` of the module fails with ' +
    '`ImportError: dynamic module does not define module export function (PyInit_<name>)`. Usual causes: the file was renamed after ' +
    'the build, the module\'s C name differs from its file name, or the init function lost its export (C++ without `extern "C"`, ' +
    '`-fvisibility=hidden` without `PyMODINIT_FUNC`, a `.def` file or version script that omits it).',
  fix:
    'Declare the init function with `PyMODINIT_FUNC PyInit_<name>(void)` where `<name>` is the file name up to the first dot, and make ' +
    'the build system name the output after the module (setuptools `Extension("pkg.<name>", ...)`, CMake `Python_add_library`). ' +
    'If the file was renamed, rename it back.',
};

export const initFunctionRule: Rule = {
  name: 'python-init-function',
  // Python extension modules are told by their init function.
  definedSymbols: EXTENSION_INIT_SYMBOLS,
  kinds: ['wheel'],
  checks: [missingInitFunction],
  run(ctx) {
    const pyTargets = ctx.targets.filter((t) => t.python && t.python.abi !== 'none');
    for (const bin of ctx.binaries) {
      const name = extensionFileName(bin.path);
      if (!name) continue;
      const kind = bin.facts[0]?.kind;
      if (kind === 'executable' || kind === 'object') continue;
      const slices = sliceSymbols(bin);
      const otherInits = [...new Set(slices.flatMap((s) => [...s.exports].filter((e) => e.startsWith('PyInit_') || e.startsWith('PyInitU_'))))].sort();
      if (!name.tagged && name.suffix === '.so') {
        const base = bin.path.slice(bin.path.lastIndexOf('/') + 1);
        const inLibDir = bin.path.split('/').slice(0, -1).some((d) => d.endsWith('.libs') || d === '.dylibs');
        const usesPython = slices.some((s) => s.pythonImports.length > 0) || otherInits.length > 0;
        if (pyTargets.length === 0 || base.startsWith('lib') || inLibDir || !usesPython) continue;
      }
      const expected = initFunctionName(name.module);
      const missing = slices.filter((s) => !s.exports.has(expected));
      if (missing.length === 0) continue;
      const format = bin.facts[0]?.format ?? bin.parsed.format;
      const targets = pyTargets.length > 0 ? targetsForFormat(pyTargets, format) : [];
      const sliceNote = slices.length > 1 ? ` (${missing.map((s) => s.arch).join(', ')} slice${missing.length > 1 ? 's' : ''})` : '';
      const others = otherInits.filter((e) => e !== expected);
      ctx.report(missingInitFunction, {
        file: bin.path,
        targets: targets.map((t) => t.id),
        message:
          `${bin.path}${sliceNote} does not export ${expected}: \`import ${name.module}\` fails with ` +
          `"dynamic module does not define module export function (${expected})"` +
          (others.length > 0 ? `; it exports ${listNames(others, 3)}` : ''),
        evidence: { module: name.module, expected, exportedInitFunctions: others, slices: missing.map((s) => s.arch) },
        hint:
          others.length > 0
            ? `The binary was built as module ${others[0]!.replace(/^PyInitU?_/, '')}: rename the file to match, or fix the module name in the source.`
            : `Export ${expected} (declare it with PyMODINIT_FUNC; with C++ it must be extern "C").`,
      });
    }
  },
};
