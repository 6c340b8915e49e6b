/**
 * Records the npm prebuild corpus, test/corpus/npm-prebuilds.json: real npm
 * packages with native addons (prebuildify trees, @napi-rs/cli per-platform
 * packages and their root, node-pre-gyp / prebuild-install packages whose
 * binary is not in the tarball), pinned by spec and tarball sha256, with facts
 * from tools independent of distaudit (test/corpus-npm-prebuilds.test.ts
 * compares the audit with them).
 *
 *   node --import tsx scripts/corpus/npm-prebuild-facts.ts [--only SUBSTRING]...
 *
 * - Each spec is fetched with `npm pack` (which checks the registry's
 *   dist.integrity) into cacheRoot()/corpus/npm/<sha256>.tgz — the layout
 *   test/support/corpus.ts fetchNpm reads; a package already in the corpus
 *   must match its pinned sha256.
 * - Binaries are found by magic bytes with Python's tarfile
 *   (scripts/corpus/inspect_archive.py), never by name.
 * - Per binary: native-facts.ts (readelf / llvm-readobj / llvm-objdump /
 *   file), N-API imports (nm -D / llvm-nm / llvm-readobj --coff-imports with
 *   delay imports), their highest version by node-api-headers' own symbols
 *   table, and the declared version read from llvm-objdump's disassembly of
 *   node_api_module_get_api_version_v1 (PE: from its export RVA).
 * - Per package: the package.json fields that claim targets or say how the
 *   binary arrives, verbatim.
 *
 * Re-running is idempotent: downloads are cached (sha256 checked), the output
 * is sorted and stable, and `about.date` changes only when some fact does.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from '../../src/cache-dir.ts';
import {
  NPM_PREBUILD_CORPUS_FILE,
  readNpmPrebuildCorpus,
  type NapiFacts,
  type NpmPackageJsonFacts,
  type NpmPrebuildBinary,
  type NpmPrebuildCorpus,
  type NpmPrebuildPackage,
  type NpmRelease,
  type PeNapiSource,
} from '../../test/support/npm-prebuilds.ts';
import { run } from '../../test/support/python-tools.ts';
import { exportedSymbols, importedSymbols, libcOf, nativeToolFacts, toolVersions, type InventoryNative, type NativeToolFacts } from './native-facts.ts';
import { onlyArgs, writeCorpus } from './corpus-file.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

interface Selection {
  spec: string;
  why: string;
}

const CANVAS = '0.1.80';

/** The corpus: which packages, and why each one. */
const SELECTION: Selection[] = [
  { spec: 'classic-level@3.0.0', why: 'prebuildify tree: linux-x64 glibc + .musl, armv6/armv7/armv8 tags, android-arm/-arm64, darwin-x64+arm64 universal, win32-ia32/-x64 (node.exe delay imports); declares N-API 3' },
  { spec: 'bcrypt@6.0.0', why: 'prebuildify tree with explicit .glibc / .musl tags on linux-x64, -arm64, -arm; darwin; win32-x64 and win32-arm64' },
  { spec: 'bcrypt@5.1.1', why: 'node-pre-gyp: a `binary` block (napi_versions [3]) fetching from GitHub releases at install; no binary in the tarball' },
  { spec: 'better-sqlite3@12.2.0', why: 'prebuild-install || node-gyp rebuild: no binary in the tarball, binding.gyp builds at install when no prebuilt download matches' },
  { spec: `@napi-rs/canvas@${CANVAS}`, why: '@napi-rs/cli root package: no binary, optionalDependencies pin one package per platform at exactly its own version' },
  { spec: `@napi-rs/canvas-linux-x64-gnu@${CANVAS}`, why: 'napi-rs platform package (os linux, cpu x64, libc glibc), C++ (GLIBCXX)' },
  { spec: `@napi-rs/canvas-linux-x64-musl@${CANVAS}`, why: 'napi-rs platform package (libc musl)' },
  { spec: `@napi-rs/canvas-darwin-arm64@${CANVAS}`, why: 'napi-rs platform package, Mach-O arm64' },
  { spec: `@napi-rs/canvas-win32-x64-msvc@${CANVAS}`, why: 'napi-rs platform package, PE built with MSVC: dyn-symbols, N-API resolved at run time (no N-API imports)' },
  { spec: 'sharp@0.33.5', why: 'root package with per-platform optionalDependencies (@img/sharp-*), engines.node ^18.17.0 || ^20.3.0 || >=21.0.0, binary.napi_versions [9]' },
  { spec: '@img/sharp-linux-x64@0.33.5', why: 'platform package whose .node NEEDs libvips-cpp.so.42 from another package (RUNPATH $ORIGIN/../../sharp-libvips-linux-x64/lib); declares N-API 9, imports need only 5' },
  { spec: '@img/sharp-libvips-linux-x64@1.0.4', why: 'the libvips shared library the sharp addon loads, as a package of its own (no .node)' },
];

