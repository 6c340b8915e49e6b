/**
 * What an image holds, measured by running its own programs inside it (under
 * qemu for a foreign one), never assumed from the recipe: the libc's version
 * from the libc itself, each runtime's version, ABI tag and addon ABI from the
 * runtime, package versions from the image's dpkg database.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageManifest, JavaRuntime, NodeRuntime, PythonRuntime } from '../types.ts';
import type { ImageRecipe } from './catalog.ts';
import { runInRoot, shInRoot, type InRootOptions } from './exec.ts';

export interface Measured {
  libc: ImageManifest['libc'];
  runtimes: ImageManifest['runtimes'];
  /** Installed versions of the packages that matter for loads (Debian images), package → version. */
  packages: Record<string, string>;
}

/** The musl loader's path on x86_64; run without arguments it prints its version. */
export const MUSL_LOADER = '/lib/ld-musl-x86_64.so.1';

const PYTHON_FACTS = `import json, sys, sysconfig
print(json.dumps({"version": "%d.%d.%d" % sys.version_info[:3], "extSuffix": sysconfig.get_config_var("EXT_SUFFIX"), "tag": "cp%d%d" % sys.version_info[:2]}))`;

const NODE_FACTS = `const v = process.versions; console.log(JSON.stringify({ node: v.node, modules: v.modules, napi: v.napi }))`;

/** Packages whose versions a load result may depend on; globs as dpkg-query takes them. */
const KEY_PACKAGES = ['libc6', 'libstdc++6', 'libgcc-s1', 'python3', 'python3.[0-9]*-minimal', 'default-jre-headless', 'openjdk-*-jre-headless', 'nodejs', 'libnode[0-9]*'];

function lastLine(s: string): string {
  return s.trim().split('\n').pop() ?? '';
}

/** The version in `java -version`'s first line and its feature release ('1.8.0_402' → 8, '17.0.19' → 17). */
export function parseJavaVersion(text: string): { version: string; major: number } | null {
  const m = /version "([^"]+)"/.exec(text);
  if (!m) return null;
  const version = m[1]!;
  const parts = version.split(/[.+_-]/);
  const major = parts[0] === '1' ? Number(parts[1]) : Number(parts[0]);
  return Number.isFinite(major) ? { version, major } : null;
}

async function libcOf(recipe: ImageRecipe, root: string, opts: InRootOptions): Promise<ImageManifest['libc']> {
  if (recipe.build.kind === 'musl') {
    // musl's loader run bare prints "musl libc (x86_64)\nVersion 1.2.3\n..." on stderr and exits 1.
    const r = await runInRoot(root, [MUSL_LOADER], { ...opts, check: false });
    const m = /^Version (\S+)/m.exec(r.stderr);
    if (!m) throw new Error(`${MUSL_LOADER} did not print its version: ${r.stderr.trim()}`);
    return { kind: 'musl', version: m[1]! };
  }
  const r = await runInRoot(root, ['getconf', 'GNU_LIBC_VERSION'], opts);
  const m = /^glibc (\d+\.\d+)/.exec(r.stdout.trim());
  if (!m) throw new Error(`getconf GNU_LIBC_VERSION printed ${JSON.stringify(r.stdout)}`);
  return { kind: 'glibc', version: m[1]! };
}

/** The paths `command -v` finds for each name (names not installed are absent). */
async function commandPaths(root: string, names: string[], opts: InRootOptions): Promise<Map<string, string>> {
  const r = await shInRoot(root, 'for c; do p=$(command -v "$c") && echo "$c $p" || true; done', names, opts);
  return new Map(
    r.stdout
      .trim()
      .split('\n')
      .filter((l) => l.includes(' /'))
      .map((l) => l.split(' ') as [string, string]),
  );
}

async function pythonOf(root: string, path: string, opts: InRootOptions): Promise<PythonRuntime> {
  const r = await runInRoot(root, [path, '-c', PYTHON_FACTS], opts);
  const facts = JSON.parse(lastLine(r.stdout)) as { version: string; extSuffix: string; tag: string };
  return { version: facts.version, path, extSuffix: facts.extSuffix, tag: facts.tag };
}

async function javaOf(root: string, path: string, opts: InRootOptions): Promise<JavaRuntime> {
  const r = await runInRoot(root, [path, '-version'], opts);
  const v = parseJavaVersion(r.stderr + r.stdout);
  if (!v) throw new Error(`${path} -version printed no version: ${r.stderr.trim()}`);
  return { ...v, path };
}

async function nodeOf(root: string, path: string, opts: InRootOptions): Promise<NodeRuntime> {
  const r = await runInRoot(root, [path, '-e', NODE_FACTS], opts);
  const facts = JSON.parse(lastLine(r.stdout)) as { node: string; modules: string; napi: string };
  return { version: facts.node, moduleVersion: Number(facts.modules), napi: Number(facts.napi), path };
}

async function packagesOf(root: string, opts: InRootOptions): Promise<Record<string, string>> {
  const r = await runInRoot(root, ['dpkg-query', '-W', '-f', '${db:Status-Abbrev}\\t${Package}\\t${Version}\\n', ...KEY_PACKAGES], { ...opts, check: false });
  const packages: Record<string, string> = { debian_version: readFileSync(join(root, 'etc/debian_version'), 'utf8').trim() };
  for (const line of r.stdout.split('\n')) {
    const [status, name, version] = line.split('\t');
    if (status?.startsWith('ii') && name && version) packages[name] = version;
  }
  return packages;
}

/** Measures the image whose tree is at `root` (read-only: measuring writes nothing). */
export async function measureImage(recipe: ImageRecipe, root: string): Promise<Measured> {
  const opts: InRootOptions = { emulated: recipe.emulated };
  const paths = await commandPaths(root, ['python3', 'java', 'node'], opts);
  const python = paths.get('python3');
  const java = paths.get('java');
  const node = paths.get('node');
  return {
    libc: await libcOf(recipe, root, opts),
    runtimes: {
      python: python ? await pythonOf(root, python, opts) : null,
      java: java ? await javaOf(root, java, opts) : null,
      node: node ? await nodeOf(root, node, opts) : null,
    },
    packages: recipe.build.kind === 'debian' ? await packagesOf(root, opts) : {},
  };
}
