/**
 * What a native binary says about itself as a Node addon, read from its bytes
 * while they are available (the audit calls this right after parsing):
 *
 * - kind: Node-API ('napi'), V8/NAN ('v8'), or Node-API resolved at run time
 *   ('napi-dynamic': napi-rs `dyn-symbols`, dlsym / GetProcAddress — no
 *   Node-API imports, yet it exports napi_register_module_v1);
 * - minNapi: the highest first-version among imported `napi_*` /
 *   `node_api_*` functions (node-api-headers' table), with the culprits;
 *   names outside the table are listed as experimental;
 * - declaredNapi: the constant `node_api_module_get_api_version_v1` returns,
 *   decoded from its machine code — the version Node enforces
 *   ("requires Node-API version N, but this version of Node.js only supports
 *   version M add-ons");
 * - dynamicNapiCeiling: for 'napi-dynamic', the highest version among the
 *   Node-API names in read-only data (what it may call, not what it needs);
 * - moduleVersion: NODE_MODULE_VERSION of a V8 addon, from an exported
 *   `node_register_module_v<N>` or the static `node_module` struct passed to
 *   `node_module_register`, and the Node / Electron releases it loads in.
 *
 * How Node decides (src/node_binding.cc DLOpen): a constructor may call
 * node_module_register (V8, checked against NODE_MODULE_VERSION) or
 * napi_module_register (Node-API); otherwise Node looks up
 * `node_register_module_v<ABI>`, then `napi_register_module_v1`. So V8
 * registration wins when both are present, and a binary nothing registers is
 * not an addon (null) — Node-API names in its strings alone do not make one.
 *
 * A fat Mach-O gets one entry per slice in `slices`; the top-level fields
 * merge them (the highest requirement wins; disagreements are noted).
 *
 * ```ts
 * const bin = parseBinary(src);
 * const facts = bin && nodeAddonFacts(src, bin);
 * facts?.kind;          // 'napi'
 * facts?.minNapi;       // 4 (napi_create_threadsafe_function, ...)
 * facts?.declaredNapi;  // 8
 * ```
 */
import { Type, type Static } from 'typebox';
import { ARCHES } from '../arch.ts';
import { AnomalyLog, BinaryParseError, WORK_BUDGET_EXCEEDED } from '../errors.ts';
import type { ParsedBinary } from '../index.ts';
import type { ByteSource } from '../source.ts';
import { Nullable } from '../../schema.ts';
import { isNapiName, moduleVersionReleases, napiSymbolTable, NAPI_VERSION_EXPERIMENTAL } from '../../policy/node.ts';
import { decodeReturnConstant } from './node-decode.ts';
import { addonImages, type AddonImage } from './node-image.ts';
import { findNodeModuleStructs } from './node-module.ts';
import { ScanBudget, scanNapiNames } from './node-strings.ts';

/** The exports this analysis reads: pass them to the parser's `keepDefinedSymbol` (Mach-O names carry a leading '_'). */
export const NODE_ADDON_DEFINED_SYMBOLS = /^_?(napi_register_module_v1|node_api_module_get_api_version_v1|node_register_module_v\d+)$/;

export const NodeAddonKindSchema = Type.Enum(['napi', 'v8', 'napi-dynamic'] as const, {
  description: "'napi': Node-API, bound to no V8 ABI; 'v8': V8/NAN, bound to one NODE_MODULE_VERSION; 'napi-dynamic': Node-API resolved at run time (no Node-API imports).",
});
export type NodeAddonKind = Static<typeof NodeAddonKindSchema>;

export const ModuleVersionReleaseSchema = Type.Object({
  runtime: Type.Enum(['node', 'electron', 'node-webkit'] as const),
  from: Type.String({ description: 'First release with this NODE_MODULE_VERSION, as node-abi lists it.' }),
  until: Nullable(Type.String({ description: 'First later release of the runtime with another NODE_MODULE_VERSION (exclusive).' })),
  future: Type.Boolean(),
});