/** Packages published together (an @napi-rs/cli root and its platform packages): judged as one release. */
const RELEASES: NpmRelease[] = [
  {
    name: `@napi-rs/canvas ${CANVAS}`,
    specs: [`@napi-rs/canvas@${CANVAS}`, `@napi-rs/canvas-linux-x64-gnu@${CANVAS}`, `@napi-rs/canvas-linux-x64-musl@${CANVAS}`, `@napi-rs/canvas-darwin-arm64@${CANVAS}`, `@napi-rs/canvas-win32-x64-msvc@${CANVAS}`],
  },
];

// ---------------------------------------------------------------------------
// Fetching (the layout of test/support/corpus.ts fetchNpm)

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function npmCacheDir(): string {
  return join(cacheRoot(), 'corpus', 'npm');
}

/** `npm pack` into the cache; returns the tarball and npm's view of it. */
function fetchTarball(spec: string, pinned: string | null): { file: string; integrity: string } {
  const dir = npmCacheDir();
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmp, { recursive: true });
  try {
    // --dry-run would not download; pack always prints the integrity of what it fetched (checked against the registry's).
    const out = execFileSync('npm', ['pack', spec, '--json', '--pack-destination', tmp], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
    const [info] = JSON.parse(out) as { filename: string; integrity: string }[];
    if (!info) throw new Error(`npm pack ${spec} printed no file`);
    const got = join(tmp, info.filename);
    const sum = sha256File(got);
    if (pinned !== null && sum !== pinned) throw new Error(`corpus: ${spec} has sha256 ${sum}, the corpus pins ${pinned}: the registry served different bytes`);
    const file = join(dir, `${sum}.tgz`);
    if (!existsSync(file)) renameSync(got, file);
    return { file, integrity: info.integrity };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// N-API

const NAPI_TABLE: Map<string, number> = (() => {
  const symbols = (require('node-api-headers') as { symbols: Record<string, { js_native_api_symbols: string[]; node_api_symbols: string[] }> }).symbols;
  const out = new Map<string, number>();
  for (const [key, v] of Object.entries(symbols)) {
    const version = Number(key.replace(/^v/, ''));
    for (const name of [...v.js_native_api_symbols, ...v.node_api_symbols]) {
      const cur = out.get(name);
      if (cur === undefined || version < cur) out.set(name, version);
    }
  }
  return out;
})();

const NAPI_NAME = /^(napi|node_api)_/;

/** llvm-readobj --coff-imports: per DLL (import / delay import), the N-API names. */
function peNapiSources(file: string): PeNapiSource[] {
  const out: PeNapiSource[] = [];
  let cur: PeNapiSource | null = null;
  for (const l of run('llvm-readobj', ['--coff-imports', file]).stdout.split('\n')) {
    if (l === 'Import {' || l === 'DelayImport {') {
      cur = { dll: '', delay: l === 'DelayImport {', count: 0 };
      continue;
    }
    if (!cur) continue;
    const name = /^\s+Name: (.*)$/.exec(l);
    if (name?.[1] !== undefined && cur.dll === '') cur.dll = name[1];
    const sym = /^\s+Symbol: (\S+)/.exec(l);
    if (sym?.[1] && NAPI_NAME.test(sym[1])) cur.count++;
    if (l === '}') {
      if (cur.count > 0) out.push(cur);
      cur = null;
    }
  }
  return out;
}

/** The instructions of one function as llvm-objdump prints them: mnemonic + operands, up to its return. */
function functionInstructions(text: string, label: RegExp): string[] | null {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => label.test(l));
  if (start < 0) return null;
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    // ELF/PE: `  1c170: b8 03 00 00 00   \tmovl\t$3, %eax`; Mach-O: `    5d14:\tb8 03 00 00 00\tmovl\t$3, %eax`
    const m = /^\s*[0-9a-f]+:\s*(?:[0-9a-f]{2}\s)+\s*\t?(.*)$/.exec(l) ?? /^\s*[0-9a-f]+:\t[0-9a-f ]+\t(.*)$/.exec(l);
    if (!m?.[1]) {
      if (out.length > 0) break;
      continue;
    }
    const ins = m[1].replace(/\s+/g, ' ').trim();
    out.push(ins);
    if (/^(retq?|retl|ret|bx lr)\b/.test(ins) || out.length >= 32) break;
  }
  return out;
}

