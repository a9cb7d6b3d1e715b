package kstreamsim.conformance;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/** Canonical output: plain ASCII lines, one fact a line. Helpers shared by every scenario (the C++ twins mirror them). */
final class Out {
    private final StringBuilder text = new StringBuilder();

    void line(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) throw new IllegalStateException("non-ASCII output: " + s);
        }
        text.append(s).append('\n');
    }

    String text() { return text.toString(); }

    /** Lower-case hex of the bytes, no separators; "null" for null. */
    static String hex(byte[] b) {
        if (b == null) return "null";
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02x", x & 0xff));
        return sb.toString();
    }

    /** A string in double quotes, its UTF-8 bytes outside printable ASCII (and '"', '\\') written as \xNN. */
    static String quote(String s) {
        if (s == null) return "null";
        StringBuilder sb = new StringBuilder("\"");
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') sb.append(String.format("\\x%02x", c));
            else sb.append((char) c);
        }
        return sb.append('"').toString();
    }

    /** The exception a Kafka call really failed with: ExecutionException / CompletionException unwrapped. */
    static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException) && t.getCause() != null)
            t = t.getCause();
        return t;
    }

    /** Simple class name; a wrapping KafkaException shows its cause: "KafkaException(cause=ConfigException)". */
    static String exceptionName(Throwable t) {
        t = unwrap(t);
        String n = t.getClass().getSimpleName();
        if (t.getClass() == org.apache.kafka.common.KafkaException.class && t.getCause() != null)
            n += "(cause=" + t.getCause().getClass().getSimpleName() + ")";
        return n;
    }

    /** Words of `message` that are config keys from `vocabulary`, in order of first appearance, comma-separated. */
    static String keysIn(String message, Iterable<String> vocabulary) {
        if (message == null) return "";
        List<int[]> found = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String k : vocabulary) {
            int from = 0;
            while (true) {
                int i = message.indexOf(k, from);
                if (i < 0) break;
                int e = i + k.length();
                boolean startOk = i == 0 || !isKeyChar(message.charAt(i - 1));
                // a trailing '.' ends a sentence, it does not continue a key
                boolean endOk = e == message.length() || !isKeyChar(message.charAt(e))
                        || (message.charAt(e) == '.' && (e + 1 == message.length() || !isKeyChar(message.charAt(e + 1))));
                if (startOk && endOk) { found.add(new int[]{i, names.size()}); names.add(k); break; }
                from = i + 1;
            }
        }
        found.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(names.get(b[1]).length(), names.get(a[1]).length()));
        StringBuilder sb = new StringBuilder();
        for (int[] f : found) {
            if (sb.length() > 0) sb.append(',');
            sb.append(names.get(f[1]));
        }
        return sb.toString();
    }

    private static boolean isKeyChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    }
}
