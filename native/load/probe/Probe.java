/*
 * The JNI probe: System.load()s each library named, in order, the way a JNI
 * loader does after extracting it from its JAR (sqlite-jdbc, JNA, netty).
 *
 *   java [flags] -cp /probe[:/art/the.jar] Probe /art/libfoo.so [more.so ...]
 *
 * With the artifact's JAR on the class path, a JNI_OnLoad that looks up its
 * own classes finds them. Stages:
 * - load: the JVM's dlopen refused the library. HotSpot throws
 *   UnsatisfiedLinkError "<path>: <dlerror()>"; a file that is not there gives
 *   "Can't load library: <path>".
 * - init: JNI_OnLoad threw (the JVM rethrows that Throwable as is), or
 *   returned a JNI version this JVM does not support (UnsatisfiedLinkError
 *   "unsupported JNI version 0x... required by <path>").
 * Compiled with `javac --release 11` (class file 55) so JRE 11, 17 and 21 run it.
 *
 * The last line of stdout is `DISTAUDIT-PROBE {json}` (src/load/types.ts);
 * exit 0 all loaded, 1 one failed, 2 bad usage.
 */
public final class Probe {
  private static final String MARKER = "DISTAUDIT-PROBE";

  public static void main(String[] args) {
    if (args.length == 0) {
      System.err.println("usage: Probe LIBRARY...");
      finish(false, "setup", "usage: Probe LIBRARY...", null, 2);
    }
    for (String path : args) {
      if (!path.startsWith("/")) finish(false, "setup", "not an absolute path: " + path, null, 2);
    }
    for (String path : args) {
      try {
        System.load(path);
      } catch (Throwable t) {
        t.printStackTrace();
        String message = String.valueOf(t.getMessage());
        boolean init = !(t instanceof UnsatisfiedLinkError) || message.startsWith("unsupported JNI version");
        finish(false, init ? "init" : "load", message, t.getClass().getName(), 1);
      }
    }
    finish(true, "init", null, null, 0);
  }

  private static void finish(boolean ok, String stage, String error, String errorType, int code) {
    StringBuilder json = new StringBuilder();
    json.append("{\"ok\":").append(ok)
        .append(",\"stage\":").append(quote(stage))
        .append(",\"error\":").append(quote(error))
        .append(",\"errorType\":").append(quote(errorType))
        .append('}');
    System.err.flush();
    // A new line first, in case a library printed a partial one.
    System.out.print("\n" + MARKER + " " + json + "\n");
    System.out.flush();
    // halt, not exit: no shutdown hooks or finalizers of the library run after the verdict.
    Runtime.getRuntime().halt(code);
  }

  private static String quote(String s) {
    if (s == null) return "null";
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        default:
          // ASCII only: the output is right whatever encoding the JVM picks for stdout.
          if (c < 0x20 || c >= 0x7f) out.append(String.format("\\u%04x", (int) c));
          else out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
