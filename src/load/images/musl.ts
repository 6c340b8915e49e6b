/**
 * The musl image (load-sandbox.md §5): no distribution, just what a musl
 * program needs to load, from Debian's packages, never from the host's install:
 *
 *   /lib/ld-musl-x86_64.so.1        musl's libc.so, which is also its loader
 *   /lib/libc.musl-x86_64.so.1      → the loader (Alpine's soname)
 *   /usr/lib/libc.so                → the loader (the NEEDED name musl-gcc and Rust produce)
 *   /usr/bin/ldd                    → the loader (it acts as ldd under that name)
 *   /etc/ld-musl-x86_64.path        the library search path
 *   /bin/busybox + applet links     a shell and the usual tools (busybox-static)
 *   /usr/bin/python3.11, /usr/lib/python3.11
 *                                   CPython built with musl-gcc from Debian's python3.11 source
 *
 * Everything happens in a throwaway bookworm build root (debootstrap), so the
 * host needs no deb-src lines, no compiler and no musl of its own. The CPython
 * build (minutes) is cached on its own under partsDir: rebuilding the image
 * reuses it. There is no musl Node or Java (none exists that loads addons; §5).
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { aptSources, debianMirrors, type MuslRecipe } from './catalog.ts';
import { type BuildContext, megabytes } from './build.ts';
import { APT_GET, debootstrap } from './debian.ts';
import { runInRoot, shInRoot } from './exec.ts';
import { MUSL_LOADER } from './measure.ts';
import { packTree, unpackTree } from './tarball.ts';

/**
 * Builds CPython with musl-gcc inside the build root, installing into /build/out.
 * - The CC wrapper answers --print-multiarch with nothing: musl-gcc is gcc, which
 *   would say x86_64-linux-gnu, and configure stops ("internal configure error
 *   for the platform triplet") when that differs from the musl triplet it detects.
 * - musl-gcc searches only musl's headers; the kernel's (linux/, asm/) are added
 *   as Alpine's linux-headers package adds them, or socket, select and friends fail.
 * - setup.py asks dpkg-architecture for the multiarch directory when the
 *   compiler gives none, and would then compile against glibc's headers and
 *   libraries; a dpkg-architecture that fails keeps it on musl.
 * The source version is printed as "SOURCE-VERSION <v>" for the manifest.
 */
const CPYTHON_BUILD = `
${APT_GET} install -y --no-install-recommends gcc make musl-tools linux-libc-dev dpkg-dev xz-utils
mkdir -p /build/src /build/shim /build/kheaders /build/out
cd /build/src
${APT_GET} source "$1"
cd /build/src/"$1"-*/
echo "SOURCE-VERSION $(dpkg-parsechangelog -S Version)"
ln -sf /usr/include/linux /usr/include/asm-generic /usr/include/x86_64-linux-gnu/asm /build/kheaders/
cat > /build/musl-cc <<'EOF'
#!/bin/sh
for a; do case "$a" in -print-multiarch|--print-multiarch) exit 0;; esac; done
exec musl-gcc -isystem /build/kheaders "$@"
EOF
printf '#!/bin/sh\\nexit 1\\n' > /build/shim/dpkg-architecture
chmod +x /build/musl-cc /build/shim/dpkg-architecture
export PATH=/build/shim:$PATH
./configure -q CC=/build/musl-cc --prefix=/usr --disable-shared --without-ensurepip
make -j"$(nproc)" 2>&1
make install DESTDIR=/build/out COMPILEALL_OPTS=-j0 >/dev/null
cd /build/out/usr
rm -rf share bin/idle* lib/libpython3*.a lib/python3.*/idlelib lib/python3.*/tkinter lib/python3.*/turtledemo lib/python3.*/ensurepip
find lib -type d \\( -name test -o -name tests \\) -prune -exec rm -rf {} +
find lib -name '*.opt-[12].pyc' -delete
strip --strip-unneeded bin/"$1" lib/python3.*/lib-dynload/*.so
`;

/** The CPython part's cache key: the recipe's build text and source package, so changing either rebuilds it. */
function cpythonKey(recipe: MuslRecipe): string {
  return createHash('sha256').update(recipe.suite).update('\0').update(recipe.pythonSource).update('\0').update(CPYTHON_BUILD).digest('hex').slice(0, 12);
}

interface CpythonPart {
  sourceVersion: string;
  /** Stdlib extension modules setup.py could not build (no musl build of their library): 'ctypes' needs libffi, and so on. */
  modulesNotBuilt: string[];
  builtAt: string;
  buildSeconds: number;
}

/** The headers under which setup.py's summary lists stdlib modules it did not build (or removed after building). */
const NOT_BUILT_HEADERS = [
  'The necessary bits to build these optional modules were not found:',
  'they are *disabled* by configure:',
  'Failed to build these modules:',
  'removed because they could not be imported:',
];

/** The stdlib modules setup.py's summary, at the end of `make`, says it did not build. */
export function modulesNotBuilt(makeOutput: string): string[] {
  const names = new Set<string>();
  const lines = makeOutput.split('\n');
  lines.forEach((line, i) => {
    if (!NOT_BUILT_HEADERS.some((h) => line.trimEnd().endsWith(h))) return;
    // The names follow in columns, up to a blank line or a sentence.
    for (const next of lines.slice(i + 1)) {
      const words = next.trim().split(/\s+/).filter(Boolean);
      if (words.length === 0 || !words.every((w) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(w)) || /^[A-Z]/.test(words[0]!)) break;
      for (const w of words) names.add(w);
    }
  });
  return [...names].sort();
}

