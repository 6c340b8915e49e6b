/**
 * Per-platform npm packages, told by their names: the packages @napi-rs/cli
 * generates (`<name>-<platformArchABI>`: `linux-x64-gnu`, `linux-x64-musl`,
 * `linux-arm-gnueabihf`, `darwin-arm64`, `win32-x64-msvc`, `android-arm-eabi`,
 * `wasm32-wasi`; napi-rs cli/src/utils/target.ts `parseTriple`), and the same
 * pattern without napi-rs (`@esbuild/linux-x64`, sharp's `@img/sharp-linux-x64`
 * and `@img/sharp-linuxmusl-x64`). A root package lists them in
 * `optionalDependencies`; npm installs the one whose os / cpu / libc fields
 * match the machine.
 *
 * ```ts
 * platformOfPackageName('@rollup/rollup-linux-x64-musl');
 * // { suffix: 'linux-x64-musl', os: 'linux', arch: 'x86_64', libc: 'musl' }
 * platformOfPackageName('@esbuild/linux-x64');   // { ..., libc: null } (the same package on glibc and musl)
 * platformOfPackageName('lodash');               // null
 * ```
 */
import type { Arch } from '../../binary/arch.ts';
import type { LibcKind, Os } from '../../target.ts';
import { npmArch, npmPlatformOs } from './prebuilds.ts';

export interface NamedPlatform {
  /** The platform part of the name as written: 'linux-x64-gnu', 'darwin-universal', 'wasm32-wasi'. */
  suffix: string;
  os: Os | null;
  /** Null for 'universal' (both macOS architectures) and wasm. */
  arch: Arch | null;
  /** Linux/Android: the libc the name says; null when it says none (loaded on glibc and musl alike). */
  libc: LibcKind | null;
  /** 'wasm32-wasi' and sharp's 'wasm32': WebAssembly, no native code. */
  wasm: boolean;
  universal: boolean;
}

const PLATFORMS = 'linux|linuxmusl|darwin|win32|freebsd|android|openbsd|netbsd|sunos|aix|openharmony';
const NAME_RE = new RegExp(`(?:^|-)(${PLATFORMS})-([a-z0-9_]+)(?:-(gnu|musl|gnueabihf|musleabihf|gnueabi|eabi|msvc|gnux32|ohos))?$`);
const WASM_RE = /(?:^|-)(wasm32(?:-wasi(?:p\d)?)?)$/;

/** The platform a per-platform package's name claims; null when the name names none. */
export function platformOfPackageName(name: string): NamedPlatform | null {
  const last = name.slice(name.lastIndexOf('/') + 1);
  const wasm = WASM_RE.exec(last);
  if (wasm) return { suffix: wasm[1]!, os: null, arch: null, libc: null, wasm: true, universal: false };
  const m = NAME_RE.exec(last);
  if (!m) return null;
  const [, platform, cpu, abi] = m as unknown as [string, string, string, string | undefined];
  const suffix = [platform, cpu, abi].filter((x) => x !== undefined).join('-');
  const universal = cpu === 'universal';
  const arch = universal ? null : npmArch(cpu, platform);
  if (!universal && arch === null) return null;
  let os: Os | null;
  let libc: LibcKind | null = null;
  if (platform === 'linuxmusl') {
    os = 'linux';
    libc = 'musl';
  } else {
    os = npmPlatformOs(platform);
    if (os === 'linux') libc = abi?.startsWith('musl') ? 'musl' : abi?.startsWith('gnu') ? 'glibc' : null;
    if (os === 'android') libc = 'bionic';
  }
  return { suffix, os, arch, libc, wasm: false, universal };
}
