/**
 * The probes: small programs that load one binary the way its runtime does
 * and print what came of it as a ProbeReport (src/load/types.ts), built once
 * per machine from native/load/probe/ and bound read-only at /probe in the
 * sandbox; and the command line that runs each in an image.
 *
 * | probe   | program                               | loads with                                           |
 * |---------|---------------------------------------|------------------------------------------------------|
 * | python  | probe.py                              | ExtensionFileLoader, under the module's dotted name  |
 * | java    | Probe.class (javac --release 11)      | System.load                                          |
 * | node    | probe.js                              | process.dlopen(..., RTLD_NOW)                        |
 * | node, in an image without Node (musl) | napi_probe + libnapi_stub.so | dlopen of a Node-API stub, then the addon: resolution only |
 * | dlopen  | probe_dlopen                          | dlopen(RTLD_NOW \| RTLD_LOCAL)                        |
 *
 * The C programs are built per image flavour (glibc x86_64, glibc arm64, musl
 * x86_64) with the host's gcc, aarch64-linux-gnu-gcc and musl-gcc; the glibc
 * ones need nothing newer than the architecture's base glibc version (see
 * native/load/probe/glibc_floor.h), which the build checks with our own ELF
 * parser, so one build serves Debian 11's glibc 2.31 as well as 13's 2.41.
 * Each flavour directory also holds the shared probe.py, probe.js and
 * Probe.class, so one directory is bound at /probe.
 *
 * Where: `<probesRoot()>/<hash of the sources and build>/<flavour>/`.
 * probesRoot() is DISTAUDIT_PROBES, else /var/tmp/distaudit-probes when run
 * as root (the sandbox user, uid 65534, must traverse the path bwrap binds,
 * and /root is mode 0700 — the same reason images live under
 * /var/tmp/distaudit-rootfs), else cacheRoot()/probes. Files are 0644/0755,
 * directories 0755. A build goes to a temporary directory renamed into place,
 * so concurrent callers (threads, processes) never see half a build.
 *
 * @example
 *   const dir = await probesDir(image.manifest);          // bind at /probe
 *   const cmd = probeCommand('python', image.manifest, { path: '/art/site/pkg/_m.abi3.so', module: 'pkg._m', siteDir: '/art/site' });
 *   const res = await driver.run({ image, inputs, probes: dir, argv: cmd.argv, env: cmd.env, limits });
 *   const report = parseProbeOutput(res.stdout);           // { ok: false, stage: 'load', error: 'libhelper.so: cannot open …', … }
 */
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { accessSync, constants as fsConstants, existsSync, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { parseElf } from '../binary/elf/parse.ts';
import { withFile } from '../binary/source.ts';
import { cacheRoot } from '../cache-dir.ts';
import { packageRoot } from '../tool.ts';
import { compareVersions } from '../version.ts';
import { PROBE_MARKER, SANDBOX_PATHS, type ImageManifest, type ProbeKind, type ProbeReport } from './types.ts';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

export const PROBE_FLAVOURS = ['glibc-x86_64', 'glibc-arm64', 'musl-x86_64'] as const;
/** Which C library and architecture the compiled probes are built for. */
export type ProbeFlavour = (typeof PROBE_FLAVOURS)[number];

/** The programs in a probe directory (file names). */
export const PROBE_FILES = {
  python: 'probe.py',
  java: 'Probe.class',
  node: 'probe.js',
  dlopen: 'probe_dlopen',
  napiHarness: 'napi_probe',
  napiStub: 'libnapi_stub.so',
} as const;

/** The oldest glibc every glibc probe must run on: no version need newer than this (checked after each build). */
export const GLIBC_FLOOR = '2.17';

/** The sources under native/load/probe/, all hashed into the build's directory name. */
const SOURCES = ['probe.py', 'probe.js', 'Probe.java', 'probe_dlopen.c', 'napi_probe.c', 'report.h', 'glibc_floor.h'];

/** The environment every probe runs with, and nothing else (the sandbox clears the rest). */
export const PROBE_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: SANDBOX_PATHS.scratch,
  LANG: 'C.UTF-8',
  // JNI and Node bind lazily: without this an undefined symbol fails at its first call, not at load.
  LD_BIND_NOW: '1',
};

