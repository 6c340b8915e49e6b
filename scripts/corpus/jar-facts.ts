/**
 * Records the JAR corpus, test/corpus/maven-jars.json: real JARs from Maven
 * Central pinned by coordinates and sha256, with facts from tools independent
 * of distaudit, so the audit can be compared with them
 * (test/corpus-jars.test.ts).
 *
 *   node --import tsx scripts/corpus/jar-facts.ts [--only SUBSTRING]...
 *
 * - Each JAR is fetched by its coordinates into cacheRoot()/corpus/maven (see
 *   test/support/maven.ts): a JAR already in the corpus must match its pinned
 *   sha256; a new one must match the `.sha1` Maven Central publishes, and is
 *   pinned by the sha256 of what arrived.
 * - Native libraries are found by magic bytes with Python's zipfile, nested
 *   JARs one level deep (scripts/corpus/inspect_archive.py), never by name.
 * - Per native: llvm-readobj / readelf (ELF header, byte order, OS/ABI,
 *   NEEDED, SONAME, RPATH, version requirements — readelf -V and llvm-readobj
 *   must agree), llvm-objdump (Mach-O), llvm-readobj (PE imports), exports
 *   with nm -D / llvm-nm / llvm-readobj --coff-exports; the Java_ exports'
 *   classes decoded by native-facts.ts's own few lines and looked up in the
 *   class files `jar tf` lists.
 * - Per archive: `jar tf` (entries, class files, pom.properties) and the
 *   manifest's Bundle-NativeCode, parsed here, each path looked up in `jar tf`.
 * - Known defects of published JARs are stated in SELECTION with a predicate
 *   over the recorded facts; a defect the facts do not show stops the script.
 *
 * Re-running is idempotent: downloads are cached (sha256 checked), the output
 * is sorted and stable, and `about.date` changes only when some fact does.
 * `--only` re-records the matching JARs and keeps the others as they are.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MAVEN_CORPUS_FILE,
  downloadMaven,
  mavenFileName,
  parseCoordinates,
  readMavenCorpus,
  sha256OfFile,
  type BundleNativeCodeFacts,
  type JarCorpus,
  type JarCorpusArchive,
  type JarCorpusJar,
  type JarCorpusNative,
  type JniFacts,
  type KnownDefect,
  type KnownDefectKind,
  type ZipStructureFacts,
} from '../../test/support/maven.ts';
import { run } from '../../test/support/python-tools.ts';
import { decodeJniName, exportedSymbols, firstLine, libcOf, rawExportedSymbols, nativeToolFacts, toolVersions, type InventoryNative } from './native-facts.ts';
import { onlyArgs, writeCorpus } from './corpus-file.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

interface Defect {
  kind: KnownDefectKind;
  path: string | null;
  what: string;
  /** True when the recorded facts show the defect. */
  shown(jar: JarCorpusJar): boolean;
}

interface Selection {
  coordinates: string;
  extension?: string;
  why: string;
  defects?: Defect[];
}

const native = (jar: JarCorpusJar, path: string): JarCorpusNative => {
  const n = jar.natives.find((x) => x.path === path);
  if (!n) throw new Error(`${jar.coordinates}: no native ${path}`);
  return n;
};

/** JNA: Bundle-NativeCode clauses naming com/sun/jna/<dir>/ libraries that are not in the JAR (exactly these directories). */
function bundleNativeCodeMissing(dirs: string[]): Defect {
  return {
    kind: 'bundle-native-code',
    path: null,
    what: `Bundle-NativeCode names libraries the JAR does not contain, in com/sun/jna/{${dirs.join(',')}}/: an OSGi framework on those platforms fails to resolve the bundle`,
    shown: (j) => JSON.stringify((j.archives[0]?.bundleNativeCode?.missing ?? []).map((p) => p.split('/')[3])) === JSON.stringify(dirs),
  };
}