/** `return N` in any of the forms compilers emit for it; null when the function does more than that. */
function returnedConstant(ins: readonly string[]): number | null {
  if (ins.length === 0 || !/^(retq?|retl|ret|bx lr)\b/.test(ins[ins.length - 1]!)) return null;
  if (ins.some((i) => /^(call[lq]?|jmp[lq]?|bl|blx|b|b\.[a-z]+)\s/.test(i))) return null;
  const values: number[] = [];
  for (const i of ins) {
    const x86 = /^movl \$(-?(?:0x[0-9a-f]+|\d+)), %eax$/.exec(i);
    const a64 = /^(?:mov|movz|orr) w0, (?:wzr, )?#(-?(?:0x[0-9a-f]+|\d+))$/.exec(i);
    const arm = /^movs?w? r0, #(-?(?:0x[0-9a-f]+|\d+))$/.exec(i);
    const v = x86?.[1] ?? a64?.[1] ?? arm?.[1];
    if (v !== undefined) values.push(Number(v));
    else if (/\b(%eax|%rax|w0|x0|r0)\b/.test(i) && !/^(push|pop|ret|bx)/.test(i)) return null; // something else writes the return register
  }
  return values.length === 1 ? values[0]! : null;
}

function declaredVersion(n: InventoryNative, facts: NativeToolFacts, exported: readonly string[]): { version: number | null; from: string[] | null } {
  const sym = 'node_api_module_get_api_version_v1';
  if (!exported.includes(sym)) return { version: null, from: null };
  let ins: string[] | null = null;
  if (n.format === 'elf') {
    ins = functionInstructions(run('llvm-objdump', ['-d', `--disassemble-symbols=${sym}`, n.file]).stdout, new RegExp(`<${sym}>:$`));
  } else if (n.format === 'macho' || n.format === 'macho-fat') {
    const arch = facts.macho?.slices[0]?.arch;
    const args = ['--macho', '-d', '--dis-symname', `_${sym}`, ...(n.format === 'macho-fat' && arch ? [`--arch=${arch}`] : []), n.file];
    ins = functionInstructions(run('llvm-objdump', args).stdout, new RegExp(`^_${sym}:$`));
  } else {
    const text = run('llvm-readobj', ['--file-headers', '--coff-exports', n.file]).stdout;
    const base = /^\s+ImageBase: (0x[0-9A-Fa-f]+)$/m.exec(text)?.[1];
    const rva = new RegExp(`Name: ${sym}\\n\\s+RVA: (0x[0-9A-Fa-f]+)`).exec(text)?.[1];
    if (base && rva) {
      const start = BigInt(base) + BigInt(rva);
      const out = run('llvm-objdump', ['-d', `--start-address=0x${start.toString(16)}`, `--stop-address=0x${(start + 32n).toString(16)}`, n.file]).stdout;
      ins = functionInstructions(out, /^[0-9a-f]+ <.*>:$/);
    }
  }
  return { version: ins ? returnedConstant(ins) : null, from: ins };
}