/**
 * JVM flags for a quick start of a one-class program. Measured on JDK 17
 * (System.load of a small JNI library, median of 40 runs, CPU user+sys):
 * defaults 62 ms, -XX:TieredStopAtLevel=1 54 ms, -Xint 46 ms;
 * -XX:+UseSerialGC costs time (54–76 ms: JDK 17's CDS archive maps its
 * archived heap objects only with G1), -Xshare:off 96 ms. A probe runs almost
 * no Java, so no JIT at all is fastest. The heap is capped because the JVM
 * sizes it from host RAM, not the sandbox's cgroup (/sys is not mounted); VM
 * warnings (the stack-guard one, say) go to stderr so stdout ends with the report.
 */
export const JAVA_FLAGS: readonly string[] = ['-Xmx256m', '-XX:-UsePerfData', '-Xshare:auto', '-Xint', '-XX:+DisplayVMOutputToStderr'];

// ---------------------------------------------------------------- where

export function probesRoot(): string {
  if (process.env.DISTAUDIT_PROBES) return process.env.DISTAUDIT_PROBES;
  if (process.getuid?.() === 0) return '/var/tmp/distaudit-probes';
  return join(cacheRoot(), 'probes');
}

function sourceDir(): string {
  return join(packageRoot(), 'native', 'load', 'probe');
}

/** The flavour of probes an image needs. */
export function flavourOf(manifest: Pick<ImageManifest, 'id' | 'arch' | 'libc'>): ProbeFlavour {
  if (manifest.libc.kind === 'glibc' && manifest.arch === 'x86_64') return 'glibc-x86_64';
  if (manifest.libc.kind === 'glibc' && manifest.arch === 'arm64') return 'glibc-arm64';
  if (manifest.libc.kind === 'musl' && manifest.arch === 'x86_64') return 'musl-x86_64';
  throw new Error(`${manifest.id}: no probes are built for ${manifest.libc.kind} on ${manifest.arch}`);
}

// ---------------------------------------------------------------- build

/** A host tool a build needs, and the Debian package that provides it. */
interface Tool {
  command: string;
  apt: string;
}

const JAVAC: Tool = { command: 'javac', apt: 'openjdk-17-jdk-headless' };
const COMPILERS: Record<ProbeFlavour, Tool> = {
  'glibc-x86_64': { command: 'gcc', apt: 'gcc libc6-dev' },
  'glibc-arm64': { command: 'aarch64-linux-gnu-gcc', apt: 'gcc-aarch64-linux-gnu libc6-dev-arm64-cross' },
  'musl-x86_64': { command: 'musl-gcc', apt: 'musl-tools' },
};

export class ProbeToolMissingError extends Error {
  readonly code = 'probe-tool-missing';
  constructor(readonly tool: string, readonly aptPackage: string, readonly purpose: string) {
    super(`${tool} is not on PATH; it builds ${purpose}. Install it: apt-get install ${aptPackage}`);
  }
}

function requireTool(tool: Tool, purpose: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, tool.command);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new ProbeToolMissingError(tool.command, tool.apt, purpose);
}

async function exec(cmd: string, args: string[], cwd: string): Promise<void> {
  try {
    await run(cmd, args, { cwd, env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 16 << 20 });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`building the load probes: ${cmd} ${args.join(' ')} failed: ${err.stderr || err.stdout || err.message}`, { cause: e });
  }
}

interface NodeApiHeaders {
  symbols: Record<string, { js_native_api_symbols: string[]; node_api_symbols: string[] }>;
}

