/**
 * Which loads to run: for each binary × each target it must serve × each
 * image that can honestly stand for that target, the probe that loads it the
 * way the target's users will. An image stands for a target when it has the
 * target's OS, architecture and libc, a libc at least as new as the target's
 * floor, and a runtime the binary's ABI claim admits (a cp312 extension is
 * not imported by Python 3.11; a NODE_MODULE_VERSION 108 addon is loaded by
 * Node 18 only). Every pairing that cannot be run here is planned as not-run
 * with the reason, so nothing is ever reported as passed by omission.
 *
 * ```ts
 * planLoads(report, manifests);
 * // [{ binary: 'pkg/_native.abi3.so', target: 'linux-x86_64-glibc2.17-abi3', image: 'debian-bullseye-amd64', probe: 'python', module: 'pkg._native' }, ...]
 * ```
 */
import type { Report } from '../report/schema.ts';
import type { Target } from '../target.ts';
import { platformOf } from '../target.ts';
import { compareVersions } from '../version.ts';
import { satisfiesNodeRange } from '../policy/node.ts';
import { extensionFileName } from '../rules/python/extension-name.ts';
import type { ImageManifest, ProbeKind } from './types.ts';
import type { PlannedLoad } from './schema.ts';

type Binary = Report['binaries'][number];
type Kind = NonNullable<Report['artifact']['kind']>;

/** Where a wheel's files land when pip installs it: `<name>.data/{purelib,platlib}/x` goes to `x`. */
export function installedWheelPath(path: string): string | null {
  const data = /^[^/]+\.data\/([^/]+)\/(.+)$/.exec(path);
  if (!data) return path;
  return data[1] === 'purelib' || data[1] === 'platlib' ? data[2]! : null;
}

/** The dotted name Python imports an extension module file as (`pkg/sub/_m.abi3.so` → `pkg.sub._m`), or null when it is no module. */
export function pythonModuleName(path: string): string | null {
  const installed = installedWheelPath(path);
  if (installed === null) return null;
  const parts = installed.split('/');
  // Bundled libraries (auditwheel's pkg.libs/, delocate's .dylibs/) and lib*.so are loaded as dependencies, not imported.
  if (parts.slice(0, -1).some((d) => d.endsWith('.libs') || d === '.dylibs')) return null;
  const base = parts[parts.length - 1]!;
  const ext = extensionFileName(base);
  if (!ext || ext.suffix === '.pyd' || (!ext.tagged && base.startsWith('lib'))) return null;
  if (!parts.slice(0, -1).every((d) => /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u.test(d))) return null;
  return [...parts.slice(0, -1), ext.module].join('.');
}

type Decision = { probe: ProbeKind; module?: string; standIn?: string } | { probe: ProbeKind; notRun: string };

const minorOf = (version: string) => Number(version.split('.')[1] ?? NaN);

/** Whether the image's Python can import an extension built for the target's Python ABI. */
function pythonDecision(target: Target, image: ImageManifest, module: string): Decision {
  const py = image.runtimes.python;
  const abi = target.python!;
  if (!py) return { probe: 'python', notRun: `${image.title} has no Python` };
  const has = `${image.title} has Python ${py.version} (${py.tag})`;
  if (abi.abi === 'abi3') {
    const min = abi.minimum ?? '3.2';
    if (!py.tag.startsWith('cp3')) return { probe: 'python', notRun: `${has}; abi3 extensions need CPython` };
    if (minorOf(py.version) < minorOf(min)) return { probe: 'python', notRun: `${has}; the extension's abi3 tag needs CPython ${min} or later` };
    return { probe: 'python', module };
  }
  if (abi.abi !== py.tag) return { probe: 'python', notRun: `${has}; the extension is built for ${abi.abi}, which that interpreter cannot import` };
  return { probe: 'python', module };
}

/**
 * Libraries every Node system on musl has (Alpine's nodejs and the unofficial
 * musl builds depend on them) but a musl image without Node does not: Debian
 * has no musl build of them. An addon that needs one cannot be judged there.
 */
const MUSL_NODE_SYSTEM_LIBS = ['libstdc++.so.6', 'libgcc_s.so.1'];