/** The corpus: which JARs, and why each one. */
const SELECTION: Selection[] = [
  { coordinates: 'org.xerial:sqlite-jdbc:3.50.3.0', why: 'sqlite-jdbc layout org/sqlite/native/<OS>/<arch>: Linux, Linux-Musl and Linux-Android builds side by side, FreeBSD, Mac, Windows incl. armv7 and aarch64 DLLs' },
  {
    coordinates: 'net.java.dev.jna:jna:5.14.0',
    why: 'JNA com/sun/jna/<os>-<arch>, a Bundle-NativeCode header naming every library, JNI_OnLoad plus Java_com_sun_jna_Native_* exports',
    defects: [
      {
        kind: 'placement',
        path: 'com/sun/jna/sunos-x86/libjnidispatch.so',
        what: 'the sunos-x86 (32-bit x86) directory holds a 64-bit x86-64 library (EM_X86_64, ELFCLASS64)',
        shown: (j) => native(j, 'com/sun/jna/sunos-x86/libjnidispatch.so').elf?.machine === 'EM_X86_64',
      },
      {
        kind: 'placement',
        path: 'com/sun/jna/sunos-sparc/libjnidispatch.so',
        what: 'the sunos-sparc (32-bit SPARC) directory holds a 64-bit SPARC V9 library (EM_SPARCV9, ELFCLASS64)',
        shown: (j) => native(j, 'com/sun/jna/sunos-sparc/libjnidispatch.so').elf?.machine === 'EM_SPARCV9',
      },
      bundleNativeCodeMissing(['darwin-ppc', 'darwin-ppc64', 'darwin-x86', 'linux-ia64', 'linux-ppc64', 'linux-sparcv9', 'w32ce-arm']),
    ],
  },
  {
    coordinates: 'net.java.dev.jna:jna:5.17.0',
    why: 'the twin of jna 5.14.0: its sunos-x86 and sunos-sparc libraries are 32-bit as their directories say',
    defects: [bundleNativeCodeMissing(['darwin-ppc', 'darwin-ppc64', 'darwin-x86', 'freebsd-ppc64', 'freebsd-ppc64le', 'linux-ia64', 'linux-ppc64', 'linux-sparcv9', 'w32ce-arm'])],
  },
  {
    coordinates: 'com.github.luben:zstd-jni:1.5.6-4',
    why: 'zstd-jni layout <os>/<arch>/libzstd-jni-<version>.so at the JAR root (raw os.arch), Bundle-NativeCode',
    defects: [
      {
        kind: 'placement',
        path: 'linux/mips64/libzstd-jni-1.5.6-4.so',
        what: 'the linux/mips64 directory holds a 32-bit little-endian MIPS library (EM_MIPS, ELFCLASS32)',
        shown: (j) => {
          const e = native(j, 'linux/mips64/libzstd-jni-1.5.6-4.so').elf;
          return e?.machine === 'EM_MIPS' && e.class === '32-bit';
        },
      },
    ],
  },
  {
    coordinates: 'com.github.luben:zstd-jni:1.5.2-5',
    why: 'an older zstd-jni: linux/mips64 holds an x86 library; its s390x build was cross-built on a newer distribution (luben/zstd-jni#257)',
    defects: [
      {
        kind: 'placement',
        path: 'linux/mips64/libzstd-jni-1.5.2-5.so',
        what: 'the linux/mips64 directory holds a 32-bit Intel 80386 library (EM_386)',
        shown: (j) => native(j, 'linux/mips64/libzstd-jni-1.5.2-5.so').elf?.machine === 'EM_386',
      },
      {
        kind: 'glibc-floor',
        path: 'linux/loongarch64/libzstd-jni-1.5.2-5.so',
        what:
          'the loongarch64 library needs GLIBC_2.35, a version glibc never had on LoongArch (its port begins at 2.36, the base version of every symbol there): it was linked against a pre-release LoongArch glibc and fails with "version `GLIBC_2.35\' not found" on every released one',
        shown: (j) => {
          const e = native(j, 'linux/loongarch64/libzstd-jni-1.5.2-5.so').elf;
          return e?.readelf.machine === 'LoongArch' && e.maxGlibc === '2.35';
        },
      },
      {
        kind: 'glibc-floor',
        path: 'linux/s390x/libzstd-jni-1.5.2-5.so',
        what: 'the s390x library needs GLIBC_2.34 while the amd64 one needs 2.3.2 (luben/zstd-jni#257: cross-built on a newer distribution)',
        shown: (j) => native(j, 'linux/s390x/libzstd-jni-1.5.2-5.so').elf?.maxGlibc === '2.34' && native(j, 'linux/amd64/libzstd-jni-1.5.2-5.so').elf?.maxGlibc === '2.3.2',
      },
      ...['1.4.9-3', '1.4.9-4'].map(
        (v): Defect => ({
          kind: 'stale',
          path: `linux/amd64/libzstd-jni-${v}.so`,
          what: `a stale library of release ${v} beside the current one: the loader asks for libzstd-jni-1.5.2-5.so and never loads it`,
          shown: (j) => j.natives.some((n) => n.path === `linux/amd64/libzstd-jni-${v}.so`),
        }),
      ),
    ],
  },
  { coordinates: 'com.github.luben:zstd-jni:1.5.7-4', why: 'the twin of zstd-jni 1.5.6-4: its linux/mips64 library is 64-bit MIPS' },
  {
    coordinates: 'org.xerial.snappy:snappy-java:1.1.10.8',
    why: 'snappy-java layout: Linux/x86_64-musl beside the glibc x86_64 build (which NEEDs ld-linux-x86-64.so.2), android-arm/-aarch64, SunOS, Mac .jnilib and .dylib, a Bundle-NativeCode header',
    defects: [
      {
        kind: 'placement',
        path: 'org/xerial/snappy/native/Linux/armv7/libsnappyjava.so',
        what:
          'Linux/armv7 holds a soft-float library (e_flags EF_ARM_ABI_FLOAT_SOFT), yet snappy-java\'s OSInfo.resolveArmArchType picks that folder whenever `uname -m` says armv7 and for every gnueabihf JVM (Linux/arm, its soft-float folder, only otherwise): on an armhf distribution glibc\'s loader rejects a soft-float object (VALID_FLOAT_ABI in sysdeps/unix/sysv/linux/arm/ldsodefs.h)',
        shown: (j) => {
          const e = native(j, 'org/xerial/snappy/native/Linux/armv7/libsnappyjava.so').elf;
          return e?.machine === 'EM_ARM' && (e.flags & 0x200) !== 0 && (e.flags & 0x400) === 0;
        },
      },
      {
        kind: 'bundle-native-code',
        path: 'org/xerial/snappy/native/Linux/ppc64/libsnappyjava.so',
        what: 'Bundle-NativeCode offers Linux/ppc64/libsnappyjava.so, a big-endian PPC64 library, for processor=ppc64le (the ppc64le build, Linux/ppc64le, is in no clause)',
        shown: (j) => {
          const clause = j.archives[0]?.bundleNativeCode?.clauses.find((c) => c.paths.includes('org/xerial/snappy/native/Linux/ppc64/libsnappyjava.so'));
          const e = native(j, 'org/xerial/snappy/native/Linux/ppc64/libsnappyjava.so').elf;
          return clause?.parameters.processor?.includes('ppc64le') === true && e?.readelf.endianness === 'big';
        },
      },
    ],
  },
  { coordinates: 'org.lz4:lz4-java:1.8.0', why: 'lz4-java net/jpountz/util/<os>/<arch>: its Windows DLL is named liblz4-java.so (found by magic bytes, not name)' },
  { coordinates: 'io.netty:netty-transport-native-epoll:4.1.118.Final:linux-x86_64', why: 'netty META-INF/native/libnetty_transport_native_epoll_x86_64.so classifier JAR: JNI_OnLoad + RegisterNatives, no Java_ exports' },
  { coordinates: 'io.netty:netty-transport-native-epoll:4.1.118.Final:linux-aarch_64', why: 'the aarch_64 classifier of the same release (one release with the x86_64 one)' },
  { coordinates: 'io.netty:netty-tcnative-boringssl-static:2.0.70.Final:linux-x86_64', why: 'netty-tcnative with BoringSSL linked in statically, os in the name (libnetty_tcnative_linux_x86_64.so)' },
  { coordinates: 'io.netty:netty-tcnative-boringssl-static:2.0.70.Final:osx-aarch_64', why: 'netty-tcnative Mach-O arm64 .jnilib' },
  { coordinates: 'io.netty:netty-tcnative-boringssl-static:2.0.70.Final:windows-x86_64', why: 'netty-tcnative PE DLL' },
  { coordinates: 'io.grpc:grpc-netty-shaded:1.68.1', why: 'shaded netty: classes relocated to io.grpc.netty.shaded and natives renamed with the mangled prefix (libio_grpc_netty_shaded_netty_*), as netty requires' },
  { coordinates: 'org.conscrypt:conscrypt-openjdk-uber:2.5.2', why: 'Conscrypt uber JAR: META-INF/native/libconscrypt_openjdk_jni-<os>-<arch> for Linux, macOS, Windows x86 and x86_64' },
  { coordinates: 'org.bytedeco:javacpp:1.5.10:linux-x86_64', why: 'JavaCPP platform JAR org/bytedeco/javacpp/linux-x86_64/libjnijavacpp.so (classes live in the main javacpp JAR)' },
  {
    coordinates: 'org.fusesource.jansi:jansi:2.4.1',
    why: 'jansi org/fusesource/jansi/internal/native/<OS>/<arch>: a layout none of the known conventions covers; its Windows arm64 DLL is named libjansi.so',
    defects: ['x86', 'x86_64'].map((arch) => {
      const path = `org/fusesource/jansi/internal/native/FreeBSD/${arch}/libjansi.so`;
      return {
        kind: 'jni' as const,
        path,
        what: 'the FreeBSD library exports neither Java_ functions nor JNI_OnLoad: no native method of jansi can bind to it (UnsatisfiedLinkError at the first call)',
        shown: (j: JarCorpusJar) => {
          const n = native(j, path);
          return n.jni.javaExports === 0 && !n.jni.jniOnLoad;
        },
      };
    }),
  },
  { coordinates: 'io.github.java-native:jssc:2.9.6', why: 'scijava native-lib-loader layout natives/<os>_<bits|arch>/ (linux_32, linux_64, linux_arm64, windows_arm64, osx_arm64...)' },
  { coordinates: 'org.lwjgl:lwjgl:3.3.4:natives-linux', why: 'LWJGL natives JAR linux/x64/org/lwjgl/liblwjgl.so: another layout outside the known conventions; classes in the main lwjgl JAR' },
  { coordinates: 'com.google.code.gson:gson:2.11.0', why: 'control: a JAR with no native code (multi-release, module-info)' },
  { coordinates: 'io.zipkin:zipkin-server:2.23.2:slim', why: 'Spring Boot fat JAR: BOOT-INF/lib/*.jar nested one level deep, two of them netty classifier JARs holding epoll and io_uring natives' },
  { coordinates: 'org.jolokia:jolokia-war:1.7.2', extension: 'war', why: 'a WAR with WEB-INF/lib/*.jar nested JARs and no native code' },
];

