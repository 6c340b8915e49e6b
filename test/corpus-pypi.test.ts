/**
 * The differential run on real PyPI wheels (test/corpus/pypi-wheels.json,
 * recorded by scripts/corpus/pypi-facts.ts): every corpus wheel is fetched
 * (pinned sha256, cached), audited end to end, and the audit is compared with
 * what independent tools recorded:
 *
 * - every wheel: the native binaries found (path, sha256) vs Python zipfile +
 *   magic bytes; per binary, llvm-readobj (ELF: machine, class, NEEDED,
 *   SONAME, RPATH, RUNPATH, highest GLIBC/GLIBCXX/CXXABI/GCC, executable
 *   stack; PE: machine, imported and delay-imported DLLs) and llvm-objdump
 *   (Mach-O, per slice: arch, minimum macOS, dylibs, LC_RPATH, LC_ID_DYLIB,
 *   code signature present);
 * - Linux wheels: `auditwheel show --json` (hermetic: no host library): the
 *   overall tag, sym tag, external libraries, versioned symbols, policy
 *   upgrades, PyFPE/UCS2/ISA flags — from distaudit's auditwheel model run
 *   with auditwheel's own musllinux policy choice — and the tag the report
 *   says the wheel deserves;
 * - abi3 wheels: abi3audit's baseline, computed version, non-abi3 symbols and
 *   future-abi3 symbols per extension module;
 * - macOS wheels: delocate's minimum macOS per file and slice, and the files
 *   it finds above the tag's promise.
 *
 * Every disagreement is listed in DISAGREEMENTS with the reason; an unlisted
 * one fails, and so does a listed one that no longer happens (the list stays
 * exact). A contradiction is a bug in distaudit until the reason shows the
 * tool is wrong or sees something else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { auditFile } from '../src/audit/audit.ts';
import type { AuditContext, Finding, Rule } from '../src/audit/types.ts';
import type { BinaryFacts } from '../src/binary/describe.ts';
import { RULES } from '../src/rules/index.ts';
import { linuxContext } from '../src/rules/linux/context.ts';
import { groupBy } from '../src/rules/messages.ts';
import { deservedPlatformTag, type DeservedTag } from '../src/rules/linux/deserved-tag.ts';
import type { PolicyLibc, WheelArch } from '../src/policy/linux.ts';
import { sliceSymbols } from '../src/rules/python/symbols.ts';
import { stableAbiItem } from '../src/policy/stable-abi.ts';
import type { Report } from '../src/report/schema.ts';
import { fetchWheel, readPypiCorpus, type PypiBinary, type PypiWheel } from './support/pypi.ts';
import { cmpDotted, Ledger, ourFloors, toolFloors, type Disagreement } from './support/native-compare.ts';

/** auditwheel's musllinux policy on the recording host: it found no /lib/libc.musl-*.so.1 and took the latest (see the corpus "caveats"). */
const AUDITWHEEL_MUSL_POLICY = 'musllinux_1_2';

const MUSL_POLICY_REASON =
  'auditwheel judges every musl wheel by one musllinux policy chosen from the musl of the machine it runs on (here none found: the latest, musllinux_1_2), so it cannot report musllinux_1_1; ' +
  'distaudit judges by the policy the wheel claims. With auditwheel\'s policy choice distaudit computes exactly auditwheel\'s tag (the auditwheel.* fields of this wheel agree).';

const DISAGREEMENTS: Disagreement[] = [
  {
    artifact: 'numpy-1.26.4-cp312-cp312-musllinux_1_1_x86_64.whl',
    field: 'platform tag in the report (wheel.deservedPlatformTags)',
    ours: ['musllinux_1_1_x86_64'],
    theirs: ['musllinux_1_2_x86_64'],
    reason: MUSL_POLICY_REASON,
  },
  {
    artifact: 'pyzmq-26.4.0-cp312-cp312-musllinux_1_1_x86_64.whl',
    field: 'platform tag in the report (wheel.deservedPlatformTags)',
    ours: ['musllinux_1_1_x86_64'],
    theirs: ['musllinux_1_2_x86_64'],
    reason: MUSL_POLICY_REASON,
  },
  {
    artifact: 'dockerfile-3.4.0-cp39-abi3-manylinux_2_5_x86_64.manylinux1_x86_64.whl',
    field: 'dockerfile.abi3.so: non_abi3_symbols',
    ours: [],
    theirs: [
      'PyDockerfile_Command',
      'PyDockerfile_GoIOError',
      'PyDockerfile_GoParseError',
      'PyDockerfile_Heredoc',
      'PyDockerfile_NewCommand',
      'PyDockerfile_NewHeredoc',
      'PyDockerfile_PyArg_ParseTuple_U',
      'PyDockerfile_Py_RETURN_NONE',
    ],
    reason:
      'abi3audit is wrong here: it counts every non-local Py*-named symbol of the ELF dynamic symbol table, defined ones included. These eight are DEFINED in dockerfile.abi3.so ' +
      '(`llvm-nm -D`: B / T, cgo exports of the module itself), so the interpreter never has to provide them; only undefined symbols are bound against libpython, and all of those ' +
      'are stable-ABI. abi3audit itself reports nothing for the macOS build of the same module (dockerfile-3.4.0-cp39-abi3-macosx_14_0_arm64.whl), whose symbols it filters differently.',
  },
];

