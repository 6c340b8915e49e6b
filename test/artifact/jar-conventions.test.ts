/**
 * JAR native path conventions → the platform each path claims. The paths are
 * those of published JARs, listed with `unzip -Z1` from Maven Central
 * (sqlite-jdbc 3.46.1.0, snappy-java 1.1.10.5, jna 5.14.0, zstd-jni 1.5.6-4,
 * lz4-java 1.8.0, netty 4.1.112.Final epoll / kqueue / tcnative 2.0.66,
 * netty-incubator io_uring 0.0.25, grpc-netty-shaded 1.66.0, conscrypt-openjdk-uber
 * 2.5.2, javacpp 1.5.10, jssc 2.9.6), plus the shaded netty names quoted in
 * public porting guides (Flink's shaded netty4, Beam's vendored gRPC) and the
 * layouts the reference notes describe. Where the JAR's binary contradicts the
 * plain reading of the folder (sqlite-jdbc's Linux/ppc64 is little-endian,
 * jssc's linux_ppc is ppc64le), the note says so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nativePathClaim, type NativePathClaim } from '../../src/artifact/jar/conventions.ts';

type Expect = Partial<NativePathClaim> & Pick<NativePathClaim, 'convention' | 'os' | 'arch'>;

const CASES: [string, Expect][] = [
  // sqlite-jdbc: musl and Android are OS folders; plain Linux is the glibc pick.
  ['org/sqlite/native/Linux/x86_64/libsqlitejdbc.so', { convention: 'sqlite-jdbc', platform: 'Linux/x86_64', os: 'linux', arch: 'x86_64', libc: 'glibc' }],
  ['org/sqlite/native/Linux-Musl/aarch64/libsqlitejdbc.so', { convention: 'sqlite-jdbc', os: 'linux', arch: 'arm64', libc: 'musl' }],
  ['org/sqlite/native/Linux-Musl/x86/libsqlitejdbc.so', { convention: 'sqlite-jdbc', os: 'linux', arch: 'i386', libc: 'musl' }],
  ['org/sqlite/native/Linux-Android/arm/libsqlitejdbc.so', { convention: 'sqlite-jdbc', os: 'android', arch: 'arm', libc: 'bionic', variant: null }],
  ['org/sqlite/native/Linux-Android/x86_64/libsqlitejdbc.so', { convention: 'sqlite-jdbc', os: 'android', arch: 'x86_64', libc: 'bionic' }],
  ['org/sqlite/native/Linux/arm/libsqlitejdbc.so', { convention: 'sqlite-jdbc', os: 'linux', arch: 'arm', variant: 'armel' }],
  ['org/sqlite/native/Linux/armv6/libsqlitejdbc.so', { convention: 'sqlite-jdbc', os: 'linux', arch: 'arm', variant: 'armv6' }],
  ['org/sqlite/native/Linux/armv7/libsqlitejdbc.so', { convention: 'sqlite-jdbc', os: 'linux', arch: 'arm', variant: 'armv7' }],
  ['org/sqlite/native/Linux/riscv64/libsqlitejdbc.so', { convention: 'sqlite-jdbc', os: 'linux', arch: 'riscv64' }],
  ['org/sqlite/native/Linux/ppc64/libsqlitejdbc.so', { convention: 'sqlite-jdbc', os: 'linux', arch: 'ppc64le', libc: 'glibc' }],
  ['org/sqlite/native/Windows/x86_64/sqlitejdbc.dll', { convention: 'sqlite-jdbc', os: 'windows', arch: 'x86_64', libc: null }],
  ['org/sqlite/native/Windows/armv7/sqlitejdbc.dll', { convention: 'sqlite-jdbc', os: 'windows', arch: 'arm', variant: 'armv7' }],
  ['org/sqlite/native/Windows/aarch64/sqlitejdbc.dll', { convention: 'sqlite-jdbc', os: 'windows', arch: 'arm64' }],
  ['org/sqlite/native/Mac/aarch64/libsqlitejdbc.dylib', { convention: 'sqlite-jdbc', os: 'macos', arch: 'arm64' }],
  ['org/sqlite/native/FreeBSD/x86/libsqlitejdbc.so', { convention: 'sqlite-jdbc', os: 'freebsd', arch: 'i386' }],
  ['org/sqlite/native/AIX/ppc64/libsqlitejdbc.a', { convention: 'sqlite-jdbc', platform: 'AIX/ppc64', os: null, arch: 'ppc64', note: null }],
  // A shader relocated the resources: the anchor is still found.
  ['shaded/org/sqlite/native/Linux/x86_64/libsqlitejdbc.so', { convention: 'sqlite-jdbc', os: 'linux', arch: 'x86_64', relocatedPrefix: 'shaded/' }],

  // snappy-java: musl only as x86_64-musl; Android as arch folders; ppc64 is big-endian here.
  ['org/xerial/snappy/native/Linux/x86_64/libsnappyjava.so', { convention: 'snappy-java', os: 'linux', arch: 'x86_64', libc: 'glibc' }],
  ['org/xerial/snappy/native/Linux/x86_64-musl/libsnappyjava.so', { convention: 'snappy-java', os: 'linux', arch: 'x86_64', libc: 'musl' }],
  ['org/xerial/snappy/native/Linux/aarch64/libsnappyjava.so', { convention: 'snappy-java', os: 'linux', arch: 'arm64', libc: null }],
  ['org/xerial/snappy/native/Linux/android-arm/libsnappyjava.so', { convention: 'snappy-java', os: 'android', arch: 'arm', libc: 'bionic', variant: null }],
  ['org/xerial/snappy/native/Linux/android-aarch64/libsnappyjava.so', { convention: 'snappy-java', os: 'android', arch: 'arm64', libc: 'bionic' }],
  ['org/xerial/snappy/native/Linux/ppc64/libsnappyjava.so', { convention: 'snappy-java', os: 'linux', arch: 'ppc64' }],
  ['org/xerial/snappy/native/Linux/ppc64le/libsnappyjava.so', { convention: 'snappy-java', os: 'linux', arch: 'ppc64le' }],
  ['org/xerial/snappy/native/Linux/s390x/libsnappyjava.so', { convention: 'snappy-java', os: 'linux', arch: 's390x' }],
  ['org/xerial/snappy/native/Mac/x86/libsnappyjava.jnilib', { convention: 'snappy-java', os: 'macos', arch: 'i386' }],
  ['org/xerial/snappy/native/Windows/aarch64/snappyjava.dll', { convention: 'snappy-java', os: 'windows', arch: 'arm64' }],
  ['org/xerial/snappy/native/SunOS/sparc/libsnappyjava.so', { convention: 'snappy-java', os: null, arch: 'sparc' }],
  ['org/xerial/snappy/native/AIX/ppc64/libsnappyjava.a', { convention: 'snappy-java', os: null, arch: 'ppc64' }],

  // JNA: com/sun/jna/<os>-<arch>/, and the same prefixes at the root for user libraries.
  ['com/sun/jna/linux-x86-64/libjnidispatch.so', { convention: 'jna', platform: 'linux-x86-64', os: 'linux', arch: 'x86_64', libc: null }],
  ['com/sun/jna/linux-x86/libjnidispatch.so', { convention: 'jna', os: 'linux', arch: 'i386' }],
  ['com/sun/jna/linux-arm/libjnidispatch.so', { convention: 'jna', os: 'linux', arch: 'arm', variant: 'armhf' }],
  ['com/sun/jna/linux-armel/libjnidispatch.so', { convention: 'jna', os: 'linux', arch: 'arm', variant: 'armel' }],
  ['com/sun/jna/linux-aarch64/libjnidispatch.so', { convention: 'jna', os: 'linux', arch: 'arm64' }],
  ['com/sun/jna/linux-mips64el/libjnidispatch.so', { convention: 'jna', os: 'linux', arch: 'mips64el' }],
  ['com/sun/jna/linux-loongarch64/libjnidispatch.so', { convention: 'jna', os: 'linux', arch: 'loongarch64' }],
  ['com/sun/jna/darwin-aarch64/libjnidispatch.jnilib', { convention: 'jna', os: 'macos', arch: 'arm64' }],
  ['com/sun/jna/darwin/libjnidispatch.jnilib', { convention: 'jna', os: 'macos', arch: null }],
  ['com/sun/jna/win32-x86-64/jnidispatch.dll', { convention: 'jna', os: 'windows', arch: 'x86_64' }],
  ['com/sun/jna/win32-aarch64/jnidispatch.dll', { convention: 'jna', os: 'windows', arch: 'arm64' }],
  ['com/sun/jna/sunos-sparcv9/libjnidispatch.so', { convention: 'jna', os: null, arch: 'sparc64' }],
  ['com/sun/jna/freebsd-x86-64/libjnidispatch.so', { convention: 'jna', os: 'freebsd', arch: 'x86_64' }],
  ['com/sun/jna/openbsd-x86/libjnidispatch.so', { convention: 'jna', os: null, arch: 'i386' }],
  ['com/sun/jna/aix-ppc64/libjnidispatch.a', { convention: 'jna', os: null, arch: 'ppc64' }],
  ['com/sun/jna/android-aarch64/libjnidispatch.so', { convention: 'jna', os: 'android', arch: 'arm64', libc: 'bionic' }],
  ['com/sun/jna/android-arm/libjnidispatch.so', { convention: 'jna', os: 'android', arch: 'arm', variant: null }],
  ['linux-x86-64/libfoo.so', { convention: 'jna', os: 'linux', arch: 'x86_64' }],
  ['win32-x86/foo.dll', { convention: 'jna', os: 'windows', arch: 'i386' }],

  // zstd-jni: <os>/<raw os.arch>/ at the root; the file name is the anchor.
  ['linux/amd64/libzstd-jni-1.5.6-4.so', { convention: 'zstd-jni', platform: 'linux/amd64', os: 'linux', arch: 'x86_64' }],
  ['linux/aarch64/libzstd-jni-1.5.6-4.so', { convention: 'zstd-jni', os: 'linux', arch: 'arm64' }],
  ['linux/i386/libzstd-jni-1.5.6-4.so', { convention: 'zstd-jni', os: 'linux', arch: 'i386' }],
  ['linux/arm/libzstd-jni-1.5.6-4.so', { convention: 'zstd-jni', os: 'linux', arch: 'arm' }],
  // 1.5.6-4's linux/mips64 file is a 32-bit MIPS-II little-endian library (readelf): the claim is what the audit checks.
  ['linux/mips64/libzstd-jni-1.5.6-4.so', { convention: 'zstd-jni', os: 'linux', arch: 'mips64' }],
  ['linux/ppc64le/libzstd-jni-1.5.6-4.so', { convention: 'zstd-jni', os: 'linux', arch: 'ppc64le' }],
  ['darwin/x86_64/libzstd-jni-1.5.6-4.dylib', { convention: 'zstd-jni', os: 'macos', arch: 'x86_64' }],
  ['darwin/aarch64/libzstd-jni-1.5.6-4.dylib', { convention: 'zstd-jni', os: 'macos', arch: 'arm64' }],
  ['win/amd64/libzstd-jni-1.5.6-4.dll', { convention: 'zstd-jni', os: 'windows', arch: 'x86_64' }],
  ['win/x86/libzstd-jni-1.5.6-4.dll', { convention: 'zstd-jni', os: 'windows', arch: 'i386' }],
  ['freebsd/amd64/libzstd-jni-1.5.6-4.so', { convention: 'zstd-jni', os: 'freebsd', arch: 'x86_64' }],
  ['aix/ppc64/libzstd-jni-1.5.6-4.so', { convention: 'zstd-jni', os: null, arch: 'ppc64' }],

  // lz4-java: the Windows DLL is named .so.
  ['net/jpountz/util/linux/amd64/liblz4-java.so', { convention: 'lz4-java', platform: 'linux/amd64', os: 'linux', arch: 'x86_64' }],
  ['net/jpountz/util/win32/amd64/liblz4-java.so', { convention: 'lz4-java', os: 'windows', arch: 'x86_64' }],
  ['net/jpountz/util/darwin/aarch64/liblz4-java.dylib', { convention: 'lz4-java', os: 'macos', arch: 'arm64' }],
  ['net/jpountz/util/linux/i386/liblz4-java.so', { convention: 'lz4-java', os: 'linux', arch: 'i386' }],
  ['net/jpountz/util/linux/s390x/liblz4-java.so', { convention: 'lz4-java', os: 'linux', arch: 's390x' }],

  // netty: the library implies or names the OS; a shaded build prefixes its mangled package.
  ['META-INF/native/libnetty_transport_native_epoll_x86_64.so', { convention: 'netty', platform: 'x86_64', os: 'linux', arch: 'x86_64', library: 'transport_native_epoll', shadedPrefix: '', shadedPackage: null, loaderClass: 'io.netty.util.internal.NativeLibraryLoader' }],
  ['META-INF/native/libnetty_transport_native_epoll_aarch_64.so', { convention: 'netty', os: 'linux', arch: 'arm64', library: 'transport_native_epoll' }],
  ['META-INF/native/libnetty_transport_native_kqueue_aarch_64.jnilib', { convention: 'netty', os: 'macos', arch: 'arm64', library: 'transport_native_kqueue' }],
  ['META-INF/native/libnetty_transport_native_io_uring_x86_64.so', { convention: 'netty', os: 'linux', arch: 'x86_64', library: 'transport_native_io_uring' }],
  ['META-INF/native/libnetty_tcnative_linux_x86_64.so', { convention: 'netty', platform: 'linux_x86_64', os: 'linux', arch: 'x86_64', library: 'tcnative' }],
  ['META-INF/native/netty_tcnative_windows_x86_64.dll', { convention: 'netty', os: 'windows', arch: 'x86_64', library: 'tcnative' }],
  ['META-INF/native/libnetty_tcnative_osx_aarch_64.jnilib', { convention: 'netty', os: 'macos', arch: 'arm64', library: 'tcnative' }],
  ['META-INF/native/libnetty_resolver_dns_native_macos_aarch_64.jnilib', { convention: 'netty', os: 'macos', arch: 'arm64', library: 'resolver_dns_native_macos' }],
  ['META-INF/native/libnetty_quiche_linux_x86_64.so', { convention: 'netty', os: 'linux', arch: 'x86_64', library: 'quiche' }],
  ['META-INF/native/libnetty_transport_native_epoll.so', { convention: 'netty', platform: '', os: 'linux', arch: null }],
  [
    'META-INF/native/libio_grpc_netty_shaded_netty_tcnative_linux_aarch_64.so',
    { convention: 'netty', os: 'linux', arch: 'arm64', library: 'tcnative', shadedPrefix: 'io_grpc_netty_shaded_', shadedPackage: 'io.grpc.netty.shaded', loaderClass: 'io.grpc.netty.shaded.io.netty.util.internal.NativeLibraryLoader' },
  ],
  ['META-INF/native/io_grpc_netty_shaded_netty_tcnative_windows_x86_64.dll', { convention: 'netty', os: 'windows', arch: 'x86_64', shadedPackage: 'io.grpc.netty.shaded' }],
  ['META-INF/native/libio_grpc_netty_shaded_netty_transport_native_epoll_x86_64.so', { convention: 'netty', os: 'linux', arch: 'x86_64', library: 'transport_native_epoll', shadedPrefix: 'io_grpc_netty_shaded_' }],
  ['META-INF/native/liborg_apache_flink_shaded_netty4_netty_tcnative_linux_x86_64_fedora.so', { convention: 'netty', os: 'linux', arch: 'x86_64', variant: 'fedora', shadedPackage: 'org.apache.flink.shaded.netty4' }],
  ['META-INF/native/liborg_apache_beam_vendor_grpc_v1p26p0_netty_tcnative_linux_x86_64.so', { convention: 'netty', arch: 'x86_64', os: 'linux', shadedPackage: 'org.apache.beam.vendor.grpc.v1p26p0' }],
  // '_1' in a shaded prefix is an underscore of the package name.
  ['META-INF/native/libcom_my_1co_netty_transport_native_epoll_x86_64.so', { convention: 'netty', os: 'linux', arch: 'x86_64', shadedPackage: 'com.my_co' }],

  // Conscrypt.
  ['META-INF/native/libconscrypt_openjdk_jni-linux-x86_64.so', { convention: 'conscrypt', platform: 'linux-x86_64', os: 'linux', arch: 'x86_64' }],
  ['META-INF/native/libconscrypt_openjdk_jni-osx-x86_64.dylib', { convention: 'conscrypt', os: 'macos', arch: 'x86_64' }],
  ['META-INF/native/libconscrypt_openjdk_jni-linux-aarch_64.so', { convention: 'conscrypt', os: 'linux', arch: 'arm64' }],
  ['META-INF/native/conscrypt_openjdk_jni-windows-x86.dll', { convention: 'conscrypt', os: 'windows', arch: 'i386' }],

  // scijava native-lib-loader.
  ['natives/linux_64/libjssc.so', { convention: 'native-lib-loader', platform: 'linux_64', os: 'linux', arch: 'x86_64' }],
  ['natives/linux_32/libjssc.so', { convention: 'native-lib-loader', os: 'linux', arch: 'i386' }],
  ['natives/linux_arm64/libjssc.so', { convention: 'native-lib-loader', os: 'linux', arch: 'arm64' }],
  ['natives/linux_riscv32/libjssc.so', { convention: 'native-lib-loader', os: 'linux', arch: 'riscv32' }],
  ['natives/linux_ppc/libjssc.so', { convention: 'native-lib-loader', os: 'linux', arch: null }],
  ['natives/windows_arm64/jssc.dll', { convention: 'native-lib-loader', os: 'windows', arch: 'arm64' }],
  ['natives/osx_arm64/libjssc.dylib', { convention: 'native-lib-loader', os: 'macos', arch: 'arm64' }],
  ['META-INF/lib/windows_64/foo.dll', { convention: 'native-lib-loader', os: 'windows', arch: 'x86_64' }],
  ['natives/linux-aarch_64-64/libfoo.so', { convention: 'native-lib-loader', os: 'linux', arch: 'arm64' }],

  // JavaCPP: <package>/<os>-<arch>[-extension]/.
  ['org/bytedeco/javacpp/linux-x86_64/libjnijavacpp.so', { convention: 'javacpp', platform: 'linux-x86_64', os: 'linux', arch: 'x86_64', library: 'org/bytedeco/javacpp' }],
  ['org/bytedeco/javacpp/macosx-arm64/libjnijavacpp.dylib', { convention: 'javacpp', os: 'macos', arch: 'arm64' }],
  ['org/bytedeco/opencv/windows-x86_64/jniopencv_core.dll', { convention: 'javacpp', os: 'windows', arch: 'x86_64', library: 'org/bytedeco/opencv' }],
  ['org/bytedeco/opencv/linux-armhf/libopencv_core.so.4.9', { convention: 'javacpp', os: 'linux', arch: 'arm', variant: 'armhf' }],
  ['org/bytedeco/opencv/android-arm64/libjniopencv_core.so', { convention: 'javacpp', os: 'android', arch: 'arm64', libc: 'bionic' }],
  ['org/bytedeco/cuda/linux-x86_64-gpu/libjnicudart.so', { convention: 'javacpp', os: 'linux', arch: 'x86_64', variant: 'gpu' }],
];

test('every published path maps to its convention and platform', () => {
  for (const [path, expected] of CASES) {
    const got = nativePathClaim(path);
    assert.ok(got, `${path}: no convention`);
    const picked = Object.fromEntries(Object.keys(expected).map((k) => [k, got[k as keyof NativePathClaim]]));
    assert.deepEqual(picked, expected, path);
  }
});

test('a note says where the loader departs from the plain reading of the folder', () => {
  assert.match(nativePathClaim('org/sqlite/native/Linux/ppc64/libsqlitejdbc.so')!.note!, /ppc64le/);
  assert.match(nativePathClaim('org/xerial/snappy/native/Linux/aarch64/libsnappyjava.so')!.note!, /musl only on x86_64/);
  assert.match(nativePathClaim('com/sun/jna/darwin/libjnidispatch.jnilib')!.note!, /universal/);
  assert.equal(nativePathClaim('org/sqlite/native/Linux/x86_64/libsqlitejdbc.so')!.note, null);
});

test('unknown layouts and near misses give null', () => {
  for (const path of [
    'lib/libfoo.so',
    'libfoo.so',
    'native/linux/x86_64/libfoo.so', // no anchor
    'x/linux-x86-64/libfoo.so', // JNA prefix not at the root
    'linux/amd64/libfoo.so', // zstd layout needs the zstd-jni file name
    'org/sqlite/native/Linux/libsqlitejdbc.so', // missing arch level
    'com/sun/jna/linux-x86-64/sub/libjnidispatch.so',
    'com/sun/jna/plan9-x86/libjnidispatch.so',
    'META-INF/native/libfoo.so',
    'META-INF/native/libnetty_transport_native_epoll_pdp11.so',
    'META-INF/native/libnetty_tcnative_beos_x86_64.so',
    'META-INF/native/libcom_foo.netty_tcnative_linux_x86_64.so', // '.' cannot be in a mangled prefix
    'natives/amiga_68k/libfoo.so',
    'deep/natives/linux_64/libfoo.so', // native-lib-loader reads natives/ at the root only
    'org/bytedeco/opencv/linux-x86-64/lib.so', // JNA spelling under a package: neither
    'org/sqlite/native/Linux/../x86_64/libsqlitejdbc.so',
    '',
    '/',
  ]) {
    assert.equal(nativePathClaim(path), null, path);
  }
});

test('bounded work on hostile names: a 60,000-character netty name with thousands of netty_ is dismissed at once', () => {
  const start = performance.now();
  assert.equal(nativePathClaim(`META-INF/native/lib${'netty_'.repeat(10_000)}tcnative_linux_x86_64.so`), null);
  assert.equal(nativePathClaim(`${'a/'.repeat(20_000)}org/sqlite/native/Linux/x86_64/libsqlitejdbc.so`)?.arch, 'x86_64');
  assert.ok(performance.now() - start < 500);
});

test('never throws on arbitrary paths', () => {
  const seg = fc.constantFrom('org', 'sqlite', 'native', 'Linux', 'x86_64', 'com', 'sun', 'jna', 'linux-x86-64', 'META-INF', 'lib', 'natives', 'linux_64', 'libnetty_tcnative_linux_x86_64.so', 'netty_', '_1', 'libzstd-jni.so', '', '..', 'a.so');
  fc.assert(
    fc.property(fc.array(seg, { maxLength: 8 }), (parts) => {
      nativePathClaim(parts.join('/'));
    }),
    { seed: 20260821, numRuns: 3000 },
  );
});
