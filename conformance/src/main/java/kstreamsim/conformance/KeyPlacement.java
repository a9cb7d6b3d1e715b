package kstreamsim.conformance;

import java.util.List;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The partition the producer's built-in partitioner picks for a keyed record (no explicit partition,
 * no custom partitioner): BuiltInPartitioner.partitionForKey(serialized key, n) = toPositive(murmur2(bytes)) % n.
 * Output per key: one line with bytes/murmur2/toPositive, then one line per partition count.
 */
final class KeyPlacement implements Scenario {
    static final int[] PARTITION_COUNTS = {1, 2, 3, 5, 7, 12, 50};
    static final List<String> STRING_KEYS = List.of(
            "", "a", "ab", "bob", "key1", "alice", "foobar", "21", "kafka", "user-1", "Hello, World!",
            "h\u00e9llo", "\u65e5\u672c", "\uD83D\uDE00",
            "the quick brown fox jumps over the lazy dog 0123456789");
    static final int[] INT_KEYS = {0, 1, -1, 42, Integer.MIN_VALUE, Integer.MAX_VALUE};
    static final long[] LONG_KEYS = {0L, -1L, 1234567890123L, Long.MIN_VALUE, Long.MAX_VALUE};

    @Override public String name() { return "key_placement"; }
    @Override public int brokers() { return 0; }

    @Override public void run(Env env, Out out) {
        try (StringSerializer s = new StringSerializer(); IntegerSerializer i = new IntegerSerializer(); LongSerializer l = new LongSerializer()) {
            for (String k : STRING_KEYS) key(out, "string:" + Out.quote(k), s.serialize("t", k));
            for (int k : INT_KEYS) key(out, "int:" + k, i.serialize("t", k));
            for (long k : LONG_KEYS) key(out, "long:" + k, l.serialize("t", k));
        }
    }

    private static void key(Out out, String label, byte[] bytes) {
        int h = Utils.murmur2(bytes);
        out.line(label + " bytes=" + Out.hex(bytes) + " murmur2=" + h + " positive=" + Utils.toPositive(h));
        for (int n : PARTITION_COUNTS)
            out.line(label + " n=" + n + " -> " + BuiltInPartitioner.partitionForKey(bytes, n));
    }
}