/** Classifier JARs of one release, as users put them side by side on a class path. */
const RELEASES: JarCorpus['releases'] = [
  {
    name: 'netty-transport-native-epoll 4.1.118.Final',
    coordinates: ['io.netty:netty-transport-native-epoll:4.1.118.Final:linux-x86_64', 'io.netty:netty-transport-native-epoll:4.1.118.Final:linux-aarch_64'],
  },
  {
    name: 'netty-tcnative-boringssl-static 2.0.70.Final',
    coordinates: [
      'io.netty:netty-tcnative-boringssl-static:2.0.70.Final:linux-x86_64',
      'io.netty:netty-tcnative-boringssl-static:2.0.70.Final:osx-aarch_64',
      'io.netty:netty-tcnative-boringssl-static:2.0.70.Final:windows-x86_64',
    ],
  },
];

// ---------------------------------------------------------------------------
// Manifest and Bundle-NativeCode, read here (not with distaudit's parser)

/** The main section's attributes of a manifest (JAR File Specification): continuation lines start with one space. */
export function manifestMainAttributes(text: string): Map<string, string> {
  const lines = text.split(/\r\n|\r|\n/);
  const logical: string[] = [];
  for (const l of lines) {
    if (l === '') break; // end of the main section
    if (l.startsWith(' ') && logical.length > 0) logical[logical.length - 1] += l.slice(1);
    else logical.push(l);
  }
  const out = new Map<string, string>();
  for (const l of logical) {
    const at = l.indexOf(': ');
    if (at > 0) out.set(l.slice(0, at).toLowerCase(), l.slice(at + 2));
  }
  return out;
}

