/**
 * Small real artifacts of every kind for the service tests, built from the
 * fixture binaries (test/fixtures/): each with the verdict the static audit
 * gives it, so a test can check what came back through the queue.
 */
import { readFileSync } from 'node:fs';
import { buildWheel } from '../support/wheel-builder.ts';
import { wheelFixtures } from '../fixtures/wheel.ts';
import { linuxFixtures } from '../fixtures/linux.ts';
import { nodeAddonFixtures } from '../fixtures/node-addon.ts';
import { npmTarball, packageJson } from '../fixtures/npm.ts';
import { jniFixtures, JNI_LIBS } from '../fixtures/jni.ts';
import { jarBytes } from '../rules/jar-helpers.ts';

export interface TestArtifact {
  name: string;
  bytes: Buffer;
  /** The verdict the static audit gives it. */
  verdict: 'pass' | 'warn' | 'fail';
  /** For a failing one: a check id among its findings. */
  check?: string;
}

const M217 = 'cp311-cp311-manylinux_2_17_x86_64';
const SO = 'demo/_ext.cpython-311-x86_64-linux-gnu.so';

export function serviceArtifacts() {
  const wheelFx = wheelFixtures();
  const linuxFx = linuxFixtures();
  const addonFx = nodeAddonFixtures();
  const jniFx = jniFixtures();
  const napi = readFileSync(addonFx['gyp/declared9.node']);
  const good = buildWheel({ tag: M217, files: { 'demo/__init__.py': '', [SO]: readFileSync(wheelFx['ext-x86_64-glibc.so']) } });
  // glibc_new.c needs a glibc newer than manylinux_2_17 allows.
  const tooNew = buildWheel({ tag: M217, version: '2.0', files: { 'demo/__init__.py': '', [SO]: readFileSync(linuxFx['ext-new.so']!) } });
  return {
    wheel: { name: good.filename, bytes: good.bytes, verdict: 'pass' } satisfies TestArtifact,
    wheelTooNew: { name: tooNew.filename, bytes: tooNew.bytes, verdict: 'fail', check: 'elf.symbol-version-too-new' } satisfies TestArtifact,
    jar: {
      name: 'demo-jni-1.0.jar',
      // No Java class declares the library's native methods: a JNI warning.
      bytes: jarBytes({ [JNI_LIBS.linuxX64]: readFileSync(jniFx[JNI_LIBS.linuxX64]!) }),
      verdict: 'warn',
      check: 'jni.binding-without-class',
    } satisfies TestArtifact,
    npm: {
      name: 'demo-addon-1.2.3.tgz',
      // The addon declares N-API 9, newer than engines (unset: every Node) offers: a warning.
      bytes: npmTarball({ 'package.json': packageJson({ os: ['linux'], cpu: ['x64'] }), 'index.js': 'module.exports = 1\n', 'prebuilds/linux-x64/demo.node': napi }),
      verdict: 'warn',
      check: 'node.napi-too-new',
    } satisfies TestArtifact,
    node: { name: 'demo.node', bytes: napi, verdict: 'warn', check: 'node.napi-too-new' } satisfies TestArtifact,
  };
}