async function ensureCpython(ctx: BuildContext, recipe: MuslRecipe, buildRoot: string): Promise<{ tarball: string; part: CpythonPart }> {
  const base = join(ctx.partsDir, `cpython-musl-${recipe.pythonSource}-${cpythonKey(recipe)}`);
  const tarball = `${base}.tar.zst`;
  if (existsSync(tarball) && existsSync(`${base}.json`)) {
    const part = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as CpythonPart;
    await ctx.stage(`CPython ${part.sourceVersion} for musl: cached`, async () => undefined);
    return { tarball, part };
  }
  const t0 = performance.now();
  const made = await ctx.stage(`build CPython (${recipe.pythonSource} source, musl-gcc)`, () =>
    shInRoot(buildRoot, CPYTHON_BUILD, [recipe.pythonSource], { writable: true, network: true }),
  );
  const sourceVersion = /^SOURCE-VERSION (\S+)/m.exec(made.stdout)?.[1] ?? 'unknown';
  mkdirSync(ctx.partsDir, { recursive: true });
  await ctx.stage('pack CPython', () => packTree(join(buildRoot, 'build/out'), `${tarball}.tmp-${process.pid}`), () => megabytes(statSync(`${tarball}.tmp-${process.pid}`).size));
  const part: CpythonPart = {
    sourceVersion,
    modulesNotBuilt: modulesNotBuilt(made.stdout),
    builtAt: new Date().toISOString(),
    buildSeconds: Math.round((performance.now() - t0) / 100) / 10,
  };
  writeFileSync(`${base}.json`, JSON.stringify(part, null, 2) + '\n');
  renameSync(`${tarball}.tmp-${process.pid}`, tarball);
  return { tarball, part };
}

/** musl's libc.so inside the unpacked package: /lib or /usr/lib, whichever this suite uses. */
function muslLibc(unpacked: string): string {
  for (const rel of ['lib/x86_64-linux-musl/libc.so', 'usr/lib/x86_64-linux-musl/libc.so']) if (existsSync(join(unpacked, rel))) return join(unpacked, rel);
  throw new Error(`no libc.so in Debian's musl package (looked under ${unpacked}/lib and /usr/lib)`);
}

export async function buildMusl(ctx: BuildContext, recipe: MuslRecipe): Promise<Record<string, string>> {
  const buildRoot = join(ctx.work, 'buildroot');
  mkdirSync(buildRoot);
  await ctx.stage(`debootstrap ${recipe.suite} (build root)`, () => debootstrap(buildRoot, recipe.suite, 'amd64', { foreign: false }));
  writeFileSync(join(buildRoot, 'etc/apt/sources.list'), aptSources(recipe.suite, { withSource: true }));
  const fetched = await ctx.stage('apt-get download musl busybox-static', () =>
    shInRoot(
      buildRoot,
      `${APT_GET} update >/dev/null
mkdir -p /build/debs /build/x && cd /build/debs
${APT_GET} download musl busybox-static >/dev/null
for d in *.deb; do dpkg-deb -x "$d" /build/x; echo "PACKAGE $(dpkg-deb -f "$d" Package) $(dpkg-deb -f "$d" Version)"; done`,
      [],
      { writable: true, network: true },
    ),
  );
  const versions = Object.fromEntries([...fetched.stdout.matchAll(/^PACKAGE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  const python = await ensureCpython(ctx, recipe, buildRoot);

  await ctx.stage('musl layout', async () => {
    const { root } = ctx;
    const x = join(buildRoot, 'build/x');
    for (const d of ['bin', 'sbin', 'lib', 'usr/bin', 'usr/sbin', 'usr/lib', 'usr/local/lib', 'etc', 'root', 'proc', 'dev', 'sys', 'tmp']) mkdirSync(join(root, d), { recursive: true, mode: 0o755 });
    chmodSync(join(root, 'tmp'), 0o1777);
    copyFileSync(muslLibc(x), join(root, MUSL_LOADER));
    chmodSync(join(root, MUSL_LOADER), 0o755);
    symlinkSync('ld-musl-x86_64.so.1', join(root, 'lib/libc.musl-x86_64.so.1'));
    symlinkSync(MUSL_LOADER, join(root, 'usr/lib/libc.so'));
    symlinkSync(MUSL_LOADER, join(root, 'usr/bin/ldd'));
    writeFileSync(join(root, 'etc/ld-musl-x86_64.path'), '/lib\n/usr/local/lib\n/usr/lib\n');
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n');
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
    copyFileSync(join(x, 'bin/busybox'), join(root, 'bin/busybox'));
    chmodSync(join(root, 'bin/busybox'), 0o755);
    await runInRoot(root, ['/bin/busybox', '--install', '-s'], { writable: true });
    await unpackTree(python.tarball, root);
    if (!existsSync(join(root, 'usr/bin/python3'))) symlinkSync('python3.11', join(root, 'usr/bin/python3'));
  });
  const { mirror } = debianMirrors();
  return {
    suite: recipe.suite,
    mirror,
    musl: versions.musl ?? 'unknown',
    'busybox-static': versions['busybox-static'] ?? 'unknown',
    [`${recipe.pythonSource} (source, built with musl-gcc)`]: python.part.sourceVersion,
    'cpython modules not built': python.part.modulesNotBuilt.join(' ') || 'none',
  };
}
