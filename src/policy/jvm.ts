/**
 * Libraries the Java runtime itself provides to the JNI libraries it loads,
 * so a JAR's native library may need them without bundling them:
 *
 * - the JVM and its own native libraries (`libjvm.so` / `libjvm.dylib` /
 *   `jvm.dll`, `libjawt`, `libjava`, `jli`): already loaded into the process
 *   (the loaders match them by name), or found in the JDK's own directories;
 * - on Windows, the Visual C++ runtime OpenJDK builds ship in `bin/`
 *   (`vcruntime140.dll`, `vcruntime140_1.dll`, `msvcp140.dll`: its configure
 *   options --with-msvcr-dll, --with-vcruntime-1-dll, --with-msvcp-dll), which
 *   the loader finds in the application directory (java.exe's) before
 *   System32. Other Visual C++ runtime DLLs (vcomp140.dll, msvcp140_1.dll,
 *   concrt140.dll...) are not shipped.
 */
import type { Os } from '../target.ts';

const JVM_NAMES = ['jvm', 'jawt', 'java', 'jli', 'verify'];

const WINDOWS = new Set([...JVM_NAMES.map((n) => `${n}.dll`), 'vcruntime140.dll', 'vcruntime140_1.dll', 'msvcp140.dll']);
const LINUX = new Set(JVM_NAMES.map((n) => `lib${n}.so`));
const MACOS = new Set(JVM_NAMES.map((n) => `lib${n}.dylib`));

/** Whether a Java runtime on `os` provides a library of this name (a DLL name is matched case-insensitively; for macOS, the install name's last component). */
export function jvmProvides(os: Os, name: string): boolean {
  const base = name.slice(name.lastIndexOf('/') + 1);
  switch (os) {
    case 'windows':
      return WINDOWS.has(base.toLowerCase());
    case 'macos':
      return MACOS.has(base);
    case 'linux':
    case 'freebsd':
      return LINUX.has(base);
    default:
      return false;
  }
}
