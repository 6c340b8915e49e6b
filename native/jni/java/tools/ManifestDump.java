import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

/**
 * The reference reading of manifests for the differential test of
 * src/artifact/jar/manifest.ts: parses each file named on the command line
 * with java.util.jar.Manifest and prints, per file, either ERR or the main
 * attributes and per-entry sections (names and values base64-encoded UTF-8):
 *
 *   FILE <path>
 *   ERR <message>             | MAIN <name> <value>   ENTRY <name>   ATTR <name> <value>
 */
public final class ManifestDump {
    private ManifestDump() {}

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    public static void main(String[] args) throws Exception {
        StringBuilder out = new StringBuilder();
        for (String f : args) {
            out.append("FILE ").append(f).append('\n');
            try (InputStream in = new FileInputStream(f)) {
                Manifest m = new Manifest(in);
                for (Map.Entry<Object, Object> e : m.getMainAttributes().entrySet()) {
                    out.append("MAIN ").append(b64(e.getKey().toString())).append(' ').append(b64((String) e.getValue())).append('\n');
                }
                for (Map.Entry<String, Attributes> s : m.getEntries().entrySet()) {
                    out.append("ENTRY ").append(b64(s.getKey())).append('\n');
                    for (Map.Entry<Object, Object> e : s.getValue().entrySet()) {
                        out.append("ATTR ").append(b64(e.getKey().toString())).append(' ').append(b64((String) e.getValue())).append('\n');
                    }
                }
            } catch (Exception e) {
                out.append("ERR ").append(e.getClass().getSimpleName()).append(": ").append(String.valueOf(e.getMessage()).replace('\n', ' ')).append('\n');
            }
        }
        System.out.print(out);
    }
}
