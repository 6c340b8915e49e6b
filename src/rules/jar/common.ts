/**
 * What the JAR rules share: the JAR model of the audit, its natives with the
 * audited binaries, the class index, and message helpers.
 */
import type { AuditContext, AuditedBinary } from '../../audit/types.ts';
import type { JarClass, JarModel, JarNative } from '../../artifact/jar/model.ts';

export type Ctx = AuditContext;

export function jarOf(ctx: AuditContext): JarModel | null {
  return ctx.artifact.kind === 'jar' ? ctx.artifact.jar : null;
}

export interface NativeBinary {
  native: JarNative;
  /** The parsed binary; null when it could not be parsed (binary.unparsable reports it). */
  bin: AuditedBinary | null;
}

/** Each native of the JAR with its audited binary. */
export function nativeBinaries(ctx: AuditContext, jar: JarModel): NativeBinary[] {
  const byPath = new Map(ctx.binaries.map((b) => [b.path, b]));
  return jar.natives.map((native) => ({ native, bin: byPath.get(native.path) ?? null }));
}

/** Classes by internal name, and by simple name (after the last '/'), for lookups. */
export interface ClassIndex {
  has(internalName: string): boolean;
  /** Classes whose name ends with `/<internalName>` (a relocated copy: 'shaded/org/x/Y' for 'org/x/Y'). */
  relocated(internalName: string): JarClass[];
  /** Classes with the same simple name elsewhere. */
  sameSimpleName(internalName: string): JarClass[];
  count: number;
}

const indexCache = new WeakMap<JarModel, ClassIndex>();

export function classIndex(jar: JarModel): ClassIndex {
  const hit = indexCache.get(jar);
  if (hit) return hit;
  const byName = new Map<string, JarClass>();
  const bySimple = new Map<string, JarClass[]>();
  for (const c of jar.classes) {
    if (!byName.has(c.name)) byName.set(c.name, c);
    const simple = c.name.slice(c.name.lastIndexOf('/') + 1);
    const list = bySimple.get(simple);
    if (list) {
      if (!list.some((x) => x.name === c.name)) list.push(c);
    } else bySimple.set(simple, [c]);
  }
  const simpleOf = (n: string) => n.slice(n.lastIndexOf('/') + 1);
  const index: ClassIndex = {
    has: (n) => byName.has(n),
    relocated: (n) => (bySimple.get(simpleOf(n)) ?? []).filter((c) => c.name.endsWith(`/${n}`)),
    sameSimpleName: (n) => (bySimple.get(simpleOf(n)) ?? []).filter((c) => c.name !== n && !c.name.endsWith(`/${n}`)),
    count: byName.size,
  };
  indexCache.set(jar, index);
  return index;
}

/** 'org/example/demo/Native_Lib$Inner' → 'org.example.demo.Native_Lib$Inner'. */
export function dotted(internalName: string): string {
  return internalName.replace(/\//g, '.');
}
