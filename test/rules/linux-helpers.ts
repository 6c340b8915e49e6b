/**
 * Targets as the wheel model makes them from tags, and a shorthand to run one
 * rule over fixtures placed at wheel paths — for the Linux and binary rule tests.
 */
import assert from 'node:assert/strict';
import type { Finding, Rule } from '../../src/audit/types.ts';
import type { Arch } from '../../src/binary/arch.ts';
import { targetId, type Target } from '../../src/target.ts';
import { runRule } from '../support/audit-context.ts';
import { linuxFixtures } from '../fixtures/linux.ts';

export const fx = linuxFixtures();

const PY = { interpreters: ['cp311'], abi: 'cp311', minimum: null };

function target(t: Omit<Target, 'id'>): Target {
  return { ...t, id: targetId(t) };
}

const LINUX_ARCH_NAME: Partial<Record<Arch, string>> = { x86_64: 'x86_64', i386: 'i686', arm64: 'aarch64', arm: 'armv7l' };

/** manylinux_<glibc>_<arch>, e.g. manylinux('2.17') or manylinux('2.17', 'arm64', 'manylinux2014_aarch64'). */
export function manylinux(glibc: string, arch: Arch = 'x86_64', claim?: string): Target {
  const policy = `manylinux_${glibc.replace('.', '_')}`;
  return target({ os: 'linux', arch, libc: { kind: 'glibc', minVersion: glibc }, minOs: null, policy, python: PY, node: null, claims: [claim ?? `${policy}_${LINUX_ARCH_NAME[arch] ?? arch}`] });
}

export function musllinux(musl: string, arch: Arch = 'x86_64'): Target {
  const policy = `musllinux_${musl.replace('.', '_')}`;
  return target({ os: 'linux', arch, libc: { kind: 'musl', minVersion: musl }, minOs: null, policy, python: PY, node: null, claims: [`${policy}_${LINUX_ARCH_NAME[arch] ?? arch}`] });
}

/** linux_<arch>: no libc version, no policy. */
export function linuxPlain(arch: Arch = 'x86_64'): Target {
  return target({ os: 'linux', arch, libc: { kind: 'glibc', minVersion: null }, minOs: null, policy: null, python: PY, node: null, claims: [`linux_${LINUX_ARCH_NAME[arch] ?? arch}`] });
}

export function macos(arch: Arch, minOs: string, claim: string): Target {
  return target({ os: 'macos', arch, libc: null, minOs, policy: `macosx_${minOs.replace('.', '_')}`, python: PY, node: null, claims: [claim] });
}

export function windows(arch: Arch, claim: string): Target {
  return target({ os: 'windows', arch, libc: null, minOs: null, policy: null, python: PY, node: null, claims: [claim] });
}

/** Fixture names (or paths) at wheel paths. */
export function place(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([p, f]) => [p, fx[f] ?? f]));
}

/** Runs a rule over fixtures at wheel paths; returns only the findings of `check` (all when omitted). */
export function findings(rule: Rule, files: Record<string, string>, targets: Target[], check?: string, extra?: Record<string, string>): Finding[] {
  const all = runRule(rule, { binaries: place(files), targets, ...(extra ? { files: extra } : {}) });
  return check ? all.filter((f) => f.check === check) : all;
}

export function one(list: Finding[]): Finding {
  assert.equal(list.length, 1, `expected one finding, got ${list.length}: ${list.map((f) => f.message).join(' | ')}`);
  return list[0]!;
}
