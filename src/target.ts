/**
 * A Target is one platform an artifact claims to support, made explicit: the
 * OS, the architecture, the libc and its minimum version, the minimum OS
 * release, and the runtime ABI. Every claim (a wheel tag, a JAR native path, an
 * npm prebuild directory or package field) becomes one or more targets, and
 * every binary is checked against every target it must serve.
 */
import type { Arch } from './binary/arch.ts';

export type Os = 'linux' | 'macos' | 'windows' | 'android' | 'ios' | 'freebsd';

export type LibcKind = 'glibc' | 'musl' | 'bionic';

/** The Python runtime a wheel target is for, from its python and abi tags. */
export interface PythonAbi {
  /** Interpreter tags, e.g. ['cp311'] or ['cp38', 'cp39']. */
  interpreters: string[];
  /**
   * The ABI tag: 'cp311' (one CPython version's ABI), 'cp313t' (free-threaded),
   * 'abi3' (the stable ABI from `minimum` on), or 'none' (no Python ABI: the
   * binaries are loaded some other way, e.g. ctypes).
   */
  abi: string;
  /** For abi3: the lowest CPython version the interpreter tags allow, e.g. '3.8'. */
  minimum: string | null;
}

export interface Target {
  /** Stable, readable key, e.g. 'linux-x86_64-glibc2.17', 'macos-arm64-11.0', 'windows-x86_64'. */
  id: string;
  os: Os;
  arch: Arch;
  /** Linux (and Android): which libc, and the oldest version the claim promises to support. */
  libc: { kind: LibcKind; minVersion: string | null } | null;
  /** The oldest OS release the claim promises (macOS deployment target, Android API level). */
  minOs: string | null;
  /** The policy the claim names, when it names one: 'manylinux_2_17', 'musllinux_1_2', 'macosx_11_0'. */
  policy: string | null;
  python: PythonAbi | null;
  /** The claims this target was made from, as written, e.g. ['manylinux_2_17_x86_64', 'manylinux2014_x86_64']. */
  claims: string[];
}

/** The id of a target from its parts (one spelling everywhere). */
export function targetId(t: Pick<Target, 'os' | 'arch' | 'libc' | 'minOs'>): string {
  const parts: string[] = [t.os, t.arch];
  if (t.libc) parts.push(`${t.libc.kind}${t.libc.minVersion ?? ''}`);
  if (t.minOs) parts.push(t.minOs);
  return parts.join('-');
}
