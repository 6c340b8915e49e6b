/**
 * package.json as npm reads it, from untrusted text: the fields that decide
 * how a package delivers native code and where it may be installed. Every
 * field is type-checked; one of the wrong type is ignored (as npm ignores it)
 * and recorded as a problem, never thrown.
 *
 * Spec: https://docs.npmjs.com/cli/v10/configuring-npm/package-json (os, cpu,
 * libc, engines, scripts, gypfile, optionalDependencies); node-pre-gyp's
 * `binary` block (mapbox/node-pre-gyp README, "The `binary` object"); the
 * `napi` block of @napi-rs/cli (binaryName / name, targets / triples).
 *
 * ```ts
 * const pj = parsePackageJson('{"name":"demo","version":"1.0.0","os":["linux"],"cpu":["x64"]}');
 * pj.json?.os;       // ['linux']
 * pj.problems;       // []
 * ```
 */

/** package.json files larger than this are not parsed (real ones are a few kB; npm's own limit is the registry's). */
export const MAX_PACKAGE_JSON = 4 * 1024 * 1024;

/** node-pre-gyp's `binary` block: where the binary is downloaded from at install. */
export interface NodePreGypBinary {
  moduleName: string | null;
  modulePath: string | null;
  host: string | null;
  remotePath: string | null;
  packageName: string | null;
  napiVersions: number[];
}

/** The `napi` block @napi-rs/cli writes into a root package.json. */
export interface NapiRsConfig {
  /** `binaryName` (napi-rs 3) or `name` (napi-rs 2). */
  binaryName: string | null;
  /** `targets` (napi-rs 3: Rust triples) or `triples.additional` + defaults (napi-rs 2), as written. */
  targets: string[];
}

export interface PackageJson {
  name: string | null;
  version: string | null;
  main: string | null;
  /** The `os` field: platform names, `!name` to exclude one. Null when absent. */
  os: string[] | null;
  cpu: string[] | null;
  libc: string[] | null;
  /** engines.node as written; null when absent. */
  enginesNode: string | null;
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
  scripts: Record<string, string>;
  /** `gypfile: false` disables npm's implicit `node-gyp rebuild`; null when absent. */
  gypfile: boolean | null;
  binary: NodePreGypBinary | null;
  napi: NapiRsConfig | null;
  files: string[] | null;
}

export interface PackageJsonProblem {
  /** The field concerned, or null for the document as a whole. */
  field: string | null;
  message: string;
}

export interface PackageJsonParse {
  /** Null when the text is not a JSON object. */
  json: PackageJson | null;
  problems: PackageJsonProblem[];
}

type Json = unknown;

