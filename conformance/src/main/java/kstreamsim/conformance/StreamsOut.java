package kstreamsim.conformance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Canonical output shared by the Streams scenarios (TopologyTestDriver, no broker). The C++ twins mirror it:
 *   describe text:  "=== describe <case>", the text split at '\n' (so a final "\n" gives one empty line), "=== end"
 *   output record:  "<topic> key=<k> value=<v> ts=<ms>"  (strings quoted with Out.quote, numbers plain, null)
 *   store entry:    "store <name> key=<k> value=<v> ts=<ms>"  sorted by key
 */
final class StreamsOut {
    private StreamsOut() { }

    /** Driver config: explicit application.id, String default serdes, everything else Kafka's default. */
    static Properties props(String applicationId) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:1234");
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
        return p;
    }

    static String fmt(Object o) {
        if (o == null) return "null";
        if (o instanceof String) return Out.quote((String) o);
        return o.toString();
    }

    static void describe(Out out, String name, String text) {
        out.line("=== describe " + name);
        for (String l : text.split("\n", -1)) out.line(l);
        out.line("=== end");
    }

    static <K, V> void records(Out out, String topic, TestOutputTopic<K, V> t) {
        for (TestRecord<K, V> r : t.readRecordsToList())
            out.line(topic + " key=" + fmt(r.key()) + " value=" + fmt(r.value()) + " ts=" + r.timestamp());
    }

    /** A timestamped store's contents, sorted by the key's canonical text. */
    static <K, V> void timestampedStore(Out out, TopologyTestDriver driver, String name) {
        KeyValueStore<K, ValueAndTimestamp<V>> store = driver.getTimestampedKeyValueStore(name);
        List<String> lines = new ArrayList<>();
        try (KeyValueIterator<K, ValueAndTimestamp<V>> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<K, ValueAndTimestamp<V>> kv = it.next();
                lines.add("store " + name + " key=" + fmt(kv.key) + " value=" + fmt(kv.value.value()) + " ts=" + kv.value.timestamp());
            }
        }
        lines.sort(Comparator.naturalOrder());
        lines.forEach(out::line);
    }

    /** A plain key-value store's contents, sorted by the key's canonical text. */
    static <K, V> void plainStore(Out out, TopologyTestDriver driver, String name) {
        KeyValueStore<K, V> store = driver.getKeyValueStore(name);
        List<String> lines = new ArrayList<>();
        try (KeyValueIterator<K, V> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<K, V> kv = it.next();
                lines.add("store " + name + " key=" + fmt(kv.key) + " value=" + fmt(kv.value));
            }
        }
        lines.sort(Comparator.naturalOrder());
        lines.forEach(out::line);
    }

    static void producedTopics(Out out, TopologyTestDriver driver) {
        List<String> names = new ArrayList<>(driver.producedTopicNames());
        names.sort(Comparator.naturalOrder());
        for (String n : names) out.line("produced topic " + n);
    }
}