export const DeclaredNapiSchema = Type.Object(
  {
    address: Type.Number({ description: 'The export\'s address (ELF/Mach-O virtual address, PE RVA; bit 0 set for Thumb).' }),
    fileOffset: Nullable(Type.Number({ description: 'Absolute offset of the code in the source; null when no file bytes back it.' })),
    thumb: Type.Boolean(),
    code: Type.String({ description: 'The first bytes of the function, hex.' }),
    instructions: Nullable(Type.Integer({ description: 'Instructions evaluated up to the return.' })),
    reason: Nullable(Type.String({ description: 'Why the constant could not be read, when it could not.' })),
  },
  { description: 'Where node_api_module_get_api_version_v1 was found and how it was decoded.' },
);

const napiFields = {
  kind: Nullable(NodeAddonKindSchema),
  minNapi: Nullable(Type.Integer({ description: 'Highest first-version among imported Node-API functions; null without Node-API imports.' })),
  minNapiCulprits: Type.Array(Type.String(), { description: 'The imported functions that need minNapi.' }),
  experimentalImports: Type.Array(Type.String(), { description: 'Imported napi_*/node_api_* functions outside the node-api-headers table (NAPI_EXPERIMENTAL or unknown).' }),
  declaredNapi: Nullable(Type.Integer({ description: 'What node_api_module_get_api_version_v1 returns; null when not exported or not decodable.' })),
  declaredNapiExperimental: Type.Boolean({ description: 'declaredNapi is NAPI_VERSION_EXPERIMENTAL (2147483647).' }),
  dynamicNapiCeiling: Nullable(Type.Integer({ description: "For 'napi-dynamic': the highest version among Node-API names in read-only data (a ceiling, not actual use)." })),
  moduleVersion: Nullable(Type.Integer({ description: 'NODE_MODULE_VERSION of a V8 addon.' })),
  runtimes: Type.Array(ModuleVersionReleaseSchema, { description: 'The runtime releases whose NODE_MODULE_VERSION is moduleVersion (node-abi): all matches.' }),
  notes: Type.Array(Type.String(), { description: 'What could not be read or decided, and why.' }),
};

export const NodeAddonSliceFactsSchema = Type.Object(
  {
    format: Type.Enum(['elf', 'macho', 'pe'] as const),
    arch: Type.Enum(ARCHES),
    sliceOffset: Type.Number(),
    ...napiFields,
    evidence: Type.Array(Type.String(), { description: 'Why `kind` was decided, strongest first.' }),
    registration: Type.Object({
      napiRegisterModuleExport: Type.Boolean({ description: 'Exports napi_register_module_v1.' }),
      napiModuleRegisterImport: Type.Boolean({ description: 'Imports napi_module_register (legacy Node-API registration).' }),
      nodeRegisterModuleExport: Nullable(Type.String({ description: 'The exported node_register_module_v<N>, if any.' })),
      nodeModuleRegisterImport: Type.Boolean({ description: 'Imports node_module_register (V8 registration from a constructor).' }),
    }),
    napiImports: Type.Integer({ description: 'Imported napi_*/node_api_* functions.' }),
    napiDelayImports: Type.Integer({ description: 'Of those, PE delay imports.' }),
    napiLibraries: Type.Array(Type.String(), { description: 'Where the Node-API imports come from (PE DLLs, Mach-O install names); empty for ELF and flat lookup.' }),
    v8Imports: Type.Integer({ description: 'Imported V8 / node C++ symbols (_ZN2v8…, _ZN4node…, MSVC …@v8@@…).' }),
    v8ImportSample: Type.Array(Type.String(), { description: 'A few of them.' }),
    declared: Nullable(DeclaredNapiSchema),
    dynamicNapiNames: Type.Integer({ description: "For 'napi-dynamic': known Node-API names found in read-only data." }),
    dynamicCeilingCulprits: Type.Array(Type.String()),
    dynamicUnknownNames: Type.Array(Type.String(), { description: 'napi_*/node_api_* identifiers in read-only data outside the table.' }),
    moduleVersionSource: Nullable(Type.String({ description: 'Where moduleVersion was read.' })),
    moduleVersionCandidates: Type.Array(Type.Object({ version: Type.Integer(), source: Type.String() }), { description: 'Every reading (export name, node_module structs); they agree in a sound addon.' }),
  },
  { description: 'Node addon facts of one binary or one slice of a fat Mach-O.' },
);
export type NodeAddonSliceFacts = Static<typeof NodeAddonSliceFactsSchema>;

