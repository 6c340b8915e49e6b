/**
 * A Target is one platform an artifact claims to support, made explicit: the
 * OS, the architecture, the libc and its minimum version, the minimum OS
 * release, and the runtime ABI. Every claim (a wheel tag, a JAR native path, an
 * npm prebuild directory or package field) becomes one or more targets, and
 * every binary is checked against every target it must serve.
 *
 * The schema is the source of truth: the type is derived from it, and the
 * report's published JSON Schema embeds it.
 */
import { Type, type Static } from 'typebox';
import { ARCHES } from './binary/arch.ts';
import { Nullable } from './schema.ts';

export const OsSchema = Type.Enum(['linux', 'macos', 'windows', 'android', 'ios', 'freebsd'] as const);
export type Os = Static<typeof OsSchema>;

export const LibcKindSchema = Type.Enum(['glibc', 'musl', 'bionic'] as const);
export type LibcKind = Static<typeof LibcKindSchema>;

export const PythonAbiSchema = Type.Object(
  {
    interpreters: Type.Array(Type.String(), { description: "Interpreter tags, e.g. ['cp311'] or ['cp38', 'cp39']." }),
    abi: Type.String({
      description:
        "The ABI tag: 'cp311' (one CPython version's ABI), 'cp313t' (free-threaded), 'abi3' (the stable ABI from `minimum` on), or 'none' (no Python ABI: binaries loaded some other way, e.g. ctypes).",
    }),
    minimum: Nullable(Type.String({ description: "For abi3: the lowest CPython version the interpreter tags allow, e.g. '3.8'." })),
  },
  { description: 'The Python runtime a wheel target is for, from its python and abi tags.' },
);
export type PythonAbi = Static<typeof PythonAbiSchema>;

export const NodeRuntimeSchema = Type.Object(
  {
    runtime: Type.Enum(['node', 'electron', 'node-webkit'] as const, { description: 'The runtime that loads the addon.' }),
    napi: Type.Boolean({ description: 'An N-API build: it loads in every runtime version that offers its N-API level.' }),
    moduleVersion: Nullable(Type.Integer({ description: 'For an ABI build (V8/NAN): the NODE_MODULE_VERSION it claims (a prebuild tag abiNN).' })),
    engines: Nullable(Type.String({ description: 'The package\'s engines.node range, as written.' })),
  },
  { description: 'The Node runtime a Node addon target is for.' },
);
export type NodeRuntime = Static<typeof NodeRuntimeSchema>;

export const TargetSchema = Type.Object(
  {
    id: Type.String({ description: "Stable, readable key, e.g. 'linux-x86_64-glibc2.17', 'macos-arm64-11.0', 'windows-x86_64'." }),
    os: OsSchema,
    arch: Type.Enum(ARCHES),
    libc: Nullable(
      Type.Object(
        { kind: LibcKindSchema, minVersion: Nullable(Type.String()) },
        { description: 'Linux (and Android): which libc, and the oldest version the claim promises to support.' },
      ),
    ),
    minOs: Nullable(Type.String({ description: 'The oldest OS release the claim promises (macOS deployment target, Android API level).' })),
    policy: Nullable(Type.String({ description: "The policy the claim names, when it names one: 'manylinux_2_17', 'musllinux_1_2', 'macosx_11_0'." })),
    python: Nullable(PythonAbiSchema),
    node: Nullable(NodeRuntimeSchema),
    claims: Type.Array(Type.String(), { description: "The claims this target was made from, as written, e.g. ['manylinux_2_17_x86_64', 'manylinux2014_x86_64']." }),
  },
  { description: 'One platform an artifact claims to support.' },
);
export type Target = Static<typeof TargetSchema>;

/**
 * The id of a target from its parts (one spelling everywhere), e.g.
 * 'linux-x86_64-glibc2.17', 'macos-arm64-11.0', 'linux-x86_64-musl-napi',
 * 'linux-x86_64-glibc-electron-abi75'.
 */
export function targetId(t: Pick<Target, 'os' | 'arch' | 'libc' | 'minOs'> & { node?: NodeRuntime | null }): string {
  const parts: string[] = [t.os, t.arch];
  if (t.libc) parts.push(`${t.libc.kind}${t.libc.minVersion ?? ''}`);
  if (t.minOs) parts.push(t.minOs);
  if (t.node) parts.push(t.node.napi ? 'napi' : t.node.moduleVersion !== null ? `${t.node.runtime}-abi${t.node.moduleVersion}` : t.node.runtime);
  return parts.join('-');
}

/** A target's platform, without version floors or runtime: 'linux-x86_64-musl', 'macos-arm64', 'windows-x86_64'. */
export function platformOf(t: Pick<Target, 'os' | 'arch' | 'libc'>): string {
  return [t.os, t.arch, ...(t.libc ? [t.libc.kind] : [])].join('-');
}

/** The platforms most users of a native package run on; a release that covers some native platforms should cover these. */
export const COMMON_PLATFORMS = [
  'linux-x86_64-glibc',
  'linux-arm64-glibc',
  'linux-x86_64-musl',
  'linux-arm64-musl',
  'macos-x86_64',
  'macos-arm64',
  'windows-x86_64',
  'windows-arm64',
] as const;
