/**
 * The npm prebuild corpus (test/corpus/npm-prebuilds.json): real npm packages
 * that carry or fetch native addons — prebuildify trees, @napi-rs/cli
 * per-platform packages with their root, node-pre-gyp / prebuild-install
 * packages whose binary is not in the tarball — pinned by spec and tarball
 * sha256, with facts from tools independent of distaudit. Written by
 * scripts/corpus/npm-prebuild-facts.ts; fetched with test/support/corpus.ts
 * fetchNpm (cacheRoot()/corpus/npm/<sha256>.tgz, sha256 checked).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ElfLibc, NativeFormat, NativeToolFacts } from '../../scripts/corpus/native-facts.ts';
import { repoRoot } from './fixture-builder.ts';
import type { CorpusAbout } from './pypi.ts';

export const NPM_PREBUILD_CORPUS_FILE = join(repoRoot, 'test/corpus/npm-prebuilds.json');

/** Where a PE binary's napi_* / node_api_* imports come from. */
export interface PeNapiSource {
  /** The DLL as spelled in the import table ('node.exe'). */
  dll: string;
  /** Listed in the delay-import directory (node-gyp's /DELAYLOAD:node.exe) rather than the import directory. */
  delay: boolean;
  count: number;
}

export interface NapiFacts {
  /** Imported napi_* / node_api_* names (PE: import and delay-import directories), sorted. */
  imports: string[];
  /** The highest N-API version among the imports, by node-api-headers' symbols table (each name's first version); null without imports. */
  minVersion: number | null;
  /** Imported napi_* / node_api_* names the table does not list (experimental or misspelt), sorted. */
  unknown: string[];
  /** PE only: the DLLs the N-API imports come from. */
  peSources?: PeNapiSource[];
  /** Exports napi_register_module_v1 (symbol-based registration). */
  exportsRegisterModule: boolean;
  /** Imports napi_module_register (legacy static-constructor registration). */
  importsModuleRegister: boolean;
  /** Exports node_api_module_get_api_version_v1. */
  exportsGetApiVersion: boolean;
  /** The constant that function returns, read from llvm-objdump's disassembly; null when not exported or not a plain `return N`. */
  declaredVersion: number | null;
  /** The disassembled instructions the declared version was read from (mnemonic and operands; Mach-O per slice, first slice kept). */
  declaredFrom: string[] | null;
  /** V8 / node C++ API imports (`_ZN2v8*`, `_ZN4node*`) and node_module_register: the signs of a non-N-API addon. */
  v8Imports: number;
  /** Exported node_register_module_v<N> names (context-aware V8 addons). */
  nodeRegisterExports: string[];
  /** napi_* / node_api_* identifiers in the file's strings when it imports no N-API name (dyn-symbols builds resolve N-API at run time), sorted; null when there are imports. */
  napiNameStrings: string[] | null;
}

export interface NpmPrebuildBinary extends NativeToolFacts {
  /** Path in the tarball ('package/prebuilds/linux-x64/classic-level.node'). */
  path: string;
  sha256: string;
  size: number;
  /** By magic bytes (Python tarfile), never by name. */
  format: NativeFormat;
  /**
   * ELF only, by this rule on the tool facts: 'bionic' when `readelf -n`
   * shows an Android note or NEEDED has liblog.so; else 'musl' when NEEDED has
   * libc.musl-*.so.1 or a bare libc.so; else 'glibc' when NEEDED has libc.so.6
   * or a GLIBC_ version is needed from one of glibc's own libraries; null
   * otherwise.
   */
  libc: ElfLibc;
  /** For .node files (and any binary importing N-API); absent for bundled libraries. */
  napi?: NapiFacts;
}

/** The package.json fields that claim targets or say how the binary arrives, verbatim. */
export interface NpmPackageJsonFacts {
  name: string;
  version: string;
  main?: string;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  engines?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  /** node-pre-gyp / prebuild's `binary` block. */
  binary?: Record<string, unknown>;
  /** scripts.install (prebuild-install, node-gyp-build, node-pre-gyp install...). */
  installScript?: string;
  gypfile?: boolean;
}

export interface NpmPrebuildPackage {
  spec: string;
  /** Tarball sha256 (the pin). */
  sha256: string;
  /** The registry's dist.integrity (npm pack checked the tarball against it). */
  integrity: string;
  size: number;
  why: string;
  packageJson: NpmPackageJsonFacts;
  /** Regular files in the tarball. */
  fileCount: number;
  /** package/binding.gyp is in the tarball (node-gyp can build at install). */
  bindingGyp: boolean;
  /** Files under package/prebuilds/, sorted. */
  prebuilds: string[];
  /** Every native binary in the tarball (.node files and bundled libraries), by magic bytes. */
  binaries: NpmPrebuildBinary[];
}

export interface NpmRelease {
  name: string;
  /** The root package first, then its platform packages. */
  specs: string[];
}

export interface NpmPrebuildCorpus {
  about: CorpusAbout;
  packages: NpmPrebuildPackage[];
  releases: NpmRelease[];
}

export function readNpmPrebuildCorpus(file = NPM_PREBUILD_CORPUS_FILE): NpmPrebuildCorpus {
  return JSON.parse(readFileSync(file, 'utf8')) as NpmPrebuildCorpus;
}
