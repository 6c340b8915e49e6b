/**
 * The node-gyp-build replay (src/artifact/npm/select.ts) against
 * node-gyp-build 4.8.4 itself (an exact devDependency, so package-lock.json
 * pins its integrity): its node-gyp-build.js is run in a
 * vm context over a virtual package directory, with `os`, `fs` and `process`
 * standing in for each simulated system. Hand-picked layouts first (the
 * documented rules and quirks), then 3,000 random file lists (fast-check,
 * fixed seed) on six systems and two Node ABIs: the replay must return the
 * file node-gyp-build returns, or nothing when it throws "No native build was
 * found".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { posix } from 'node:path';
import vm from 'node:vm';
import fc from 'fast-check';
import { pickPrebuild, type LoaderEnv, type RuntimeEnv } from '../../src/artifact/npm/select.ts';
import { parseTags, parseTuple } from '../../src/artifact/npm/prebuilds.ts';
import { SIMULATED_SYSTEMS } from '../../src/rules/node/selection.ts';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The source of the node-gyp-build the replay follows (4.8.4: package.json pins it exactly). */
function nodeGypBuildSource(): string {
  const require = createRequire(import.meta.url);
  const version = (JSON.parse(readFileSync(require.resolve('node-gyp-build/package.json'), 'utf8')) as { version: string }).version;
  assert.equal(version, '4.8.4', 'the replay follows node-gyp-build 4.8.4');
  return readFileSync(require.resolve('node-gyp-build/node-gyp-build.js'), 'utf8');
}

type Resolve = (files: readonly string[], env: LoaderEnv, rt: RuntimeEnv) => string | null;

interface LoaderModule {
  resolve(dir: string): string;
  parseTags(file: string): Record<string, unknown> | undefined;
  parseTuple(name: string): Record<string, unknown> | undefined;
}

/** node-gyp-build.js evaluated with a virtual file system of `files` under /pkg and the system's os / process. */
function loadReal(code: string): Resolve {
  return (files, env, rt) => {
    const tree = new Map<string, Set<string>>();
    for (const f of files) {
      const parts = f.split('/');
      for (let i = 0; i < parts.length - 1; i++) {
        const dir = ['/pkg', ...parts.slice(0, i + 1)].join('/');
        const parent = ['/pkg', ...parts.slice(0, i)].join('/');
        if (!tree.has(parent)) tree.set(parent, new Set());
        tree.get(parent)!.add(parts[i]!);
        if (!tree.has(dir)) tree.set(dir, new Set());
      }
      const parent = ['/pkg', ...parts.slice(0, -1)].join('/');
      if (!tree.has(parent)) tree.set(parent, new Set());
      tree.get(parent)!.add(parts[parts.length - 1]!);
    }
    const fs = {
      readdirSync(dir: string) {
        const entries = tree.get(posix.normalize(dir));
        if (!entries) throw Object.assign(new Error(`ENOENT: ${dir}`), { code: 'ENOENT' });
        // libuv's scandir sorts entries with strcmp.
        return [...entries].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      },
      existsSync: (p: string) => p === '/etc/alpine-release' && env.libc === 'musl',
    };
    const os = { arch: () => env.arch, platform: () => env.platform };
    const proc = {
      env: {},
      versions: { modules: rt.abi, uv: `${env.uv}.46.0`, node: '20.20.2' },
      config: { variables: env.platform === 'linux' && env.arch === 'arm' ? { arm_version: env.armv } : {} },
      execPath: '/usr/bin/node',
    };
    const mod = { exports: {} as LoaderModule };
    const req = (name: string) => {
      if (name === 'fs') return fs;
      if (name === 'os') return os;
      if (name === 'path') return posix;
      if (name === '/pkg/package.json') return { name: 'demo-addon' };
      throw new Error(`Cannot find module '${name}'`);
    };
    vm.runInNewContext(`(function (require, module, process) {\n${code}\n})`, {}, { filename: 'node-gyp-build.js' })(req, mod, proc);
    try {
      return posix.relative('/pkg', mod.exports.resolve('/pkg'));
    } catch (e) {
      if (/No native build was found/.test((e as Error).message)) return null;
      throw e;
    }
  };
}

let real: Resolve | null = null;
function nodeGypBuild(): Resolve {
  if (real) return real;
  real = loadReal(nodeGypBuildSource());
  return real;
}