/** Every Node-API function of the newest version node-api-headers lists (each version's list includes the earlier ones). */
function napiSymbols(): { version: number; names: string[] } {
  const { symbols } = require('node-api-headers') as NodeApiHeaders;
  const version = Math.max(...Object.keys(symbols).map((v) => Number(v.replace(/^v/, ''))));
  const list = symbols[`v${version}`]!;
  return { version, names: [...new Set([...list.js_native_api_symbols, ...list.node_api_symbols])].sort() };
}

/**
 * The C source of libnapi_stub.so: every Node-API function as a stub that
 * aborts if called (the harness runs no addon code), except
 * napi_module_register, which an older NAPI_MODULE addon calls from a
 * constructor at dlopen: it counts the call, so the harness sees the addon
 * registered itself.
 */
export function napiStubSource(): string {
  const { version, names } = napiSymbols();
  const lines = [
    `/* Generated by src/load/probes.ts from node-api-headers (Node-API ${version}): do not edit. */`,
    '#include <stdio.h>',
    '#include <stdlib.h>',
    '__attribute__((visibility("default"))) int distaudit_napi_registrations = 0;',
    'static void called(const char *name) {',
    '  fprintf(stderr, "libnapi_stub: %s called; the Node-API stand-in runs no addon code\\n", name);',
    '  abort();',
    '}',
    'int napi_module_register(void *module) {',
    '  (void)module;',
    '  distaudit_napi_registrations++;',
    '  return 0; /* napi_ok */',
    '}',
    ...names.filter((n) => n !== 'napi_module_register').map((n) => `void ${n}(void) { called("${n}"); }`),
  ];
  return lines.join('\n') + '\n';
}

/** The highest GLIBC_x.y an ELF file needs (null: none), and its NEEDED libraries. */
export function glibcNeeds(file: string): { maxGlibc: string | null; needed: string[] } {
  const elf = withFile(file, (src) => parseElf(src));
  let max: string | null = null;
  for (const need of elf.versionNeeds) {
    for (const v of need.versions) {
      const m = /^GLIBC_(\d+(?:\.\d+)*)$/.exec(v.name);
      if (m && (max === null || compareVersions(m[1]!, max) > 0)) max = m[1]!;
    }
  }
  return { maxGlibc: max, needed: elf.dynamic?.needed ?? [] };
}

/** probe.py, probe.js and Probe.class, in `dir`. */
async function buildShared(dir: string): Promise<void> {
  const src = sourceDir();
  const javac = requireTool(JAVAC, 'the Java load probe');
  await exec(javac, ['--release', '11', '-encoding', 'UTF-8', '-d', dir, join(src, 'Probe.java')], dir);
  for (const f of ['probe.py', 'probe.js']) await copyFile(join(src, f), join(dir, f));
}

/** The compiled probes of one flavour, plus a copy of the shared ones, in `dir`. */
async function buildFlavour(flavour: ProbeFlavour, dir: string, shared: string): Promise<void> {
  const src = sourceDir();
  const cc = requireTool(COMPILERS[flavour], `the ${flavour} load probes`);
  const glibc = flavour.startsWith('glibc');
  // glibc: our own _start and the old symbol versions (glibc_floor.h); libdl.so.2 kept for glibc < 2.34, where dlopen lives.
  const program = glibc
    ? ['-DDISTAUDIT_GLIBC_FLOOR', '-fPIE', '-pie', '-nostartfiles', '-fno-stack-protector']
    : ['-fPIE', '-pie'];
  const libs = glibc ? ['-Wl,--no-as-needed', '-l:libdl.so.2'] : [];
  const common = ['-O2', '-Wall', '-Wextra', '-Werror', '-I', src];
  await exec(cc, [...common, ...program, join(src, 'probe_dlopen.c'), '-o', PROBE_FILES.dlopen, ...libs], dir);
  await exec(cc, [...common, ...program, join(src, 'napi_probe.c'), '-o', PROBE_FILES.napiHarness, ...libs], dir);
  await writeFile(join(dir, 'napi_stub.c'), napiStubSource());
  await exec(cc, ['-O1', '-Wall', '-Werror', '-shared', '-fPIC', '-fno-stack-protector', 'napi_stub.c', '-o', PROBE_FILES.napiStub], dir);
  await rm(join(dir, 'napi_stub.c'));
  if (glibc) {
    for (const f of [PROBE_FILES.dlopen, PROBE_FILES.napiHarness, PROBE_FILES.napiStub]) {
      const { maxGlibc, needed } = glibcNeeds(join(dir, f));
      const fail = (why: string) => new Error(`building the load probes: ${flavour}/${f} ${why} (see native/load/probe/glibc_floor.h)`);
      if (maxGlibc !== null && compareVersions(maxGlibc, GLIBC_FLOOR) > 0) throw fail(`needs GLIBC_${maxGlibc}, newer than the floor GLIBC_${GLIBC_FLOOR}`);
      if (f !== PROBE_FILES.napiStub && !needed.includes('libdl.so.2')) throw fail('does not load libdl.so.2, where glibc before 2.34 keeps dlopen');
    }
  }
  for (const f of await readdir(shared)) await copyFile(join(shared, f), join(dir, f));
}