// ---------------------------------------------------------------------------
// Tool vocabulary → distaudit's (src/binary/arch.ts)

const ELF_MACHINE: Record<string, string> = { EM_X86_64: 'x86_64', EM_AARCH64: 'arm64', EM_386: 'i386', EM_ARM: 'arm', EM_PPC64: 'ppc64le', EM_S390: 's390x' };
const PE_MACHINE: Record<string, string> = { IMAGE_FILE_MACHINE_AMD64: 'x86_64', IMAGE_FILE_MACHINE_I386: 'i386', IMAGE_FILE_MACHINE_ARM64: 'arm64' };
/** macholib's CPU_TYPE_NAMES, as delocate reports them. */
const MACHOLIB_CPU: Record<string, string> = { x86_64: 'x86_64', ARM64: 'arm64', i386: 'i386' };

/** `10.13.4` → `10.13` (delocate keeps major.minor). */
function majorMinor(v: string): string {
  return v.split('.').slice(0, 2).join('.');
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function sortedRecord<T>(r: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k] as T]));
}

// ---------------------------------------------------------------------------
// The comparison ledger

// ---------------------------------------------------------------------------
// What the audit computes beside its report (captured by an extra rule)

interface Captured {
  /** distaudit's auditwheel model with auditwheel's musllinux policy choice, per arch/libc group. */
  auditwheelModel: DeservedTag[];
  /** Per binary path: the Python C-API names imported (all slices). */
  pythonImports: Map<string, string[]>;
}

function captureRule(into: Captured): Rule {
  return {
    name: 'corpus-capture',
    kinds: ['wheel'],
    checks: [],
    run(ctx: AuditContext) {
      for (const b of ctx.binaries) into.pythonImports.set(b.path, [...new Set(sliceSymbols(b).flatMap((s) => s.pythonImports))].sort());
      const lc = linuxContext(ctx);
      if (lc.objects.length === 0) return;
      const binaries = lc.objects.map((o) => ({ path: o.path, elf: o.elf }));
      for (const ts of groupBy(lc.targets.filter((t) => t.arch !== null), (t) => `${t.arch}/${t.flavour}`).values()) {
        const libc: PolicyLibc = ts[0]!.flavour;
        into.auditwheelModel.push(deservedPlatformTag(binaries, ts[0]!.arch as WheelArch, libc, { files: lc.files, ...(libc === 'musl' ? { muslPolicy: AUDITWHEEL_MUSL_POLICY } : {}) }));
      }
    },
  };
}

// ---------------------------------------------------------------------------
// Comparisons

function compareBinaries(l: Ledger, w: PypiWheel, report: Report): void {
  const ours = report.binaries.map((b) => [b.path, b.sha256]).sort();
  const theirs = w.binaries.map((b) => [b.path, b.sha256]).sort();
  l.compare(w.filename, 'zipfile', 'native binaries (path, sha256)', ours, theirs);
  const byPath = new Map(report.binaries.map((b) => [b.path, b.facts]));
  for (const b of w.binaries) {
    const facts = byPath.get(b.path);
    if (!facts) continue; // already counted above
    if (b.elf) compareElf(l, w, b, facts);
    if (b.macho) compareMachO(l, w, b, facts);
    if (b.pe) comparePe(l, w, b, facts);
  }
}