const replay: Resolve = (files, env, rt) => pickPrebuild(files, env, rt).file;
const NODE20: RuntimeEnv = { runtime: 'node', abi: '115' };
const sys = (id: string) => SIMULATED_SYSTEMS.find((s) => s.id === id)!.env;

const CASES: { name: string; files: string[]; env: LoaderEnv; rt?: RuntimeEnv; want: string | null }[] = [
  { name: 'napi build on Debian', files: ['prebuilds/linux-x64/node.napi.node'], env: sys('debian12-x64'), want: 'prebuilds/linux-x64/node.napi.node' },
  { name: 'musl tag wins on Alpine', files: ['prebuilds/linux-x64/x.node', 'prebuilds/linux-x64/x.musl.node'], env: sys('alpine-x64'), want: 'prebuilds/linux-x64/x.musl.node' },
  { name: 'Void takes the untagged glibc build beside a musl one', files: ['prebuilds/linux-x64/x.node', 'prebuilds/linux-x64/x.musl.node'], env: sys('void-musl-x64'), want: 'prebuilds/linux-x64/x.node' },
  { name: 'an untagged build on Alpine', files: ['prebuilds/linux-x64/x.node'], env: sys('alpine-x64'), want: 'prebuilds/linux-x64/x.node' },
  { name: 'only glibc-tagged on Alpine: nothing', files: ['prebuilds/linux-x64/x.glibc.node'], env: sys('alpine-x64'), want: null },
  { name: 'abi builds: the running ABI', files: ['prebuilds/linux-x64/node.abi108.node', 'prebuilds/linux-x64/node.abi115.node'], env: sys('debian12-x64'), want: 'prebuilds/linux-x64/node.abi115.node' },
  { name: 'abi builds: none for Node 20', files: ['prebuilds/linux-x64/node.abi108.node', 'prebuilds/linux-x64/electron.abi115.node'], env: sys('debian12-x64'), want: null },
  { name: 'abi before napi', files: ['prebuilds/linux-x64/node.napi.node', 'prebuilds/linux-x64/node.abi115.node'], env: sys('debian12-x64'), want: 'prebuilds/linux-x64/node.abi115.node' },
  { name: 'single-arch directory before universal', files: ['prebuilds/darwin-x64+arm64/x.node', 'prebuilds/darwin-arm64/x.node'], env: sys('macos14-arm64'), want: 'prebuilds/darwin-arm64/x.node' },
  { name: 'universal directory', files: ['prebuilds/darwin-x64+arm64/x.node'], env: sys('macos14-arm64'), want: 'prebuilds/darwin-x64+arm64/x.node' },
  { name: 'build/Release before prebuilds', files: ['build/Release/x.node', 'prebuilds/win32-x64/x.node'], env: sys('windows-x64'), want: 'build/Release/x.node' },
  { name: 'armv7 on arm64: nothing', files: ['prebuilds/linux-arm64/x.armv7.node'], env: sys('debian12-arm64'), want: null },
  { name: 'armv8 on arm64', files: ['prebuilds/linux-arm64/x.armv8.node'], env: sys('debian12-arm64'), want: 'prebuilds/linux-arm64/x.armv8.node' },
  { name: 'a name starting with uv reads as a uv tag', files: ['prebuilds/linux-x64/uvu.node'], env: sys('debian12-x64'), want: null },
  { name: 'electron napi build is not node-agnostic', files: ['prebuilds/linux-x64/electron.napi.node'], env: sys('debian12-x64'), want: null },
  { name: 'more tags first', files: ['prebuilds/linux-x64/x.node', 'prebuilds/linux-x64/x.glibc.node'], env: sys('debian12-x64'), want: 'prebuilds/linux-x64/x.glibc.node' },
];

test('the replay picks what node-gyp-build 4.8.4 picks on hand-picked layouts', async () => {
  const ngb = nodeGypBuild();
  for (const c of CASES) {
    const rt = c.rt ?? NODE20;
    assert.equal(ngb(c.files, c.env, rt), c.want, `node-gyp-build itself: ${c.name}`);
    assert.equal(replay(c.files, c.env, rt), c.want, `replay: ${c.name}`);
  }
});