export const NodeAddonFactsSchema = Type.Object(
  {
    ...napiFields,
    slices: Type.Array(NodeAddonSliceFactsSchema, { description: 'One entry per binary; per slice for a fat Mach-O.' }),
  },
  { description: 'What a native binary says about itself as a Node addon; null when it is none.' },
);
export type NodeAddonFacts = Static<typeof NodeAddonFactsSchema>;

const NAPI_REGISTER = 'napi_register_module_v1';
const NAPI_MODULE_REGISTER = 'napi_module_register';
const NODE_MODULE_REGISTER = 'node_module_register';
const GET_API_VERSION = 'node_api_module_get_api_version_v1';
const NODE_REGISTER_RE = /^node_register_module_v(\d{1,6})$/;
/** Itanium-mangled V8 / node C++ names (functions, const methods, vtables, typeinfo). */
const V8_ITANIUM = /^_Z(?:N|NK|TVN|TIN|TSN)(?:2v8|4node)\d/;
/** MSVC-mangled names in namespace v8 or node: `?New@String@v8@@…`. */
const V8_MSVC = /^\?.*@(?:v8|node)@@/;
const CODE_BYTES = 24;
const SAMPLE = 5;

export function isV8Symbol(name: string): boolean {
  return V8_ITANIUM.test(name) || V8_MSVC.test(name);
}

/**
 * The Node addon facts of a parsed binary; null when nothing registers it as
 * an addon (no slice is one). Never throws for malformed input: what cannot
 * be read becomes a note. A work budget overrun (BinaryParseError) propagates
 * like the parsers' own.
 */
export function nodeAddonFacts(src: ByteSource, bin: ParsedBinary): NodeAddonFacts | null {
  const slices = addonImages(src, bin).map((img) => sliceFacts(img));
  if (!slices.some((s) => s.kind !== null)) return null;
  return merge(slices);
}

function guard<T>(notes: string[], what: string, run: () => T): T | undefined {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof BinaryParseError) || e.reason === WORK_BUDGET_EXCEEDED) throw e;
    notes.push(`${what}: ${e.reason} (offset 0x${e.offset.toString(16)})`);
    return undefined;
  }
}