/** Splits on `sep` outside double quotes. */
function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of s) {
    if (ch === '"') quoted = !quoted;
    if (ch === sep && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export function parseBundleNativeCode(raw: string, entries: ReadonlySet<string>): BundleNativeCodeFacts {
  const clauses: BundleNativeCodeFacts['clauses'] = [];
  let optional = false;
  for (const clauseText of splitOutsideQuotes(raw, ',')) {
    const items = splitOutsideQuotes(clauseText, ';').map((x) => x.trim()).filter((x) => x !== '');
    if (items.length === 1 && items[0] === '*') {
      optional = true;
      continue;
    }
    if (items.length === 0) continue;
    const paths: string[] = [];
    const parameters: Record<string, string[]> = {};
    for (const item of items) {
      const eq = item.indexOf('=');
      if (eq < 0) {
        paths.push(item.replace(/^\/+/, ''));
        continue;
      }
      const key = item.slice(0, eq).replace(/:$/, '').trim();
      const value = item.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      (parameters[key] ??= []).push(value);
    }
    clauses.push({ paths, parameters });
  }
  const missing = [...new Set(clauses.flatMap((c) => c.paths).filter((p) => !entries.has(p)))].sort();
  return { raw, clauses, optional, missing };
}

// ---------------------------------------------------------------------------

interface InventoryArchive {
  path: string;
  manifest: string | null;
  structure: ZipStructureFacts;
  file: string;
  sha256?: string;
}

interface Inventory {
  natives: InventoryNative[];
  archives: InventoryArchive[];
  deeper: string[];
}

function sha256Text(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

const CLASS_ROOTS = ['BOOT-INF/classes/', 'WEB-INF/classes/'];

/** The class names (dotted) an archive puts on the class path, from its `jar tf` entries. */
function classNames(archive: string, entries: readonly string[]): string[] {
  const out: string[] = [];
  for (let e of entries) {
    if (!e.endsWith('.class')) continue;
    if (archive === '') {
      const root = CLASS_ROOTS.find((r) => e.startsWith(r));
      if (root) e = e.slice(root.length);
    }
    const v = /^META-INF\/versions\/\d+\/(.+)$/.exec(e);
    if (v?.[1]) e = v[1];
    else if (e.startsWith('META-INF/')) continue;
    out.push(e.slice(0, -'.class'.length).replaceAll('/', '.'));
  }
  return out;
}

function archiveFacts(a: InventoryArchive, entries: string[]): JarCorpusArchive {
  const set = new Set(entries);
  const classFiles = entries.filter((e) => e.endsWith('.class')).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const bnc = a.manifest === null ? undefined : manifestMainAttributes(a.manifest).get('bundle-nativecode');
  return {
    path: a.path,
    ...(a.sha256 ? { sha256: a.sha256 } : {}),
    entries: entries.length,
    classFiles: classFiles.length,
    classListSha256: sha256Text(classFiles.join('\n')),
    pomProperties: entries.filter((e) => /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(e)).sort(),
    bundleNativeCode: bnc === undefined ? null : parseBundleNativeCode(bnc.trim(), set),
    structure: a.structure,
  };
}

function spellings(raw: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of raw) {
    const m = /^(_?)(Java_|JNI_OnLoad|JNI_OnUnload)(.*?)(@\d+)?$/.exec(name);
    if (!m) continue;
    const key = `${m[1]}${m[2]}${m[2] === 'Java_' || m[3] ? '…' : ''}${m[4] ? '@N' : ''}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function jniFacts(raw: readonly string[], exports: readonly string[], classes: ReadonlySet<string>): JniFacts {
  const java = exports.filter((e) => e.startsWith('Java_'));
  const decoded = java.map((e) => [e, decodeJniName(e)] as const);
  const names = [...new Set(decoded.flatMap(([, d]) => (d ? [d.className] : [])))].sort();
  return {
    javaExports: java.length,
    classes: names,
    missingClasses: names.filter((c) => !classes.has(c)),
    undecodable: decoded.filter(([, d]) => d === null).map(([e]) => e),
    jniOnLoad: exports.includes('JNI_OnLoad'),
    spellings: spellings(raw),
  };
}

async function recordJar(sel: Selection, pinned: string | null): Promise<JarCorpusJar> {
  const ext = sel.extension ?? 'jar';
  const file = await downloadMaven(sel.coordinates, ext, pinned);
  const sha256 = await sha256OfFile(file);
  if (pinned !== null && sha256 !== pinned) throw new Error(`${sel.coordinates}: sha256 ${sha256} but the corpus pins ${pinned}`);
  const root = mkdtempSync(join(tmpdir(), 'distaudit-jar-'));
  try {
    const inv = JSON.parse(run('python3', [join(HERE, 'inspect_archive.py'), 'jar', file, root]).stdout) as Inventory;
    const listings = new Map(inv.archives.map((a) => [a.path, run('jar', ['tf', a.file === file ? file : a.file]).stdout.split('\n').filter((l) => l !== '')]));
    const archives = inv.archives.map((a) => archiveFacts(a, listings.get(a.path)!));
    const classes = new Set(inv.archives.flatMap((a) => classNames(a.path, listings.get(a.path)!)));
    const natives: JarCorpusNative[] = inv.natives.map((n) => {
      const facts = nativeToolFacts(n);
      const at = n.path.lastIndexOf('!/');
      return {
        path: n.path,
        archive: at < 0 ? '' : n.path.slice(0, at),
        sha256: n.sha256,
        size: n.size,
        format: n.format,
        ...facts,
        libc: libcOf(facts),
        jni: jniFacts(rawExportedSymbols(n, facts), exportedSymbols(n, facts), classes),
      };
    });
    const c = parseCoordinates(sel.coordinates, ext);
    const jar: JarCorpusJar = {
      coordinates: sel.coordinates,
      ...(sel.extension ? { extension: sel.extension } : {}),
      filename: mavenFileName(c),
      sha256,
      size: statSync(file).size,
      why: sel.why,
      knownDefects: [],
      archives,
      deeperJars: inv.deeper,
      natives,
    };
    for (const d of sel.defects ?? []) {
      if (!d.shown(jar)) throw new Error(`${sel.coordinates}: the facts do not show the stated defect: ${d.what}`);
      jar.knownDefects.push({ kind: d.kind, path: d.path, what: d.what } satisfies KnownDefect);
    }
    return jar;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const only = onlyArgs('jar-facts.ts');
  const old: JarCorpus | null = existsSync(MAVEN_CORPUS_FILE) ? readMavenCorpus() : null;
  const oldByCoords = new Map((old?.jars ?? []).map((j) => [j.coordinates, j]));
  if (new Set(SELECTION.map((s) => s.coordinates)).size !== SELECTION.length) throw new Error('SELECTION lists a JAR twice');

  const jars: JarCorpusJar[] = [];
  for (const sel of SELECTION) {
    const previous = oldByCoords.get(sel.coordinates);
    if (only.length > 0 && !only.some((o) => sel.coordinates.includes(o)) && previous) {
      jars.push(previous);
      continue;
    }
    console.log(sel.coordinates);
    jars.push(await recordJar(sel, previous?.sha256 ?? null));
  }
  jars.sort((a, b) => (a.coordinates < b.coordinates ? -1 : a.coordinates > b.coordinates ? 1 : 0));

  const about: JarCorpus['about'] = {
    description:
      'Real JARs from Maven Central, pinned by coordinates (groupId:artifactId:version[:classifier]) and sha256, with facts recorded by tools independent of distaudit: Python zipfile (natives by magic bytes, nested JARs one level deep), `jar tf`, readelf and llvm-readobj (ELF), llvm-objdump (Mach-O), llvm-readobj (PE), nm / llvm-nm / llvm-readobj --coff-exports (exports), and this script\'s own manifest, Bundle-NativeCode and JNI-name decoding. No binaries are stored. A fact the audit contradicts is a bug in the audit until an independent tool shows otherwise: never edit a fact to make a run pass; re-record with the script and say why.',
    generatedBy: 'node --import tsx scripts/corpus/jar-facts.ts',
    date: new Date().toISOString().slice(0, 10),
    fetch:
      'test/support/maven.ts fetchMaven: <repository>/<groupId as a path>/<artifactId>/<version>/<artifactId>-<version>[-<classifier>].<extension> from Maven Central (or DISTAUDIT_MAVEN_REPO) into <cache>/corpus/maven/<file name>; the sha256 is checked against the pin before use (a first download against the repository\'s published .sha1)',
    tools: { ...toolVersions(), jar: firstLine(run('jar', ['--version']).stdout) },
    caveats: [
      'Natives are found by magic bytes (ELF; Mach-O thin and fat, a 0xCAFEBABE whose next word is below 45 — a Java class file has its version there; PE: MZ and PE\\0\\0 at e_lfanew), not by name; static archives (.a) are not natives.',
      'Nested JARs: members named *.jar / *.war whose bytes start with a zip local header, one level deep; JARs inside those are listed in deeperJars and not read.',
      'jni.classes decode Java_ exports by the JNI specification\'s mangling (`_1` `_2` `_3` `_0xxxx`; `__` before a letter starts the overload signature); missingClasses are looked up among the class files of every archive on the class path (BOOT-INF/classes/ and WEB-INF/classes/ stripped, META-INF/versions/<n>/ as the base name). Natives-only classifier JARs (LWJGL, JavaCPP platform JARs) keep their classes in another JAR, so all their classes are missing here by construction.',
      'Exports are plain names: the ELF version suffix (`@@VER`), the Mach-O leading underscore and the 32-bit Windows decoration (`_name@12`) are removed.',
      'maxGlibc / maxGlibcxx come from the ELF version requirements (readelf -V, which must equal llvm-readobj --version-info); non-glibc version names (FBSD_*, SUNW_*) are kept in versionNeeds only.',
      'bundleNativeCode.missing are the paths its clauses name that `jar tf` does not list in the same archive.',
      'libc (ELF): bionic when readelf -n shows an Android note or NEEDED has liblog.so; else musl when NEEDED has libc.musl-*.so.1 or a bare libc.so; else glibc when NEEDED has libc.so.6 or a GLIBC_ version is needed from one of glibc\'s own libraries; null otherwise (FreeBSD, Solaris, no libc dependency).',
      'structure: Python zipfile\'s reading of each zip (its end-of-central-directory logic for bytes prepended without adjusting offsets; header offsets, local header sizes and data descriptors for bytes no header accounts for).',
    ],
  };
  const releases: JarCorpus['releases'] = RELEASES.map((r) => {
    for (const c of r.coordinates) if (!jars.some((j) => j.coordinates === c)) throw new Error(`release ${r.name}: ${c} is not in SELECTION`);
    return r;
  });
  writeCorpus(MAVEN_CORPUS_FILE, old, { about, jars, releases });
  const nat = jars.reduce((n, j) => n + j.natives.length, 0);
  console.log(`wrote ${MAVEN_CORPUS_FILE}: ${jars.length} JARs, ${nat} natives, ${(jars.reduce((n, j) => n + j.size, 0) / 1e6).toFixed(1)} MB`);
}

await main();