function napiFacts(n: InventoryNative, facts: NativeToolFacts): NapiFacts {
  const imported = importedSymbols(n, facts);
  const exported = exportedSymbols(n, facts);
  const napi = imported.filter((s) => NAPI_NAME.test(s));
  const known = napi.filter((s) => NAPI_TABLE.has(s));
  const declared = declaredVersion(n, facts, exported);
  let strings: string[] | null = null;
  if (napi.length === 0) {
    strings = [...new Set(run('strings', ['-a', '-n', '8', n.file]).stdout.split('\n').flatMap((l) => l.match(/\b(?:napi|node_api)_[a-z0-9_]+/g) ?? []))].sort();
  }
  return {
    imports: napi,
    minVersion: known.length === 0 ? null : Math.max(...known.map((s) => NAPI_TABLE.get(s)!)),
    unknown: napi.filter((s) => !NAPI_TABLE.has(s)),
    ...(n.format === 'pe' ? { peSources: peNapiSources(n.file) } : {}),
    exportsRegisterModule: exported.includes('napi_register_module_v1'),
    importsModuleRegister: imported.includes('napi_module_register'),
    exportsGetApiVersion: exported.includes('node_api_module_get_api_version_v1'),
    declaredVersion: declared.version,
    declaredFrom: declared.from,
    v8Imports: imported.filter((s) => s.startsWith('_ZN2v8') || s.startsWith('_ZN4node') || s === 'node_module_register').length,
    nodeRegisterExports: exported.filter((s) => /^node_register_module_v\d+$/.test(s)),
    napiNameStrings: strings,
  };
}

// ---------------------------------------------------------------------------

function packageJsonFacts(text: string): NpmPackageJsonFacts {
  const p = JSON.parse(text) as Record<string, unknown> & { scripts?: Record<string, string> };
  const out: NpmPackageJsonFacts = { name: String(p.name), version: String(p.version) };
  if (typeof p.main === 'string') out.main = p.main;
  for (const k of ['os', 'cpu', 'libc'] as const) if (Array.isArray(p[k])) out[k] = p[k] as string[];
  if (p.engines && typeof p.engines === 'object') out.engines = p.engines as Record<string, string>;
  if (p.optionalDependencies && typeof p.optionalDependencies === 'object') out.optionalDependencies = p.optionalDependencies as Record<string, string>;
  if (p.binary && typeof p.binary === 'object') out.binary = p.binary as Record<string, unknown>;
  if (typeof p.scripts?.install === 'string') out.installScript = p.scripts.install;
  if (typeof p.gypfile === 'boolean') out.gypfile = p.gypfile;
  return out;
}