test('the replay explains each file it passes over', () => {
  const p = pickPrebuild(['prebuilds/linux-x64/node.abi108.node', 'prebuilds/linux-x64/x.glibc.node'], sys('alpine-x64'), NODE20);
  assert.equal(p.file, null);
  assert.equal(p.dir, 'linux-x64');
  assert.deepEqual(
    p.considered.map((c) => [c.file, c.rejected]),
    [
      ['prebuilds/linux-x64/node.abi108.node', 'abi108, not abi115 (NODE_MODULE_VERSION)'],
      ['prebuilds/linux-x64/x.glibc.node', 'glibc, not musl'],
    ],
  );
});

test('parseTags and parseTuple read names as node-gyp-build does', async () => {
  const code = nodeGypBuildSource();
  const mod = { exports: {} as LoaderModule };
  const req = (name: string) => (name === 'fs' ? { existsSync: () => false, readdirSync: () => [] } : name === 'os' ? { arch: () => 'x64', platform: () => 'linux' } : posix);
  vm.runInNewContext(`(function (require, module, process) {\n${code}\n})`, {})(req, mod, { env: {}, versions: { modules: '115', uv: '1.46.0' }, config: {} });
  const names = ['node.napi.node', 'electron.abi75.node', 'x.musl.armv7.uv1.node', 'uvu.node', 'abismal.node', 'a.b.c', 'node-webkit.napi.glibc.node', '.node', 'x.abi.node'];
  for (const n of names) {
    const theirs = mod.exports.parseTags(n);
    const ours = parseTags(n);
    if (theirs === undefined) {
      assert.equal(ours, null, n);
      continue;
    }
    assert.ok(ours, n);
    assert.equal(ours.specificity, theirs.specificity, `${n} specificity`);
    assert.equal(ours.runtime ?? undefined, theirs.runtime, `${n} runtime`);
    assert.equal(ours.abi ?? undefined, theirs.abi, `${n} abi`);
    assert.equal(ours.uv ?? undefined, theirs.uv, `${n} uv`);
    assert.equal(ours.armv ?? undefined, theirs.armv, `${n} armv`);
    assert.equal(ours.libc ?? undefined, theirs.libc, `${n} libc`);
    assert.equal(ours.napi || undefined, theirs.napi, `${n} napi`);
  }
  for (const n of ['linux-x64', 'darwin-x64+arm64', 'linux', 'a-b-c', '-x64', 'linux-', 'linux-x64+', 'win32-ia32']) {
    const theirs = mod.exports.parseTuple(n);
    const ours = parseTuple(n);
    // Objects of the vm's realm compare by their JSON.
    assert.equal(JSON.stringify(ours ?? undefined), JSON.stringify(theirs), n);
  }
});

test('3,000 random layouts: the replay agrees with node-gyp-build on six systems and two ABIs', async () => {
  const ngb = nodeGypBuild();
  const tuple = fc.constantFrom('linux-x64', 'linux-arm64', 'linux-x64+arm64', 'darwin-arm64', 'darwin-x64+arm64', 'win32-x64', 'win32-ia32', 'linux-arm', 'linuxmusl-x64', 'bad');
  const token = fc.constantFrom('node', 'electron', 'node-webkit', 'napi', 'abi115', 'abi108', 'abi', 'uv1', 'uv2', 'uvu', 'armv7', 'armv8', 'glibc', 'musl', 'demo', 'x');
  const file = fc.tuple(tuple, fc.array(token, { maxLength: 4 }), fc.constantFrom('node', 'node', 'so')).map(([t, tags, ext]) => `prebuilds/${t}/${[...tags, ext].join('.')}`);
  const extra = fc.constantFrom<string[]>([], [], [], ['build/Release/a.node'], ['build/Debug/b.node'], ['build/Release/readme.txt']);
  let agreed = 0;
  let picked = 0;
  fc.assert(
    fc.property(fc.array(file, { maxLength: 8 }), extra, fc.constantFrom('115', '108'), (files, more, abi) => {
      const all = [...new Set([...files, ...more])];
      for (const s of SIMULATED_SYSTEMS) {
        const rt: RuntimeEnv = { runtime: 'node', abi };
        const want = ngb(all, s.env, rt);
        assert.equal(replay(all, s.env, rt), want, `${s.id} abi ${abi}: ${JSON.stringify(all)}`);
        agreed++;
        if (want !== null) picked++;
      }
    }),
    { numRuns: 500, seed: 0x4e6742 },
  );
  assert.equal(agreed, 3000);
  assert.ok(picked > 500, `enough layouts where something is picked (${picked})`);
});