/** The cache key: the sources, the generated stub's input, and the build steps themselves. */
function buildHash(): string {
  const h = createHash('sha256');
  for (const f of SOURCES) h.update(f).update('\0').update(readFileSync(join(sourceDir(), f))).update('\0');
  h.update(napiStubSource()).update('\0');
  for (const fn of [buildShared, buildFlavour]) h.update(fn.toString()).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** Sets every file 0644 (0755 when executable for its owner) and every directory 0755, so uid 65534 reads them. */
async function openUp(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) await openUp(p);
    else await chmod(p, (await stat(p)).mode & 0o100 ? 0o755 : 0o644);
  }
}

/** Builds into a temporary sibling of `final`, then renames it into place; a concurrent builder's result wins if it got there first. */
async function buildOnce(final: string, build: (dir: string) => Promise<void>): Promise<string> {
  if (existsSync(final)) return final;
  const tmp = `${final}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(tmp, { recursive: true });
  try {
    await build(tmp);
    await openUp(tmp);
    try {
      await rename(tmp, final);
    } catch (e) {
      if (!existsSync(final)) throw e;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return final;
}

const building = new Map<string, Promise<string>>();

/**
 * The host directory holding the probes for an image (or flavour), built on
 * first use: bind it read-only at /probe.
 */
export function probesDir(of: ProbeFlavour | Pick<ImageManifest, 'id' | 'arch' | 'libc'>): Promise<string> {
  const flavour = typeof of === 'string' ? of : flavourOf(of);
  const root = probesRoot();
  const key = `${root}\0${flavour}`;
  let pending = building.get(key);
  if (!pending) {
    pending = (async () => {
      const hashDir = join(root, buildHash());
      await mkdir(hashDir, { recursive: true, mode: 0o755 });
      // mkdir's mode is cut by the umask; the sandbox user must traverse every level we create.
      for (const d of [root, hashDir]) await chmod(d, 0o755).catch(() => undefined);
      const shared = await buildOnce(join(hashDir, 'shared'), buildShared);
      return buildOnce(join(hashDir, flavour), (dir) => buildFlavour(flavour, dir, shared));
    })();
    building.set(key, pending);
    // A failed build is not remembered: the next caller tries again (after installing the tool, say).
    pending.catch(() => building.delete(key));
  }
  return pending;
}

// ---------------------------------------------------------------- commands

/** What runs in the sandbox: the program ('napi-harness' stands in for Node where an image has none). */
export type ProbeProgram = ProbeKind | 'napi-harness';

export interface ProbeTarget {
  /** The binary's path inside the sandbox (under /art). */
  path: string;
  /** python: the dotted module name the file is loaded as ('pkg.sub._ext'); required. */
  module?: string;
  /** python: the directory the wheel was laid out in as pip would (first on sys.path); default /art. */
  siteDir?: string;
  /** java: class path entries inside the sandbox (the artifact's classes or JAR), so a JNI_OnLoad that looks up its own classes finds them. */
  classPath?: string[];
  /** java, dlopen: libraries loaded first, in order, as a JNI loader loads a library's dependencies before it. */
  preload?: string[];
}

export interface ProbeCommand {
  program: ProbeProgram;
  argv: string[];
  env: Record<string, string>;
}

/** The image has no runtime for this probe (the planner turns it into a not-run load). */
export class RuntimeMissingError extends Error {
  readonly code = 'runtime-missing';
  constructor(readonly probe: ProbeKind, readonly image: string) {
    super(`${image} has no ${probe === 'python' ? 'Python' : 'Java'} to load the binary with`);
  }
}

const probePath = (file: string) => `${SANDBOX_PATHS.probes}/${file}`;

/**
 * The command line and environment that run a probe on one binary in an
 * image, using the image's own runtime. Node in an image without Node runs
 * the N-API resolution harness instead (N-API addons only: a V8 addon needs
 * the Node it was built for); Python or Java missing throws RuntimeMissingError.
 */
export function probeCommand(probe: ProbeKind, manifest: ImageManifest, target: ProbeTarget): ProbeCommand {
  const env = { ...PROBE_ENV };
  const { python, java, node } = manifest.runtimes;
  switch (probe) {
    case 'python': {
      if (!python) throw new RuntimeMissingError(probe, manifest.id);
      if (!target.module) throw new Error('probeCommand: a python load needs the module name');
      // -I: no user site, no PYTHON* variables, no script directory on sys.path; -B: the tree is read-only anyway.
      const argv = [python.path, '-I', '-B', probePath(PROBE_FILES.python), target.siteDir ?? SANDBOX_PATHS.inputs, target.module, target.path];
      return { program: 'python', argv, env };
    }
    case 'java': {
      if (!java) throw new RuntimeMissingError(probe, manifest.id);
      const classPath = [SANDBOX_PATHS.probes, ...(target.classPath ?? [])].join(':');
      return { program: 'java', argv: [java.path, ...JAVA_FLAGS, '-cp', classPath, 'Probe', ...(target.preload ?? []), target.path], env };
    }
    case 'node':
      if (!node) return { program: 'napi-harness', argv: [probePath(PROBE_FILES.napiHarness), target.path], env };
      return { program: 'node', argv: [node.path, probePath(PROBE_FILES.node), target.path], env };
    case 'dlopen':
      return { program: 'dlopen', argv: [probePath(PROBE_FILES.dlopen), ...(target.preload ?? []), target.path], env };
  }
}

// ---------------------------------------------------------------- output

const STAGES = new Set(['load', 'init', 'setup']);

/** The report a probe printed: the last `DISTAUDIT-PROBE {json}` line of its stdout; null when there is none or it is malformed. */
export function parseProbeOutput(stdout: string): ProbeReport | null {
  const prefix = `${PROBE_MARKER} `;
  const lines = stdout.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.replace(/\r$/, '');
    if (!line.startsWith(prefix)) continue;
    let value: unknown;
    try {
      value = JSON.parse(line.slice(prefix.length));
    } catch {
      return null;
    }
    return asProbeReport(value);
  }
  return null;
}

function asProbeReport(v: unknown): ProbeReport | null {
  if (typeof v !== 'object' || v === null) return null;
  const r = v as Record<string, unknown>;
  const optString = (x: unknown) => x === null || typeof x === 'string';
  if (typeof r.ok !== 'boolean' || typeof r.stage !== 'string' || !STAGES.has(r.stage) || !optString(r.error) || !optString(r.errorType)) return null;
  if (r.partial !== undefined && r.partial !== 'resolution-only') return null;
  return {
    ok: r.ok,
    stage: r.stage as ProbeReport['stage'],
    error: r.error as string | null,
    errorType: r.errorType as string | null,
    ...(r.partial ? { partial: 'resolution-only' as const } : {}),
  };
}