function compareElf(l: Ledger, w: PypiWheel, b: PypiBinary, facts: BinaryFacts[]): void {
  const t = b.elf!;
  const f = facts[0]!;
  const at = (what: string) => `${b.path}: ${what}`;
  const c = (what: string, ours: unknown, theirs: unknown) => l.compare(w.filename, 'llvm-readobj', at(what), ours, theirs);
  c('architecture', f.arch, ELF_MACHINE[t.machine] ?? t.machine);
  c('class', f.bits, t.class === '64-bit' ? 64 : 32);
  c('DT_NEEDED', f.needed, t.needed);
  c('DT_SONAME', f.installName, t.soname);
  c('DT_RPATH', f.rpath, t.rpath);
  c('DT_RUNPATH', f.runpath, t.runpath);
  c('highest GLIBC/GLIBCXX/CXXABI/GCC versions', ourFloors(f), toolFloors(t.versionNeeds));
  c('executable stack', f.executableStack, t.executableStack);
}

function compareMachO(l: Ledger, w: PypiWheel, b: PypiBinary, facts: BinaryFacts[]): void {
  const t = b.macho!;
  const c = (what: string, ours: unknown, theirs: unknown) => l.compare(w.filename, 'llvm-objdump', `${b.path}: ${what}`, ours, theirs);
  c('slices', facts.map((f) => f.arch), t.slices.map((s) => s.arch));
  for (const s of t.slices) {
    const f = facts.find((x) => x.arch === s.arch);
    if (!f) continue; // counted in 'slices'
    const sc = (what: string, ours: unknown, theirs: unknown) => c(`${s.arch} ${what}`, ours, theirs);
    sc('minimum macOS', f.minOs ? [f.minOs.platform, f.minOs.version] : null, s.minos ? [s.platform, s.minos] : null);
    sc('dylibs', f.needed, s.dylibs.map((d) => d.name));
    sc('LC_RPATH', f.rpath, s.rpaths);
    sc('LC_ID_DYLIB', f.installName, s.id);
    sc('code signature present', f.signature !== 'none', s.codeSignature);
  }
}

function comparePe(l: Ledger, w: PypiWheel, b: PypiBinary, facts: BinaryFacts[]): void {
  const t = b.pe!;
  const f = facts[0]!;
  const c = (what: string, ours: unknown, theirs: unknown) => l.compare(w.filename, 'llvm-readobj', `${b.path}: ${what}`, ours, theirs);
  c('machine', f.arch, PE_MACHINE[t.machine] ?? t.machine);
  c('imported DLLs', f.needed.filter((n) => !f.delayLoaded.includes(n)), t.imports);
  c('delay-imported DLLs', f.delayLoaded, t.delayImports);
}

function compareAuditwheel(l: Ledger, w: PypiWheel, report: Report, model: DeservedTag[]): void {
  const aw = w.auditwheel!.report;
  assert.ok(aw, `${w.filename}: the corpus has no hermetic auditwheel report`);
  const c = (field: string, ours: unknown, theirs: unknown) => l.compare(w.filename, 'auditwheel', field, ours, theirs);
  if (aw.error !== undefined) {
    c('error', model.map((m) => m.error), [aw.error]);
    return;
  }
  c('platform tag in the report (wheel.deservedPlatformTags)', report.wheel?.deservedPlatformTags ?? null, [aw.overall_tag]);
  assert.equal(model.length, 1, `${w.filename}: one architecture/libc group expected`);
  const m = model[0]!;
  c('auditwheel.overall_tag', m.tag, aw.overall_tag);
  c('auditwheel.sym_tag', m.symTag, aw.sym_tag);
  c('auditwheel.external_libs (names)', Object.keys(m.externalLibs).sort(), Object.keys(aw.external_libs ?? {}).sort());
  c('auditwheel.versioned_symbols', sortedRecord(Object.fromEntries(Object.entries(m.versionedSymbols).map(([k, v]) => [k, [...v].sort()]))), aw.versioned_symbols);
  c('auditwheel.policy_upgrades', normaliseUpgrades(m.policyUpgrades), normaliseUpgrades(aw.policy_upgrades ?? {}));
  c('auditwheel pyfpe / ucs2 / unsupported_isa', [m.pyfpe, m.ucs2, m.unsupportedIsa], [aw.pyfpe, aw.ucs2, aw.unsupported_isa]);
}

function normaliseUpgrades(u: Record<string, { libs_to_eliminate?: string[]; blacklisted_symbols?: Record<string, string[]> }>): unknown {
  return sortedRecord(
    Object.fromEntries(
      Object.entries(u).map(([policy, v]) => [
        policy,
        {
          libs_to_eliminate: [...(v.libs_to_eliminate ?? [])].sort(),
          blacklisted_symbols: sortedRecord(Object.fromEntries(Object.entries(v.blacklisted_symbols ?? {}).map(([k, s]) => [k, [...s].sort()]))),
        },
      ]),
    ),
  );
}

