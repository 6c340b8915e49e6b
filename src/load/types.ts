/**
 * The vocabulary of real loads: the images a binary is loaded in, the
 * sandbox drivers that enter them, and what a load came to.
 *
 *   plan (which binary × which image × which probe, or not-run and why)
 *   → driver runs the probe in the image's read-only root filesystem
 *   → classify the loader's words → link to the static finding that predicted it.
 *
 * Every module under src/load/ speaks these types; nothing else of each other.
 */
import type { Arch } from '../binary/arch.ts';

/** The images distaudit can build (src/load/images/catalog.ts says how). */
export type ImageId =
  | 'debian-bullseye-amd64'
  | 'debian-bookworm-amd64'
  | 'debian-trixie-amd64'
  | 'musl-amd64'
  | 'debian-bookworm-arm64';

export interface PythonRuntime {
  /** '3.11.2' */
  version: string;
  /** The interpreter path inside the image. */
  path: string;
  /** sysconfig EXT_SUFFIX, e.g. '.cpython-311-x86_64-linux-gnu.so'. */
  extSuffix: string;
  /** The interpreter tag its own extensions carry, e.g. 'cp311'. */
  tag: string;
}

export interface JavaRuntime {
  /** 'java -version' of the image, e.g. '17.0.19'. */
  version: string;
  /** The feature release, e.g. 17. */
  major: number;
  path: string;
}

export interface NodeRuntime {
  /** '18.20.4' (process.versions.node). */
  version: string;
  /** process.versions.modules: the NODE_MODULE_VERSION V8 addons must match. */
  moduleVersion: number;
  /** process.versions.napi: the highest N-API version it offers. */
  napi: number;
  path: string;
}

/** What an image is, written next to its cached tarball and read without unpacking it. */
export interface ImageManifest {
  /** Bumped when the layout of images changes; an image of another format is rebuilt. */
  format: 1;
  id: ImageId;
  /** 'Debian 12 (bookworm) amd64', for people. */
  title: string;
  arch: Extract<Arch, 'x86_64' | 'arm64'>;
  libc: { kind: 'glibc' | 'musl'; version: string };
  /** True when the image's programs run under qemu-user (a foreign architecture). */
  emulated: boolean;
  /** The runtimes installed in it; null where the image has none (musl Node, for one). */
  runtimes: { python: PythonRuntime | null; java: JavaRuntime | null; node: NodeRuntime | null };
  /** Where it came from: suite, mirror, package versions, source packages built. */
  sources: Record<string, string>;
  builtAt: string;
  buildSeconds: number;
  /** Unpacked size and tarball size, bytes. */
  size: number;
  packedSize: number;
}

/** An image ready to enter: its manifest and the unpacked root filesystem on this host. */
export interface Image {
  manifest: ImageManifest;
  rootfs: string;
}

/** Limits every load runs under. */
export interface SandboxLimits {
  /** Wall time before the watchdog kills the sandbox's pid 1 (and with it everything inside). */
  timeoutMs: number;
  /** cgroup memory limit, bytes. */
  memoryBytes: number;
  /** cgroup pids limit. */
  pids: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { timeoutMs: 30_000, memoryBytes: 1024 * 1024 * 1024, pids: 256 };

/** One command to run in one image. */
export interface SandboxRequest {
  image: Image;
  /** A host directory bound read-only at /art: the artifact's files, laid out as its installer would. */
  inputs: string;
  /** A host directory bound read-only at /probe: the probes built for this image's arch and libc (src/load/probes.ts). */
  probes: string;
  /** The command, run as an unprivileged user with /scratch (empty, writable, discarded after) as its working directory. */
  argv: string[];
  /** The whole environment (nothing of the host's leaks in). */
  env: Record<string, string>;
  limits: SandboxLimits;
}

export interface SandboxResult {
  /** The command's exit code; null when it ended by a signal or was killed. */
  exitCode: number | null;
  /** 'SIGSEGV', 'SIGBUS', 'SIGKILL', ...; null when it exited. */
  signal: string | null;
  timedOut: boolean;
  /** The cgroup's OOM killer fired. */
  oomKilled: boolean;
  /** The pids limit refused a fork at least once. */
  pidsLimitHit: boolean;
  /** Captured output, each cut at 64 KiB. */
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Enters images: bubblewrap on any Linux host, Docker on hosts that run containers. */
export interface LoadDriver {
  readonly name: 'bwrap' | 'docker';
  /** Whether this host can run the driver, and if not, why (the reason is shown to users verbatim). */
  available(): Promise<{ ok: true } | { ok: false; reason: string }>;
  run(req: SandboxRequest): Promise<SandboxResult>;
}

/** How a binary is loaded: by its runtime, or by the raw dlopen probe. */
export const PROBE_KINDS = ['python', 'java', 'node', 'dlopen'] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

/** Why a load failed, from the loader's own words (src/load/classify.ts). */
export const LOAD_FAILURE_CLASSES = [
  'missing-library',
  'symbol-version',
  'undefined-symbol',
  'wrong-elf-class',
  'wrong-machine',
  'invalid-elf',
  'module-abi',
  'napi-version',
  'init-failure',
  'init-dependency',
  'crash',
  'timeout',
  'resource-limit',
  'unknown',
] as const;
export type LoadFailureClass = (typeof LOAD_FAILURE_CLASSES)[number];

/** Mount points every image has (created empty at build; the rootfs is read-only at load time). */
export const SANDBOX_PATHS = { inputs: '/art', probes: '/probe', scratch: '/scratch' } as const;

/**
 * What every probe prints as the last line of its stdout: the marker, a space,
 * then JSON. A run without this line crashed, timed out or was killed before
 * the probe could say anything; its exit status and stderr tell the rest.
 */
export const PROBE_MARKER = 'DISTAUDIT-PROBE';
export interface ProbeReport {
  ok: boolean;
  /** 'load': the dynamic loader (dlopen, System.load); 'init': the module's own init (PyInit, napi_register_module, JNI_OnLoad); 'setup': the probe itself (bad arguments). */
  stage: 'load' | 'init' | 'setup';
  /** The runtime's error text, verbatim (ImportError message, UnsatisfiedLinkError, dlerror()). */
  error: string | null;
  /** The exception type where the runtime has one ('ImportError', 'java.lang.UnsatisfiedLinkError', 'Error'). */
  errorType: string | null;
  /**
   * Set when the probe checked less than a real load: 'resolution-only' is the
   * N-API harness standing in for Node where an image has none (musl): the
   * addon's libraries and symbols resolved, but none of its code beyond its
   * constructors ran.
   */
  partial?: 'resolution-only';
}