function isRecord(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const MAX_LIST = 1000;

export function parsePackageJson(text: string): PackageJsonParse {
  const problems: PackageJsonProblem[] = [];
  if (text.length > MAX_PACKAGE_JSON) return { json: null, problems: [{ field: null, message: `package.json is ${text.length} characters, beyond the ${MAX_PACKAGE_JSON} distaudit reads` }] };
  let raw: Json;
  try {
    // npm strips a UTF-8 byte order mark before parsing (read-package-json-fast / json-parse-even-better-errors).
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    return { json: null, problems: [{ field: null, message: `package.json is not valid JSON: ${(e as Error).message}` }] };
  }
  if (!isRecord(raw)) return { json: null, problems: [{ field: null, message: 'package.json is not a JSON object' }] };

  const wrong = (field: string, want: string) => problems.push({ field, message: `${field} is not ${want}; npm ignores it` });
  const str = (v: Json, field: string): string | null => {
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') return v;
    wrong(field, 'a string');
    return null;
  };
  const strList = (v: Json, field: string): string[] | null => {
    if (v === undefined || v === null) return null;
    // npm-install-checks accepts a single string for os / cpu / libc as well.
    if (typeof v === 'string') return [v];
    if (Array.isArray(v) && v.length <= MAX_LIST && v.every((x) => typeof x === 'string')) return v as string[];
    wrong(field, 'a list of strings');
    return null;
  };
  const strMap = (v: Json, field: string): Record<string, string> => {
    if (v === undefined || v === null) return {};
    if (!isRecord(v)) {
      wrong(field, 'an object');
      return {};
    }
    const out: Record<string, string> = {};
    let n = 0;
    for (const [k, x] of Object.entries(v)) {
      if (++n > MAX_LIST * 10) break;
      // defineProperty: a key named __proto__ stays an ordinary own key (assignment would hit the setter).
      if (typeof x === 'string') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
      else problems.push({ field: `${field}.${k}`, message: `${field}.${k} is not a string` });
    }
    return out;
  };

  let enginesNode: string | null = null;
  if (raw.engines !== undefined && raw.engines !== null) {
    if (isRecord(raw.engines)) enginesNode = str(raw.engines.node, 'engines.node');
    else wrong('engines', 'an object');
  }

  let gypfile: boolean | null = null;
  if (raw.gypfile !== undefined && raw.gypfile !== null) {
    if (typeof raw.gypfile === 'boolean') gypfile = raw.gypfile;
    else wrong('gypfile', 'a boolean');
  }

  let binary: NodePreGypBinary | null = null;
  if (raw.binary !== undefined && raw.binary !== null) {
    if (isRecord(raw.binary)) {
      const b = raw.binary;
      const napi = Array.isArray(b.napi_versions) ? b.napi_versions.filter((x): x is number => typeof x === 'number' && Number.isInteger(x)).slice(0, MAX_LIST) : [];
      binary = {
        moduleName: str(b.module_name, 'binary.module_name'),
        modulePath: str(b.module_path, 'binary.module_path'),
        host: str(b.host, 'binary.host'),
        remotePath: str(b.remote_path, 'binary.remote_path'),
        packageName: str(b.package_name, 'binary.package_name'),
        napiVersions: napi,
      };
    } else wrong('binary', 'an object');
  }

  let napi: NapiRsConfig | null = null;
  if (raw.napi !== undefined && raw.napi !== null) {
    if (isRecord(raw.napi)) {
      const n = raw.napi;
      const binaryName = typeof n.binaryName === 'string' ? n.binaryName : typeof n.name === 'string' ? n.name : null;
      const targets: string[] = [];
      if (Array.isArray(n.targets)) targets.push(...n.targets.filter((x): x is string => typeof x === 'string'));
      if (isRecord(n.triples) && Array.isArray(n.triples.additional)) targets.push(...n.triples.additional.filter((x): x is string => typeof x === 'string'));
      napi = { binaryName, targets: targets.slice(0, MAX_LIST) };
    } else wrong('napi', 'an object');
  }

  const json: PackageJson = {
    name: str(raw.name, 'name'),
    version: str(raw.version, 'version'),
    main: str(raw.main, 'main'),
    os: strList(raw.os, 'os'),
    cpu: strList(raw.cpu, 'cpu'),
    libc: strList(raw.libc, 'libc'),
    enginesNode,
    dependencies: strMap(raw.dependencies, 'dependencies'),
    optionalDependencies: strMap(raw.optionalDependencies, 'optionalDependencies'),
    scripts: strMap(raw.scripts, 'scripts'),
    gypfile,
    binary,
    napi,
    files: strList(raw.files, 'files'),
  };
  if (json.name === null) problems.push({ field: 'name', message: 'package.json has no name' });
  if (json.version === null) problems.push({ field: 'version', message: 'package.json has no version' });
  return { json, problems };
}

/**
 * Whether a value passes an npm os / cpu / libc list the way npm-install-checks
 * decides it (`checkList`): a `!value` entry excludes it; otherwise the value
 * must be listed, unless every entry is a negation; `['any']` allows all.
 */
export function listAllows(list: readonly string[] | null, value: string): boolean {
  if (list === null || list.length === 0) return true;
  if (list.length === 1 && list[0] === 'any') return true;
  let match = false;
  let negated = 0;
  for (const entry of list) {
    if (entry.startsWith('!')) {
      negated++;
      if (entry.slice(1) === value) return false;
    } else if (entry === value) match = true;
  }
  return match || negated === list.length;
}