function sliceFacts(img: AddonImage): NodeAddonSliceFacts {
  const notes: string[] = [];
  const evidence: string[] = [];
  const table = napiSymbolTable();
  const budget = new ScanBudget();

  const napiImports = img.imports.filter((i) => isNapiName(i.name));
  const v8 = img.imports.filter((i) => isV8Symbol(i.name));
  const nodeRegister = [...img.exports.keys()].find((n) => NODE_REGISTER_RE.test(n)) ?? null;
  const registration = {
    napiRegisterModuleExport: img.exports.has(NAPI_REGISTER),
    napiModuleRegisterImport: napiImports.some((i) => i.name === NAPI_MODULE_REGISTER),
    nodeRegisterModuleExport: nodeRegister,
    nodeModuleRegisterImport: img.imports.some((i) => i.name === NODE_MODULE_REGISTER),
  };

  // ---- kind
  let kind: NodeAddonKind | null = null;
  if (registration.nodeModuleRegisterImport) evidence.push('imports node_module_register (V8 registration from a constructor)');
  if (nodeRegister) evidence.push(`exports ${nodeRegister} (context-aware V8 registration)`);
  if (registration.napiRegisterModuleExport) evidence.push(`exports ${NAPI_REGISTER}`);
  if (registration.napiModuleRegisterImport) evidence.push('imports napi_module_register (legacy Node-API registration)');
  const delayed = napiImports.filter((i) => i.delayLoaded).length;
  if (napiImports.length > 0) {
    const libs = [...new Set(napiImports.map((i) => i.library).filter((l): l is string => l !== null))];
    evidence.push(`imports ${napiImports.length} Node-API function(s)${libs.length ? ` from ${libs.join(', ')}` : ''}${delayed ? ` (${delayed} delay-loaded)` : ''}`);
  }
  if (v8.length > 0) evidence.push(`imports ${v8.length} V8/node C++ symbol(s), e.g. ${v8[0]!.name}`);
  if (registration.nodeModuleRegisterImport || nodeRegister) kind = 'v8';
  else if (napiImports.length > 0) kind = 'napi';
  else if (registration.napiRegisterModuleExport) kind = 'napi-dynamic';
  else if (v8.length > 0) kind = 'v8';
  if (kind === 'napi' && v8.length > 0) notes.push(`a Node-API addon that also imports ${v8.length} V8/node C++ symbol(s): it is bound to one V8 ABI after all`);
  if (kind === null && img.omittedExports > 0) notes.push(`${img.omittedExports} defined symbol(s) were left out by the parse; keep ${NODE_ADDON_DEFINED_SYMBOLS} to see registration exports`);

  // ---- minimum Node-API version from imports
  let minNapi: number | null = null;
  const culprits = new Set<string>();
  const experimental = new Set<string>();
  for (const i of napiImports) {
    const v = table.get(i.name);
    if (v === undefined) {
      experimental.add(i.name);
      continue;
    }
    if (minNapi === null || v > minNapi) {
      minNapi = v;
      culprits.clear();
    }
    if (v === minNapi) culprits.add(i.name);
  }

  // ---- declared Node-API version
  let declared: NodeAddonSliceFacts['declared'] = null;
  let declaredNapi: number | null = null;
  const getVersion = img.exports.get(GET_API_VERSION);
  if (getVersion !== undefined) {
    const thumb = img.arch === 'arm' && ((getVersion & 1) === 1 || img.thumbExports.has(GET_API_VERSION));
    const codeAddr = img.arch === 'arm' ? getVersion - (getVersion % 2) : getVersion;
    const at = guard(notes, GET_API_VERSION, () => img.locate(codeAddr));
    const head = at ? guard(notes, GET_API_VERSION, () => img.reader.view(at.offset, Math.min(CODE_BYTES, at.avail), 'code').bytes) : undefined;
    const fetch = (addr: number, n: number): Uint8Array | null => {
      const loc = img.locate(addr);
      if (!loc) return null;
      return img.reader.view(loc.offset, Math.min(n, loc.avail), 'code').bytes;
    };
    const r = guard(notes, GET_API_VERSION, () => decodeReturnConstant(img.arch, getVersion, fetch, { littleEndian: img.littleEndian, thumb }));
    declared = {
      address: getVersion,
      fileOffset: at ? img.sliceOffset + at.offset : null,
      thumb,
      code: head ? [...head].map((b) => b.toString(16).padStart(2, '0')).join(' ') : '',
      instructions: r && r.value !== null ? r.instructions : null,
      reason: !at ? 'the address is not backed by file bytes' : !r ? 'the code could not be read' : r.value === null ? r.reason : null,
    };
    if (r && r.value !== null) {
      declaredNapi = r.value;
      evidence.push(`exports ${GET_API_VERSION} returning ${r.value}`);
    } else notes.push(`${GET_API_VERSION}: not decodable (${declared.reason})`);
  }

  // ---- run-time resolution: Node-API names in read-only data
  let dynamicNapiCeiling: number | null = null;
  let dynamicNapiNames = 0;
  const dynamicCeilingCulprits: string[] = [];
  let dynamicUnknownNames: string[] = [];
  if (kind === 'napi-dynamic') {
    const scan = guard(notes, 'Node-API name scan', () => scanNapiNames(img.reader, img.rodata, table, budget));
    if (scan) {
      dynamicNapiNames = scan.known.size;
      dynamicUnknownNames = scan.unknown;
      for (const n of scan.known) dynamicNapiCeiling = Math.max(dynamicNapiCeiling ?? 0, table.get(n)!);
      for (const n of [...scan.known].sort()) if (table.get(n) === dynamicNapiCeiling) dynamicCeilingCulprits.push(n);
      evidence.push(`no Node-API imports; ${scan.known.size} Node-API name(s) in read-only data (resolved at run time)`);
    }
  }

  // ---- NODE_MODULE_VERSION
  const candidates: Array<{ version: number; source: string }> = [];
  if (registration.nodeModuleRegisterImport) {
    const log = new AnomalyLog();
    const structs = guard(notes, 'node_module struct', () => findNodeModuleStructs(img, budget, log)) ?? [];
    for (const a of log.list()) notes.push(`node_module struct: ${a.message}`);
    for (const s of structs) candidates.push({ version: s.version, source: `node_module struct at 0x${s.address.toString(16)} (nm_modname "${s.modname}", nm_filename "${s.filename}")` });
    if (structs.length === 0) notes.push('imports node_module_register but no node_module struct was found (no nm_filename pointing at a C++ source name)');
  }
  if (nodeRegister) candidates.push({ version: Number(NODE_REGISTER_RE.exec(nodeRegister)![1]), source: `export ${nodeRegister}` });
  if (budget.truncated) notes.push('data scans stopped at their limits (bytes read, strings kept); later data was not examined');
  let moduleVersion: number | null = null;
  let moduleVersionSource: string | null = null;
  const distinct = [...new Set(candidates.map((c) => c.version))];
  if (distinct.length === 1) {
    moduleVersion = distinct[0]!;
    moduleVersionSource = candidates[0]!.source;
  } else if (distinct.length > 1) {
    notes.push(`NODE_MODULE_VERSION readings disagree: ${candidates.map((c) => `${c.version} from ${c.source}`).join('; ')}`);
  }

  return {
    format: img.format,
    arch: img.arch,
    sliceOffset: img.sliceOffset,
    kind,
    minNapi,
    minNapiCulprits: [...culprits].sort(),
    experimentalImports: [...experimental].sort(),
    declaredNapi,
    declaredNapiExperimental: declaredNapi === NAPI_VERSION_EXPERIMENTAL,
    dynamicNapiCeiling,
    moduleVersion,
    runtimes: moduleVersion === null ? [] : moduleVersionReleases(moduleVersion),
    notes,
    evidence,
    registration,
    napiImports: napiImports.length,
    napiDelayImports: delayed,
    napiLibraries: [...new Set(napiImports.map((i) => i.library).filter((l): l is string => l !== null))].sort(),
    v8Imports: v8.length,
    v8ImportSample: v8.slice(0, SAMPLE).map((i) => i.name),
    declared,
    dynamicNapiNames,
    dynamicCeilingCulprits,
    dynamicUnknownNames,
    moduleVersionSource,
    moduleVersionCandidates: candidates,
  };
}

