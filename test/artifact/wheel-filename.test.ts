/**
 * Wheel filenames (split as packaging's parse_wheel_filename does), name
 * normalization and escaping, and PEP 440 versions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalizeName, escapeName, parseWheelFilename } from '../../src/artifact/wheel/filename.ts';
import { parseVersion, sameVersion } from '../../src/artifact/wheel/pep440.ts';

function ok(name: string) {
  const r = parseWheelFilename(name);
  assert.ok(r.ok, `${name}: ${r.ok ? '' : r.reason}`);
  return r.filename;
}

test('parses name, version, tags of a compressed manylinux filename', () => {
  const f = ok('numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl');
  assert.equal(f.distribution, 'numpy');
  assert.equal(f.version, '2.1.0');
  assert.equal(f.build, null);
  assert.deepEqual(f.pythonTags, ['cp312']);
  assert.deepEqual(f.abiTags, ['cp312']);
  assert.deepEqual(f.platformTags, ['manylinux_2_17_x86_64', 'manylinux2014_x86_64']);
  assert.equal(f.tags.length, 2);
  assert.equal(f.nameIsEscaped, true);
});

test('a build tag splits into number and rest', () => {
  const f = ok('demo-1.0-2_ubuntu-py3-none-any.whl');
  assert.deepEqual(f.build, { number: 2, tag: '_ubuntu' });
  assert.deepEqual(ok('demo-1.0-17-py3-none-any.whl').build, { number: 17, tag: '' });
});

test('old spellings still parse: mixed case, dotted names, py2.py3', () => {
  const y = ok('PyYAML-6.0.1-cp311-cp311-macosx_10_9_x86_64.whl');
  assert.deepEqual([y.canonicalName, y.nameIsEscaped], ['pyyaml', false]);
  const z = ok('zope.interface-6.0-cp311-cp311-win_amd64.whl');
  assert.equal(z.canonicalName, 'zope-interface');
  const six = ok('six-1.16.0-py2.py3-none-any.whl');
  assert.deepEqual(six.pythonTags, ['py2', 'py3']);
  assert.equal(ok('typing_extensions-4.12.2-py3-none-any.whl').canonicalName, 'typing-extensions');
  assert.equal(ok('demo-1.0+local.1-py3-none-any.whl').normalizedVersion, '1.0+local.1');
  assert.equal(ok('demo-1.0_post1-py3-none-any.whl').normalizedVersion, '1.0.post1');
});

test('every kind of invalid filename names the part at fault', () => {
  const cases: [string, string, RegExp][] = [
    ['demo-1.0-py3-none-any.zip', 'extension', /does not end in \.whl/],
    ['demo-1.0-py3-none-any.WHL', 'extension', /does not end in \.whl/],
    ['demo-1.0-any.whl', 'parts', /has 3 '-'-separated parts/],
    ['my-demo-1.0-extra-x-py3-none-any.whl', 'parts', /has 8/],
    ['de mo-1.0-py3-none-any.whl', 'name', /invalid distribution name 'de mo'/],
    ['de__mo-1.0-py3-none-any.whl', 'name', /no '__'/],
    ['-1.0-py3-none-any.whl', 'name', /invalid distribution name ''/],
    ['demo-one-py3-none-any.whl', 'version', /'one' is not a PEP 440 version/],
    ['demo-1.0-beta-py3-none-any.whl', 'build', /build tag 'beta' does not start with a digit/],
    ['demo-1.0-py3--any.whl', 'tags', /empty abi tag/],
    ['demo-1.0-py3-none-any..x.whl', 'tags', /empty platform tag/],
  ];
  for (const [name, part, reason] of cases) {
    const r = parseWheelFilename(name);
    assert.equal(r.ok, false, name);
    if (!r.ok) {
      assert.equal(r.part, part, name);
      assert.match(r.reason, reason, name);
    }
  }
});

test('names: PEP 503 normalization and the filename escape', () => {
  assert.equal(canonicalizeName('Foo.Bar__baz-QUX'), 'foo-bar-baz-qux');
  assert.equal(escapeName('Foo.Bar__baz-QUX'), 'foo_bar_baz_qux');
  assert.equal(escapeName('pydantic-core'), 'pydantic_core');
});

test('PEP 440: valid spellings normalize, equal versions compare equal', () => {
  const norm: [string, string][] = [
    ['1.0', '1.0'],
    ['v1.0', '1.0'],
    ['1.0-1', '1.0.post1'],
    ['1.0.POST', '1.0.post0'],
    ['1.0alpha1', '1.0a1'],
    ['1.0-preview-2', '1.0rc2'],
    ['1.0c1', '1.0rc1'],
    ['1!2.0.dev3', '1!2.0.dev3'],
    ['1.0+Ubuntu-1', '1.0+ubuntu.1'],
    ['2.0b1.post2.dev3', '2.0b1.post2.dev3'],
  ];
  for (const [raw, n] of norm) assert.equal(parseVersion(raw)?.normalized, n, raw);
  for (const bad of ['one', '1.0.', '1..0', '1.0-beta-x', '', '1.0+', '1.0 2']) assert.equal(parseVersion(bad), null, bad);
  assert.ok(sameVersion('1.0', '1.0.0'));
  assert.ok(sameVersion('1.0-1', '1.0.post1'));
  assert.ok(sameVersion('1.0+abc.01', '1.0+abc.1'));
  assert.ok(!sameVersion('1.0', '1.0.1'));
  assert.ok(!sameVersion('1.0', '1.0+local'));
  assert.ok(!sameVersion('1.0', 'x'));
});
