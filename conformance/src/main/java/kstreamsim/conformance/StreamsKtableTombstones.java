package kstreamsim.conformance;

import java.time.Instant;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/** examples/ktable_tombstones.cpp on Kafka's TopologyTestDriver: a table source, toStream, KTable.filter; caching on and off. */
final class StreamsKtableTombstones implements Scenario {
    public String name() { return "streams_ktable_tombstones"; }
    public int brokers() { return 0; }

    public void run(Env env, Out out) {
        run(out, true, true);
        run(out, false, true);
        run(out, true, false);
    }

    /** materialized=false: builder.table(topic) without a store name, so the filter cannot ask for old values. */
    private void run(Out out, boolean caching, boolean materialized) {
        out.line("== caching " + (caching ? "enabled" : "disabled") + (materialized ? "" : ", source not materialized"));
        StreamsBuilder builder = new StreamsBuilder();
        Materialized<String, String, KeyValueStore<Bytes, byte[]>> store = Materialized.as("user-cities");
        KTable<String, String> cities = !materialized ? builder.table("user-cities")
                : builder.table("user-cities", caching ? store : store.withCachingDisabled());
        cities.toStream().to("city-changes");
        cities.filter((k, city) -> city != null && city.startsWith("P")).toStream().to("p-cities");
        Topology topology = builder.build();
        StreamsOut.describe(out, "ktable_tombstones", topology.describe().toString());

        try (TopologyTestDriver driver = new TopologyTestDriver(topology, StreamsOut.props("ktable-tombstones"), Instant.EPOCH)) {
            TestInputTopic<String, String> in = driver.createInputTopic("user-cities", new StringSerializer(), new StringSerializer());
            in.pipeInput("alice", "Paris", 1L);
            in.pipeInput("bob", "Rome", 2L);
            in.pipeInput("alice", "Lima", 3L);
            in.pipeInput("bob", null, 4L);       // tombstone: bob leaves the table
            in.pipeInput("ghost", null, 5L);     // tombstone for a key the table never had
            in.pipeInput("carol", "Prague", 6L);
            in.pipeInput("carol", "Pisa", 7L);   // a P-city replaced by a P-city
            in.pipeInput("carol", "Oslo", 8L);   // filtered out now: a tombstone downstream of the filter
            in.pipeInput("dave", "Porto", 20L);
            in.pipeInput("dave", "Pune", 15L);   // older timestamp than the stored value
            in.pipeInput("erin", "", 9L);        // empty value, not a tombstone
            StreamsOut.records(out, "city-changes", driver.createOutputTopic("city-changes", new StringDeserializer(), new StringDeserializer()));
            StreamsOut.records(out, "p-cities", driver.createOutputTopic("p-cities", new StringDeserializer(), new StringDeserializer()));
            if (materialized) {
                StreamsOut.timestampedStore(out, driver, "user-cities");
                KeyValueStore<String, String> view = driver.getKeyValueStore("user-cities");
                out.line("store user-cities get bob -> " + StreamsOut.fmt(view.get("bob")));
                out.line("store user-cities get ghost -> " + StreamsOut.fmt(view.get("ghost")));
            }
            StreamsOut.producedTopics(out, driver);
        }
    }
}