function recordPackage(sel: Selection, pinned: string | null): NpmPrebuildPackage {
  const { file, integrity } = fetchTarball(sel.spec, pinned);
  const root = mkdtempSync(join(tmpdir(), 'distaudit-npm-'));
  try {
    const inv = JSON.parse(run('python3', [join(HERE, 'inspect_archive.py'), 'npm', file, root]).stdout) as {
      natives: InventoryNative[];
      files: string[];
      packageJson: string | null;
    };
    if (inv.packageJson === null) throw new Error(`${sel.spec}: no package.json at the top of the tarball`);
    const top = inv.files[0]?.split('/')[0] ?? 'package';
    const binaries: NpmPrebuildBinary[] = inv.natives.map((n) => {
      const facts = nativeToolFacts(n);
      const b: NpmPrebuildBinary = { path: n.path, sha256: n.sha256, size: n.size, format: n.format, ...facts, libc: libcOf(facts) };
      if (n.path.endsWith('.node') || importedSymbols(n, facts).some((s) => NAPI_NAME.test(s))) b.napi = napiFacts(n, facts);
      return b;
    });
    return {
      spec: sel.spec,
      sha256: sha256File(file),
      integrity,
      size: statSync(file).size,
      why: sel.why,
      packageJson: packageJsonFacts(inv.packageJson),
      fileCount: inv.files.length,
      bindingGyp: inv.files.includes(`${top}/binding.gyp`),
      prebuilds: inv.files.filter((f) => f.startsWith(`${top}/prebuilds/`)).sort(),
      binaries,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function main(): void {
  const only = onlyArgs('npm-prebuild-facts.ts');
  const old: NpmPrebuildCorpus | null = existsSync(NPM_PREBUILD_CORPUS_FILE) ? readNpmPrebuildCorpus() : null;
  const oldBySpec = new Map((old?.packages ?? []).map((p) => [p.spec, p]));
  if (new Set(SELECTION.map((s) => s.spec)).size !== SELECTION.length) throw new Error('SELECTION lists a spec twice');
  for (const r of RELEASES) for (const s of r.specs) if (!SELECTION.some((x) => x.spec === s)) throw new Error(`release ${r.name}: ${s} is not in SELECTION`);

  const packages: NpmPrebuildPackage[] = [];
  for (const sel of SELECTION) {
    const previous = oldBySpec.get(sel.spec);
    if (only.length > 0 && !only.some((o) => sel.spec.includes(o)) && previous) {
      packages.push(previous);
      continue;
    }
    console.log(sel.spec);
    packages.push(recordPackage(sel, previous?.sha256 ?? null));
  }
  packages.sort((a, b) => (a.spec < b.spec ? -1 : a.spec > b.spec ? 1 : 0));

  const headers = require('node-api-headers/package.json') as { version: string };
  const about: NpmPrebuildCorpus['about'] = {
    description:
      'Real npm packages with native addons or the means to fetch or build them, pinned by spec and tarball sha256, with facts recorded by tools independent of distaudit: Python tarfile (binaries by magic bytes), readelf and llvm-readobj (ELF), llvm-objdump (Mach-O, and the disassembly of node_api_module_get_api_version_v1), llvm-readobj (PE imports, delay imports, exports), nm / llvm-nm (imports, exports), strings, and node-api-headers\' symbols table for N-API versions. No binaries are stored. A fact the audit contradicts is a bug in the audit until an independent tool shows otherwise: never edit a fact to make a run pass; re-record with the script and say why.',
    generatedBy: 'node --import tsx scripts/corpus/npm-prebuild-facts.ts',
    date: new Date().toISOString().slice(0, 10),
    fetch: 'npm pack <spec> (npm checks dist.integrity) into <cache>/corpus/npm/<sha256>.tgz, as test/support/corpus.ts fetchNpm does; the sha256 is checked against the pin before use',
    tools: { ...toolVersions(), strings: run('strings', ['--version']).stdout.split('\n')[0]!.trim(), 'node-api-headers': headers.version, npm: run('npm', ['--version']).stdout.trim() },
    caveats: [
      'napi.minVersion: the highest first-version, in node-api-headers\' symbols table (v1..v10, cumulative), of the imported napi_* / node_api_* names; names it does not list are in napi.unknown (experimental). PE imports include the delay-import directory (node-gyp addons delay-load node.exe).',
      'napi.declaredVersion: the constant node_api_module_get_api_version_v1 returns, read from llvm-objdump\'s disassembly when the function is a plain `return N` (x86 movl $N, %eax; aarch64 mov w0, #N; arm mov r0, #N — frame set-up allowed, no calls); ELF by symbol, Mach-O with --dis-symname (first slice of a fat file), PE from ImageBase + the export\'s RVA. null when not exported.',
      'napi.napiNameStrings lists the distinct napi_* / node_api_* identifiers in the strings of the file (`strings -a -n 8`, then the words matching (napi|node_api)_[a-z0-9_]+), only for binaries importing no N-API names: napi-rs dyn-symbols builds resolve N-API at run time by name, so these are what the build may call (a ceiling), not what it calls. Export names (napi_register_module_v1) are among them.',
      'libc (ELF): bionic when readelf -n shows an Android note or NEEDED has liblog.so; else musl when NEEDED has libc.musl-*.so.1 or a bare libc.so (glibc links libc.so.6; its libc.so is a linker script); else glibc when NEEDED has libc.so.6 or a GLIBC_ version is needed from a glibc library (libc.so.6, libm.so.6, libpthread.so.0, libdl.so.2, librt.so.1, libresolv.so.2, the loader); null otherwise.',
      'elf.maxGlibc is the highest GLIBC_ version needed from any file, as readelf -V lists them: musl builds linked against Alpine\'s aarch64 libgcc_s.so.1 need GLIBC_2.0 from it (bcrypt 6.0.0 linux-arm64 musl), which is no glibc requirement.',
      'Exports and imports are plain names: ELF version suffixes (@@VER), Mach-O leading underscores and 32-bit Windows decorations removed.',
      'package.json facts are the fields verbatim (os, cpu, libc, engines, optionalDependencies, binary, scripts.install, gypfile, main).',
    ],
  };
  writeCorpus(NPM_PREBUILD_CORPUS_FILE, old, { about, packages, releases: RELEASES });
  console.log(
    `wrote ${NPM_PREBUILD_CORPUS_FILE}: ${packages.length} packages, ${packages.reduce((n, p) => n + p.binaries.length, 0)} binaries, ${(packages.reduce((n, p) => n + p.size, 0) / 1e6).toFixed(1)} MB`,
  );
}

main();
