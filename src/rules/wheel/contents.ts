/**
 * What the wheel contains: native code where purelib says there is none,
 * files that should not ship (bytecode, VCS and OS metadata, tests/ or
 * build/ at the top level), the same bytes under several names, or nothing
 * at all besides the metadata. After check-wheel-contents (W001, W002, W005,
 * W008) and auditwheel's purelib check, on the archive's own listing rather
 * than on RECORD.
 */
import type { Check, Rule } from '../../audit/types.ts';
import type { WheelModel } from '../../artifact/wheel/model.ts';
import { plural, wheelOf, reportEach, readInFull } from './common.ts';
import { listSome } from '../messages.ts';

export const PURELIB_WITH_BINARIES: Check = {
  id: 'wheel.purelib-with-binaries',
  severity: 'error',
  title: 'Native code installed as pure Python (purelib)',
  explain:
    'A wheel\'s root goes to purelib when WHEEL says `Root-Is-Purelib: true`, and files under `{name}.data/purelib/` always do. purelib is for ' +
    'code that runs on any platform; native extension modules and libraries belong to platlib. On systems where the two differ ' +
    '(Fedora, RHEL, openSUSE: `lib` vs `lib64`) the binary lands beside files of the wrong architecture class and may not be found, and auditwheel ' +
    'refuses such a wheel outright (`Invalid binary wheel, found the following shared library/libraries in purelib folder`). A wheel with a ' +
    'platform tag that claims to be pure is contradicting itself.',
  fix: 'Declare the extension modules to the build backend (setuptools `ext_modules`, or a scikit-build-core / meson-python / maturin project) so it writes `Root-Is-Purelib: false`; move libraries out of `*.data/purelib/` into the package.',
};

export const JUNK_FILE: Check = {
  id: 'wheel.junk-file',
  severity: 'warning',
  title: 'Files that should not be in a wheel',
  explain:
    'Compiled bytecode (`.pyc`, `.pyo`, `__pycache__/`) is written by the installer for the interpreter in use; shipped bytecode is stale or ' +
    'for another version and is left behind on uninstall. VCS and OS metadata (`.git/`, `.hg/`, `.svn/`, `.DS_Store`) and tool directories ' +
    '(`.tox`, `.venv`, `.eggs`...) are build-machine leftovers, sometimes with secrets in them. Top-level `tests/`, `test/`, `docs/`, `build/`, `dist/`, `src/`... ' +
    'install as importable top-level packages named `tests` or `build` that collide with other distributions doing the same (check-wheel-contents W001, W005).',
  fix:
    'Exclude them from the build: `packages = find:` with `exclude = tests*` (setuptools), `[tool.hatch.build] exclude`, `MANIFEST.in` `prune`; move the ' +
    'package under `src/<name>` and let only it be found. Never build from a dirty tree with `__pycache__` directories.',
};

/** Non-binary files smaller than this are not compared for duplicates. */
const DUPLICATE_MIN_SIZE = 16 * 1024;

export const DUPLICATE_FILE: Check = {
  id: 'wheel.duplicate-file',
  severity: 'warning',
  title: 'Identical files at several paths',
  explain:
    'The same bytes appear under more than one path. For native libraries this is dead weight (a 200 MB CUDA library shipped twice) and, for ' +
    'shared libraries, two copies that each get loaded with their own global state. It usually comes from a build directory packaged by accident ' +
    '(`build/lib/...`), an extension copied next to its build output, or a library both vendored and grafted (check-wheel-contents W002). ' +
    'Native binaries are always compared; other files only from 16 KiB up (identical small stubs such as `.pyi` files are common and harmless). ' +
    'Empty files, `__init__.py`, `py.typed` and the .dist-info directory are not compared.',
  fix: 'Package each file once: exclude the build directory, and let one tool (auditwheel / delocate / delvewheel) bundle each library.',
};

export const EMPTY_WHEEL: Check = {
  id: 'wheel.empty',
  severity: 'warning',
  title: 'Wheel with nothing but metadata',
  explain:
    'The wheel holds no file outside its .dist-info directory: installing it installs no module, so `import` fails with `ModuleNotFoundError`. ' +
    'It usually means the build backend found no package (a `src/` layout it was not told about, a missing `__init__.py`, a wrong `packages=`). ' +
    'Deliberate metapackages that only pull dependencies look the same (check-wheel-contents W008).',
  fix: 'Tell the build backend where the package is (`[tool.setuptools.packages.find] where = ["src"]`, `[tool.hatch.build.targets.wheel] packages = [...]`) and check the wheel\'s listing (`unzip -l`) before release.',
};