function findingsOf(report: Report, check: string, file: string): Finding[] {
  return report.findings.filter((f) => f.check === check && f.file === file);
}

function compareAbi3(l: Ledger, w: PypiWheel, report: Report, captured: Captured): void {
  const c = (field: string, ours: unknown, theirs: unknown) => l.compare(w.filename, 'abi3audit', field, ours, theirs);
  const baseline = report.targets.find((t) => t.python?.abi === 'abi3')?.python?.minimum ?? null;
  for (const o of w.abi3audit!.objects) {
    const paths = report.binaries.map((b) => b.path).filter((p) => baseName(p) === o.name);
    assert.equal(paths.length, 1, `${w.filename}: abi3audit's ${o.name} should name one binary (found ${paths.join(', ') || 'none'})`);
    const path = paths[0]!;
    const imports = captured.pythonImports.get(path) ?? [];
    const computed = imports.reduce((max, n) => {
      const added = stableAbiItem(n)?.added;
      return added && cmpDotted(added, max) > 0 ? added : max;
    }, baseline ?? '3.2');
    const nonStable = findingsOf(report, 'abi3.non-stable-symbol', path).flatMap((f) => f.evidence.symbols as string[]);
    const tooNew = Object.fromEntries(
      findingsOf(report, 'abi3.symbol-too-new', path).flatMap((f) => (f.evidence.symbols as { name: string; added: string }[]).map((s) => [s.name, s.added])),
    );
    c(`${path}: baseline`, baseline, o.result.baseline);
    c(`${path}: computed`, computed, o.result.computed);
    c(`${path}: non_abi3_symbols`, [...new Set(nonStable)].sort(), [...o.result.non_abi3_symbols].sort());
    c(`${path}: future_abi3_objects`, sortedRecord(tooNew), sortedRecord(o.result.future_abi3_objects));
  }
}

function compareDelocate(l: Ledger, w: PypiWheel, report: Report): void {
  const d = w.delocate!;
  const c = (field: string, ours: unknown, theirs: unknown) => l.compare(w.filename, 'delocate', field, ours, theirs);
  const ours = report.binaries
    .flatMap((b) => b.facts.filter((f) => f.format === 'macho' && f.minOs).map((f) => `${b.path} ${f.arch} ${majorMinor(f.minOs!.version)}`))
    .sort();
  const theirs = d.minVersions.map((m) => `${m.path} ${MACHOLIB_CPU[m.arch] ?? m.arch} ${m.minos}`).sort();
  c('minimum macOS per file and slice', ours, theirs);
  const oursAbove = report.findings
    .filter((f) => f.check === 'macos.min-os-too-new')
    .map((f) => `${f.file} ${String(f.evidence.arch)} ${majorMinor(String(f.evidence.minOs))} > ${String(f.evidence.promised)}`)
    .sort();
  const theirsAbove = d.aboveTag.map((a) => `${a.path} ${a.arch} ${a.minos} > ${a.tag}`).sort();
  c('files above the minimum macOS the tag promises', [...new Set(oursAbove)], theirsAbove);
}

test('the PyPI corpus: distaudit agrees with auditwheel, abi3audit, delocate, llvm-readobj and llvm-objdump, or the disagreement is listed with its reason', async (t) => {
  const corpus = readPypiCorpus();
  const ledger = new Ledger(DISAGREEMENTS);
  for (const w of corpus.wheels) {
    const captured: Captured = { auditwheelModel: [], pythonImports: new Map() };
    const report = await auditFile(fetchWheel(w), { rules: [...RULES, captureRule(captured)] });
    assert.equal(report.artifact.sha256, w.sha256, `${w.filename}: the audit read other bytes than the corpus pins`);
    compareBinaries(ledger, w, report);
    if (w.auditwheel) compareAuditwheel(ledger, w, report, captured.auditwheelModel);
    if (w.abi3audit) compareAbi3(ledger, w, report, captured);
    if (w.delocate) compareDelocate(ledger, w, report);
  }

  const platforms = (p: string) => corpus.wheels.filter((w) => w.platform === p).length;
  t.diagnostic(
    `PyPI corpus: ${corpus.wheels.length} wheels (${platforms('linux')} Linux, ${platforms('macos')} macOS, ${platforms('windows')} Windows, ${corpus.wheels.filter((w) => w.abi3).length} abi3), ` +
      `${corpus.wheels.reduce((n, w) => n + w.binaries.length, 0)} binaries: ${ledger.agreed} facts agree, ${ledger.listed.length} listed disagreements, ${ledger.unlisted.length} unlisted`,
  );
  ledger.assertExact((line) => t.diagnostic(line));
});

