/**
 * The Node addon analysis on the real npm corpus (test/corpus/npm.json,
 * fetched with `npm pack`, sha256 verified, cached):
 *
 * - every listed addon fact — kind (napi / v8 / napi resolved at run time),
 *   min_napi, node_module_version, runtime — is reproduced;
 * - every `.node` file of every tarball is analysed, and each prebuild whose
 *   name carries a prebuildify tag (`node.abi72.node`, `electron.abi75.node`)
 *   has exactly that NODE_MODULE_VERSION and a runtime of that name — over
 *   sodium-native's 110 V8 builds for Linux x64 and ARM (REL relocations),
 *   macOS, and 32/64-bit Windows;
 * - every declared Node-API version agrees with llvm-objdump.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBinary } from '../../src/binary/index.ts';
import { bytesSource } from '../../src/binary/source.ts';
import { nodeAddonFacts, type NodeAddonFacts } from '../../src/binary/addons/node.ts';
import { fetchNpm, npmCorpus, readTgzMembers, type CorpusBinaryFacts } from '../support/corpus.ts';
import { checkDeclared } from './node-addon-tools.ts';

/** Every `.node` member of a tarball (these packages are a few MB). */
function nodeFiles(tgz: string): Promise<Map<string, Buffer>> {
  return readTgzMembers(tgz, (name) => name.endsWith('.node'));
}

function analyse(bytes: Buffer): NodeAddonFacts | null {
  const src = bytesSource(bytes);
  const bin = parseBinary(src);
  return bin ? nodeAddonFacts(src, bin) : null;
}

const RUN_TIME = /resolved at run time/;

function checkListed(expected: CorpusBinaryFacts, f: NodeAddonFacts | null, where: string): number {
  let n = 0;
  if (expected.addon !== undefined) {
    assert.ok(f, `${where}: an addon`);
    const kind = RUN_TIME.test(expected.addon) ? 'napi-dynamic' : expected.addon;
    assert.equal(f.kind, kind, `${where}: kind (${f.slices[0]?.evidence.join('; ')})`);
    if (kind === 'napi-dynamic') {
      assert.equal(f.minNapi, null, `${where}: no Node-API imports`);
      assert.ok(f.dynamicNapiCeiling !== null, `${where}: a ceiling from the names in its data`);
    }
    n++;
  }
  if (expected.min_napi !== undefined) {
    assert.equal(f?.minNapi, expected.min_napi, `${where}: min_napi`);
    n++;
  }
  if (expected.node_module_version !== undefined) {
    assert.equal(f?.moduleVersion, expected.node_module_version, `${where}: node_module_version (${f?.notes.join('; ')})`);
    n++;
  }
  if (expected.runtime !== undefined) {
    assert.ok(f?.runtimes.some((r) => r.runtime === expected.runtime), `${where}: runtime ${expected.runtime} among ${JSON.stringify(f?.runtimes)}`);
    n++;
  }
  return n;
}

test('the npm corpus: every listed addon fact, every prebuildify ABI tag, every declared version', async (t) => {
  let listed = 0;
  let tagged = 0;
  let analysed = 0;
  let declared = 0;
  const kinds = new Map<string, number>();
  const dir = mkdtempSync(join(tmpdir(), 'node-addon-corpus-'));
  try {
    for (const artifact of npmCorpus()) {
      const files = await nodeFiles(fetchNpm(artifact));
      for (const expected of artifact.binaries) {
        const bytes = files.get(expected.path);
        assert.ok(bytes, `${artifact.spec} ${expected.path}: not in the tarball`);
        listed += checkListed(expected, analyse(bytes), `${artifact.spec} ${expected.path}`);
      }
      for (const [path, bytes] of files) {
        const where = `${artifact.spec} ${path}`;
        const f = analyse(bytes);
        analysed++;
        kinds.set(f?.kind ?? 'not an addon', (kinds.get(f?.kind ?? 'not an addon') ?? 0) + 1);
        const tag = /\/(node|electron)\.abi(\d+)\.node$/.exec(path);
        if (tag) {
          assert.ok(f, `${where}: an addon`);
          assert.equal(f.kind, 'v8', `${where}: an ABI build is a V8 addon`);
          assert.equal(f.moduleVersion, Number(tag[2]), `${where}: NODE_MODULE_VERSION vs the abi tag (${f.notes.join('; ')})`);
          assert.ok(f.runtimes.some((r) => r.runtime === tag[1]), `${where}: ${tag[1]} among ${f.runtimes.map((r) => r.runtime).join(', ')}`);
          tagged++;
        }
        if (f && f.declaredNapi !== null) {
          const file = join(dir, `${analysed}.node`);
          writeFileSync(file, bytes);
          declared += checkDeclared(file, f, where);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.diagnostic(`${listed} listed addon facts equal; ${tagged} prebuilds match their abiNN tag; ${declared} declared versions agree with the disassembly; ${analysed} .node files: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}`);
  const facts = npmCorpus()
    .flatMap((a) => a.binaries)
    .reduce((n, b) => n + (['addon', 'min_napi', 'node_module_version', 'runtime'] as const).filter((k) => b[k] !== undefined).length, 0);
  assert.equal(listed, facts, 'every addon fact of the corpus was checked');
  assert.ok(tagged >= 100 && declared >= 5);
});