/** Top-level names check-wheel-contents W005 flags, plus tool caches. */
const JUNK_TOP_DIRS = new Set([
  '.eggs', '.nox', '.tox', '.venv', 'venv', 'build', 'data', 'dist', 'doc', 'docs', 'example', 'examples', 'src', 'test', 'tests',
  '.pytest_cache', '.mypy_cache', '.ruff_cache', '.idea', '.vscode', '.github',
]);
const VCS_DIRS = new Set(['.git', '.hg', '.svn', 'CVS', '.bzr']);
const OS_FILES = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);
const NOT_COMPARED = new Set(['__init__.py', 'py.typed']);

type JunkKind = 'bytecode' | 'vcs' | 'os-metadata' | 'top-level';

/** Strips '{name}.data/purelib/' or '{name}.data/platlib/' so both roots are judged alike; null for other .data parts and the .dist-info. */
function installedPath(model: WheelModel, path: string): string | null {
  const top = path.slice(0, path.indexOf('/'));
  if (path.indexOf('/') > 0 && model.distInfoDirs.includes(top)) return null;
  const m = /^[^/]+\.data\/(purelib|platlib)\/(.+)$/.exec(path);
  if (m) return m[2]!;
  if (/^[^/]+\.data\//.test(path)) return null;
  return path;
}

function junkKind(model: WheelModel, path: string): { kind: JunkKind; group: string } | null {
  const segments = path.split('/');
  const base = segments[segments.length - 1]!;
  if (/\.py[co]$/.test(base) || segments.slice(0, -1).includes('__pycache__')) return { kind: 'bytecode', group: 'bytecode' };
  const vcs = segments.slice(0, -1).find((s) => VCS_DIRS.has(s));
  if (vcs) return { kind: 'vcs', group: vcs };
  if (OS_FILES.has(base)) return { kind: 'os-metadata', group: base };
  const installed = installedPath(model, path);
  if (installed !== null) {
    const parts = installed.split('/');
    if (parts.length > 1 && JUNK_TOP_DIRS.has(parts[0]!)) return { kind: 'top-level', group: parts[0]! };
  }
  return null;
}

const JUNK_WORDS: Record<JunkKind, string> = {
  bytecode: 'compiled bytecode file',
  vcs: 'version-control file',
  'os-metadata': 'OS metadata file',
  'top-level': 'file',
};

export const wheelContentsRule: Rule = {
  name: 'wheel-contents',
  kinds: ['wheel'],
  checks: [PURELIB_WITH_BINARIES, JUNK_FILE, DUPLICATE_FILE, EMPTY_WHEEL],
  run(ctx) {
    const wheel = wheelOf(ctx);
    if (!wheel || !readInFull(ctx)) return;
    const files = ctx.scan.entries.filter((e) => !e.isDirectory);
    const inDistInfo = (p: string) => wheel.distInfoDirs.some((d) => p.startsWith(`${d}/`));

    // Native code in purelib.
    const rootIsPurelib = wheel.wheel?.rootIsPurelib === true;
    const inPurelib = ctx.binaries.filter((b) => {
      if (/^[^/]+\.data\/purelib\//.test(b.path)) return true;
      return rootIsPurelib && !/^[^/]+\.data\//.test(b.path) && !inDistInfo(b.path);
    });
    if (inPurelib.length) {
      const viaData = inPurelib.filter((b) => /^[^/]+\.data\/purelib\//.test(b.path)).map((b) => b.path);
      const viaRoot = inPurelib.filter((b) => !viaData.includes(b.path)).map((b) => b.path);
      const where = [viaRoot.length ? 'WHEEL says Root-Is-Purelib: true' : '', viaData.length ? 'under *.data/purelib/' : ''].filter(Boolean).join(' and ');
      ctx.report(PURELIB_WITH_BINARIES, {
        message: `${plural(inPurelib.length, 'native binary', 'native binaries')} installed to purelib (${where}): ${listSome(inPurelib.map((b) => b.path), 3)}`,
        file: inPurelib[0]!.path,
        evidence: { rootIsPurelib, binaries: inPurelib.map((b) => b.path), underDataPurelib: viaData, atRoot: viaRoot },
        hint: viaRoot.length ? 'Make the build backend write `Root-Is-Purelib: false` (declare the extension modules to it).' : 'Move the libraries out of `*.data/purelib/` into the package directory.',
      });
    }

    // Junk, grouped by kind (and top-level directory).
    const junk = new Map<string, { kind: JunkKind; group: string; paths: string[] }>();
    for (const e of files) {
      const j = junkKind(wheel, e.path);
      if (!j) continue;
      const key = `${j.kind}:${j.group}`;
      const g = junk.get(key) ?? { ...j, paths: [] };
      g.paths.push(e.path);
      junk.set(key, g);
    }
    for (const g of junk.values()) {
      const what = g.kind === 'top-level' ? `top-level ${g.group}/ (installs as a package named '${g.group}')` : g.kind === 'vcs' ? `${g.group}/ directory` : '';
      ctx.report(JUNK_FILE, {
        message:
          g.kind === 'top-level' || g.kind === 'vcs'
            ? `${plural(g.paths.length, JUNK_WORDS[g.kind])} in ${what}: ${listSome(g.paths, 3)}`
            : `${plural(g.paths.length, JUNK_WORDS[g.kind])}: ${listSome(g.paths, 3)}`,
        file: g.paths[0]!,
        evidence: { kind: g.kind, group: g.group, count: g.paths.length, paths: g.paths.slice(0, 200) },
        hint: g.kind === 'bytecode' ? 'Build from a clean tree and exclude `__pycache__` / `*.pyc`.' : g.kind === 'top-level' ? `Exclude ${g.group}/ from the wheel.` : JUNK_FILE.fix,
      });
    }

    // Duplicates by content: native binaries, and files large enough to matter
    // (identical small stubs such as .pyi files are common and harmless).
    const binaryPaths = new Set(ctx.binaries.map((b) => b.path));
    const bySha = new Map<string, { size: number; paths: string[] }>();
    for (const e of files) {
      if (!e.sha256 || e.size === 0 || inDistInfo(e.path)) continue;
      if (!binaryPaths.has(e.path) && e.size < DUPLICATE_MIN_SIZE) continue;
      const base = e.path.slice(e.path.lastIndexOf('/') + 1);
      if (NOT_COMPARED.has(base)) continue;
      const g = bySha.get(e.sha256) ?? { size: e.size, paths: [] };
      g.paths.push(e.path);
      bySha.set(e.sha256, g);
    }
    const dups = [...bySha.entries()].filter(([, g]) => g.paths.length > 1).sort((a, b) => b[1].size * b[1].paths.length - a[1].size * a[1].paths.length);
    reportEach(
      ctx,
      DUPLICATE_FILE,
      dups,
      ([sha256, g]) => ({
        message: `${g.paths.length} identical copies (${g.size} bytes each): ${listSome(g.paths, 4)}`,
        file: g.paths[0]!,
        evidence: { sha256, size: g.size, paths: g.paths, wastedBytes: g.size * (g.paths.length - 1) },
        hint: `Keep one of ${listSome(g.paths, 4)}.`,
      }),
      (rest) => {
        const wasted = rest.reduce((n, [, g]) => n + g.size * (g.paths.length - 1), 0);
        return {
          message: `${rest.length} more groups of identical files (${wasted} bytes duplicated), e.g. ${listSome(rest.map(([, g]) => g.paths[0]!), 3)}`,
          evidence: { groups: rest.map(([sha256, g]) => ({ sha256, size: g.size, paths: g.paths })), wastedBytes: wasted },
        };
      },
    );

    // Nothing but metadata.
    if (wheel.distInfoDirs.length > 0 && !files.some((e) => !inDistInfo(e.path))) {
      ctx.report(EMPTY_WHEEL, {
        message: `${wheel.filename} contains only ${wheel.distInfoDirs.join(', ')}: no module or data is installed`,
        evidence: { files: files.map((e) => e.path) },
      });
    }
  },
};