test("where auditwheel and distaudit's tag agree on a musl wheel needing libc.so, the loader-based checks still let it load", async (t) => {
  // auditwheel's musllinux allowlist names the loader (libc.musl-<arch>.so.1), so a Rust/Go musl
  // wheel whose NEEDED is plain `libc.so` gets linux_<arch> (libc.so "external"). musl's dynamic
  // linker maps the reserved names libc.so, libpthread.so, libm.so, ... to itself (ldso/dynlink.c),
  // as `/lib/ld-musl-x86_64.so.1 --list` shows (libc.so => /lib/ld-musl-x86_64.so.1): the wheels
  // load. distaudit reproduces auditwheel's tag (and says why in the message) but must report no
  // dependency error for libc.so.
  const wheels = readPypiCorpus().wheels.filter((w) => isDeepStrictEqual(Object.keys(w.auditwheel?.report?.external_libs ?? {}), ['libc.so']));
  assert.ok(wheels.length >= 2, 'the corpus has musl wheels needing libc.so');
  for (const w of wheels) {
    const report = await auditFile(fetchWheel(w));
    const deps = report.findings.filter((f) => f.severity !== 'info' && JSON.stringify(f).includes('libc.so"'));
    assert.deepEqual(deps, [], `${w.filename}: libc.so is provided by musl's loader`);
    const tag = report.findings.find((f) => f.check === 'elf.deserved-tag');
    assert.match(tag?.message ?? '', /musl's loader provides libc\.so itself/, w.filename);
  }
  t.diagnostic(`${wheels.length} musl wheels need libc.so: auditwheel (and the deserved tag, on purpose) say linux_*, the loader checks pass them: ${wheels.map((w) => w.filename).join(', ')}`);
});

test('the corpus spans what the wheel audit must handle', () => {
  const { wheels, about } = readPypiCorpus();
  const plats = wheels.flatMap((w) => w.filename.replace(/\.whl$/, '').split('-').at(-1)!.split('.'));
  const has = (re: RegExp) => plats.some((p) => re.test(p));
  assert.ok(wheels.length >= 40, `${wheels.length} wheels`);
  for (const re of [/^manylinux1_x86_64$/, /^manylinux2010_/, /^manylinux2014_x86_64$/, /^manylinux_2_28_x86_64$/, /_aarch64$/, /_i686$/, /^musllinux_1_\d_x86_64$/, /^musllinux_1_\d_aarch64$/, /^macosx_.*_universal2$/, /^macosx_.*_arm64$/, /^macosx_.*_x86_64$/, /^win_amd64$/, /^win32$/, /^win_arm64$/]) {
    assert.ok(has(re), `no wheel with a platform tag matching ${re}`);
  }
  assert.ok(wheels.filter((w) => w.platform === 'macos').length >= 6);
  assert.ok(wheels.filter((w) => w.platform === 'windows').length >= 6);
  assert.ok(new Set(wheels.filter((w) => w.abi3).map((w) => w.platform)).size === 3, 'abi3 wheels on Linux, macOS and Windows');
  for (const p of ['numpy', 'scipy', 'pandas', 'pillow', 'lxml', 'cryptography', 'orjson', 'pydantic-core', 'grpcio', 'psycopg2-binary']) {
    assert.ok(wheels.some((w) => w.project === p), `no ${p} wheel`);
  }
  for (const w of wheels) {
    assert.match(w.sha256, /^[0-9a-f]{64}$/, w.filename);
    if (w.platform === 'linux') assert.ok(w.auditwheel?.report, `${w.filename}: no auditwheel facts`);
    if (w.abi3) assert.ok(w.abi3audit, `${w.filename}: no abi3audit facts`);
    if (w.platform === 'macos') assert.ok(w.delocate, `${w.filename}: no delocate facts`);
  }
  assert.ok(about.tools.auditwheel && about.tools.abi3audit && about.tools.delocate, 'tool versions recorded');
  assert.ok(
    wheels.some((w) => w.auditwheel?.stderr.some((s) => s.includes("can't determine musl libc version"))),
    `auditwheel's musllinux policy was not the latest (${AUDITWHEEL_MUSL_POLICY}) when the facts were recorded: update AUDITWHEEL_MUSL_POLICY`,
  );
});