/** Whether the image's Node (or, without one, the N-API resolution harness) can load the addon. */
function nodeDecision(target: Target, image: ImageManifest, bin: Binary): Decision {
  const node = image.runtimes.node;
  const addon = bin.node?.slices[0];
  const v8 = addon?.kind === 'v8' || (target.node !== null && !target.node.napi && target.node.moduleVersion !== null);
  if (target.node && target.node.runtime !== 'node') return { probe: 'node', notRun: `built for ${target.node.runtime}; no image has it` };
  if (!node) {
    if (v8) return { probe: 'node', notRun: `${image.title} has no Node, and a V8 addon can only be checked by the Node it was built for` };
    const lacking = image.libc.kind === 'musl' ? MUSL_NODE_SYSTEM_LIBS.filter((l) => bin.facts.some((f) => f.needed.includes(l))) : [];
    if (lacking.length > 0) return { probe: 'node', notRun: `${image.title} has no Node, and not the ${lacking.join(' and ')} every musl Node system has (no musl build of them in Debian), which the addon needs` };
    return { probe: 'node' };
  }
  const has = `${image.title} has Node ${node.version} (NODE_MODULE_VERSION ${node.moduleVersion}, N-API ${node.napi})`;
  if (v8) {
    const claimed = target.node?.moduleVersion ?? addon?.moduleVersion ?? null;
    if (claimed !== node.moduleVersion) return { probe: 'node', notRun: `${has}; the addon claims NODE_MODULE_VERSION ${claimed ?? 'unknown'}` };
  }
  const engines = target.node?.engines;
  if (engines && satisfiesNodeRange(node.version, engines) === false) {
    // Users of this system run an admitted Node from elsewhere: the image's libc and libraries are still theirs.
    const outside = `${has}, outside the package's engines.node "${engines}"`;
    return v8 ? { probe: 'node', notRun: outside } : { probe: 'node', standIn: `${outside}: resolved by the N-API harness instead` };
  }
  return { probe: 'node' };
}

function probeDecision(kind: Kind, target: Target, image: ImageManifest, bin: Binary): Decision {
  if (kind === 'wheel' && target.python && target.python.abi !== 'none') {
    const module = pythonModuleName(bin.path);
    if (module) return pythonDecision(target, image, module);
  }
  if ((kind === 'npm' || kind === 'node-addon') && (bin.path.endsWith('.node') || bin.node)) return nodeDecision(target, image, bin);
  if (kind === 'jar' && image.runtimes.java) return { probe: 'java' };
  // Bundled libraries, ctypes helpers, JNI libraries where the image has no Java: the raw loader.
  return { probe: 'dlopen' };
}

const DEFAULT_PROBE: Record<Kind, ProbeKind> = { wheel: 'python', jar: 'java', npm: 'node', 'node-addon': 'node' };

function imageStandsFor(target: Target, image: ImageManifest): string | null {
  const min = target.libc?.minVersion;
  if (min && compareVersions(image.libc.version, min) < 0) {
    return `${image.title} has ${image.libc.kind} ${image.libc.version}, older than the target's floor ${min}, so it does not stand for the target`;
  }
  return null;
}

/** The loads to run (and those that cannot be) for a static report, given the images this host has or can build. */
export function planLoads(report: Report, images: readonly ImageManifest[]): PlannedLoad[] {
  const kind = report.artifact.kind;
  if (!kind) return [];
  const byId = new Map(report.targets.map((t) => [t.id, t]));
  const planned: PlannedLoad[] = [];
  for (const bin of report.binaries) {
    const facts = bin.facts[0];
    for (const targetId of bin.targets ?? report.targets.map((t) => t.id)) {
      const target = byId.get(targetId);
      if (!target || !facts) continue;
      const base = { binary: bin.path, binarySha256: bin.sha256, target: targetId };
      const notRun = (reason: string, image: string | null = null, probe: ProbeKind = DEFAULT_PROBE[kind]) =>
        planned.push({ ...base, image, probe, notRun: reason });
      if (target.os !== 'linux') {
        notRun(`no ${target.os} image: distaudit loads Linux binaries for real; this one is checked statically only`);
        continue;
      }
      if (facts.format !== 'elf') {
        notRun(`a ${facts.format} file, which no Linux loader loads`);
        continue;
      }
      if (facts.kind === 'executable') {
        notRun('an executable: loads check libraries and modules, not programs');
        continue;
      }
      const candidates = images.filter((i) => i.arch === target.arch && i.libc.kind === target.libc?.kind);
      if (candidates.length === 0) {
        notRun(`no image for ${platformOf(target)} here (images: ${images.map((i) => i.id).join(', ') || 'none'})`);
        continue;
      }
      for (const image of candidates) {
        const older = imageStandsFor(target, image);
        if (older) {
          notRun(older, image.id);
          continue;
        }
        const d = probeDecision(kind, target, image, bin);
        if ('notRun' in d) notRun(d.notRun, image.id, d.probe);
        else planned.push({ ...base, image: image.id, probe: d.probe, ...(d.module ? { module: d.module } : {}), ...(d.standIn ? { standIn: d.standIn } : {}) });
      }
    }
  }
  return planned;
}