const KIND_ORDER: Record<NodeAddonKind, number> = { v8: 0, napi: 1, 'napi-dynamic': 2 };

function maxOf(values: Array<number | null>): number | null {
  const xs = values.filter((v): v is number => v !== null);
  return xs.length ? Math.max(...xs) : null;
}

function merge(slices: NodeAddonSliceFacts[]): NodeAddonFacts {
  const notes: string[] = [];
  const addons = slices.filter((s) => s.kind !== null);
  const label = (s: NodeAddonSliceFacts) => `${s.arch} slice`;
  const kinds = [...new Set(addons.map((s) => s.kind!))].sort((a, b) => KIND_ORDER[a] - KIND_ORDER[b]);
  if (slices.length > 1 && (kinds.length > 1 || addons.length < slices.length)) {
    notes.push(`slices disagree on the kind: ${slices.map((s) => `${label(s)} ${s.kind ?? 'not an addon'}`).join(', ')}`);
  }
  const declared = [...new Set(slices.map((s) => s.declaredNapi).filter((v): v is number => v !== null))];
  if (declared.length > 1) notes.push(`slices declare different Node-API versions: ${slices.map((s) => `${label(s)} ${s.declaredNapi ?? 'none'}`).join(', ')}`);
  const mv = [...new Set(slices.map((s) => s.moduleVersion).filter((v): v is number => v !== null))];
  if (mv.length > 1) notes.push(`slices have different NODE_MODULE_VERSIONs: ${mv.join(', ')}`);
  const minNapi = maxOf(slices.map((s) => s.minNapi));
  const declaredNapi = maxOf(slices.map((s) => s.declaredNapi));
  const moduleVersion = mv.length === 1 ? mv[0]! : null;
  const one = slices.length === 1;
  return {
    kind: kinds[0] ?? null,
    minNapi,
    minNapiCulprits: [...new Set(slices.filter((s) => s.minNapi === minNapi).flatMap((s) => s.minNapiCulprits))].sort(),
    experimentalImports: [...new Set(slices.flatMap((s) => s.experimentalImports))].sort(),
    declaredNapi,
    declaredNapiExperimental: declaredNapi === NAPI_VERSION_EXPERIMENTAL,
    dynamicNapiCeiling: maxOf(slices.map((s) => s.dynamicNapiCeiling)),
    moduleVersion,
    runtimes: moduleVersion === null ? [] : moduleVersionReleases(moduleVersion),
    notes: one ? slices[0]!.notes : [...notes, ...slices.flatMap((s) => s.notes.map((n) => `${label(s)}: ${n}`))],
    slices,
  };
}
