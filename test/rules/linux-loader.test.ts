/**
 * The loader simulation (src/rules/linux/loader.ts) and the install layout it
 * works in (layout.ts): where wheel files land, what an RPATH entry means, and
 * how glibc and musl differ on RUNPATH inheritance. The glibc behaviour was
 * checked on this machine (glibc 2.36): a RUNPATH on the extension does not let
 * a bundled libfoo without its own RUNPATH find libbar (`libbar.so.2: cannot
 * open shared object file`), a DT_RPATH does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseElf } from '../../src/binary/elf/parse.ts';
import { bytesSource } from '../../src/binary/source.ts';
import { expandSearchEntry, installPath, normalizePath, SITE_PACKAGES, splitSearchPath } from '../../src/rules/linux/layout.ts';
import { chainOf, filesNamed, LoadBudgetExceeded, muslReservedName, searchOrder, simulateLoad, type ElfObject, type LoadEdge } from '../../src/rules/linux/loader.ts';
import { fx } from './linux-helpers.ts';

function objects(files: Record<string, string>): Map<string, ElfObject> {
  return new Map(
    Object.entries(files).map(([path, f]) => {
      const o: ElfObject = { path, install: installPath(path), elf: parseElf(bytesSource(readFileSync(fx[f]!))) };
      return [o.install, o];
    }),
  );
}

function summary(edges: LoadEdge[]): string[] {
  return edges.map((e) => `${e.from.object?.path ?? e.from.name} ${e.name} ${e.resolution.kind}${e.resolution.kind === 'bundled' ? ` ${e.resolution.node.object!.path} via ${e.resolution.dir.tag}` : ''}`);
}

const site = (p: string) => `${SITE_PACKAGES}/${p}`;

test('wheel files are placed as pip installs them: .data schemes mapped, everything else in site-packages', () => {
  assert.equal(installPath('demo/_core.so'), site('demo/_core.so'));
  assert.equal(installPath('demo-1.0.data/platlib/demo/x.so'), site('demo/x.so'));
  assert.equal(installPath('demo-1.0.data/purelib/y.so'), site('y.so'));
  assert.equal(installPath('demo-1.0.data/scripts/tool'), 'bin/tool');
  assert.equal(installPath('demo-1.0.data/data/share/lib/libz.so'), 'share/lib/libz.so');
  assert.equal(normalizePath('a/./b/../c'), 'a/c');
  assert.equal(normalizePath('a/../..'), null);
});

test('RPATH entries: $ORIGIN is the installed directory; absolute, empty, relative and escaping entries are told apart', () => {
  const origin = site('demo');
  assert.deepEqual(expandSearchEntry('$ORIGIN/../demo.libs', origin), { kind: 'prefix', dir: site('demo.libs') });
  assert.deepEqual(expandSearchEntry('${ORIGIN}', origin), { kind: 'prefix', dir: site('demo') });
  assert.deepEqual(expandSearchEntry('$ORIGIN/../../..', origin), { kind: 'prefix', dir: 'lib' });
  assert.deepEqual(expandSearchEntry('$ORIGIN/../../../../../..', origin), { kind: 'escapes' });
  assert.deepEqual(expandSearchEntry('/usr/local/lib', origin), { kind: 'absolute', dir: '/usr/local/lib' });
  assert.deepEqual(expandSearchEntry('', origin), { kind: 'cwd' });
  assert.deepEqual(expandSearchEntry('build/lib', origin), { kind: 'relative', dir: 'build/lib' });
  assert.deepEqual(expandSearchEntry('$ORIGIN/$LIB', origin), { kind: 'token', token: '$LIB' });
  assert.deepEqual(splitSearchPath('a::b'), ['a', '', 'b']);
  assert.deepEqual(splitSearchPath(null), []);
});

test('glibc: a RUNPATH serves only its own object, so the bundled chain breaks at libbar', () => {
  const idx = objects({ 'demo/_chain.so': 'chain-runpath.so', 'demo.libs/libfoo.so.1': 'libfoo-bare.so.1', 'demo.libs/libbar.so.2': 'libbar.so.2' });
  const edges = simulateLoad(idx.get(site('demo/_chain.so'))!, idx, 'glibc');
  assert.deepEqual(summary(edges), [
    'demo/_chain.so libfoo.so.1 bundled demo.libs/libfoo.so.1 via RUNPATH',
    'demo/_chain.so libc.so.6 not-in-artifact',
    'demo.libs/libfoo.so.1 libbar.so.2 not-in-artifact',
    'demo.libs/libfoo.so.1 libc.so.6 already-loaded',
  ]);
  const miss = edges[2]!;
  assert.deepEqual(chainOf(miss.from).map((n) => n.object?.path), ['demo/_chain.so', 'demo.libs/libfoo.so.1']);
  assert.deepEqual(filesNamed(idx, 'libbar.so.2').map((o) => o.path), ['demo.libs/libbar.so.2']);
});

test('glibc: a DT_RPATH on the extension is inherited by the libraries it loads', () => {
  const idx = objects({ 'demo/_chain.so': 'chain-rpath.so', 'demo.libs/libfoo.so.1': 'libfoo-bare.so.1', 'demo.libs/libbar.so.2': 'libbar.so.2' });
  const edges = simulateLoad(idx.get(site('demo/_chain.so'))!, idx, 'glibc');
  assert.match(summary(edges)[2]!, /^demo\.libs\/libfoo\.so\.1 libbar\.so\.2 bundled demo\.libs\/libbar\.so\.2 via RPATH$/);
  const libfoo = edges[0]!.resolution.kind === 'bundled' ? edges[0]!.resolution.node : null;
  assert.deepEqual(searchOrder(libfoo!, 'glibc').map((d) => `${d.owner} ${d.tag}`), ['demo/_chain.so RPATH']);
});

test('musl: the RUNPATH of the loading object is searched too', () => {
  const idx = objects({ 'demo/_chain.so': 'chain-runpath.so', 'demo.libs/libfoo.so.1': 'libfoo-bare.so.1', 'demo.libs/libbar.so.2': 'libbar.so.2' });
  const edges = simulateLoad(idx.get(site('demo/_chain.so'))!, idx, 'musl');
  assert.match(summary(edges)[2]!, /libbar\.so\.2 bundled demo\.libs\/libbar\.so\.2 via RUNPATH$/);
  assert.ok(muslReservedName('libc.so') && muslReservedName('libpthread.so.0') && !muslReservedName('libcrypt.so.1'));
});

test('a library with its own RUNPATH $ORIGIN finds its neighbour; a library of another class is skipped', () => {
  const idx = objects({ 'demo/_chain.so': 'chain-runpath.so', 'demo.libs/libfoo.so.1': 'libfoo.so.1', 'demo.libs/libbar.so.2': 'ext-i686.so' });
  const edges = simulateLoad(idx.get(site('demo/_chain.so'))!, idx, 'glibc');
  const bar = edges.find((e) => e.name === 'libbar.so.2')!;
  assert.equal(bar.resolution.kind, 'not-in-artifact');
  assert.deepEqual(bar.resolution.kind === 'not-in-artifact' ? bar.resolution.incompatible.map((o) => o.path) : [], ['demo.libs/libbar.so.2']);
  const ok = objects({ 'demo/_chain.so': 'chain-runpath.so', 'demo.libs/libfoo.so.1': 'libfoo.so.1', 'demo.libs/libbar.so.2': 'libbar.so.2' });
  assert.ok(simulateLoad(ok.get(site('demo/_chain.so'))!, ok, 'glibc').every((e) => e.name === 'libc.so.6' || e.resolution.kind === 'bundled'));
});

test('a NEEDED name is looked up as a file name, whatever SONAME the file gives itself', () => {
  // The extension needs libfoo.so.1, found as a file of that name whose SONAME is libfoo.so.1.0.0.
  const idx = objects({ 'demo/_chain.so': 'chain-runpath.so', 'demo.libs/libfoo.so.1': 'libfoo-wrong-soname.so.1', 'demo.libs/libbar.so.2': 'libbar.so.2' });
  const root = idx.get(site('demo/_chain.so'))!;
  const edges = simulateLoad(root, idx, 'glibc');
  const foo = edges[0]!;
  assert.equal(foo.resolution.kind, 'bundled');
  assert.equal(foo.resolution.kind === 'bundled' ? foo.resolution.node.object!.elf.dynamic!.soname : null, 'libfoo.so.1.0.0');
});

test('a simulation beyond its work budget throws instead of running on', () => {
  const idx = objects({ 'demo/_chain.so': 'chain-runpath.so', 'demo.libs/libfoo.so.1': 'libfoo.so.1', 'demo.libs/libbar.so.2': 'libbar.so.2' });
  assert.throws(() => simulateLoad(idx.get(site('demo/_chain.so'))!, idx, 'glibc', 3), LoadBudgetExceeded);
});
