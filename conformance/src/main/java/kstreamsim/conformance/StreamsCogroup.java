package kstreamsim.conformance;

import java.time.Instant;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/** KGroupedStream.cogroup on Kafka's TopologyTestDriver: two inputs of different value types, one re-keyed
 *  (repartition topic), one aggregate store, caching on (the driver commits after every record). */
final class StreamsCogroup implements Scenario {
    public String name() { return "streams_cogroup"; }
    public int brokers() { return 0; }

    public void run(Env env, Out out) {
        StreamsBuilder builder = new StreamsBuilder();
        KGroupedStream<String, Long> clicks = builder.stream("clicks", Consumed.with(Serdes.String(), Serdes.Long())).groupByKey();
        KGroupedStream<String, String> views = builder.<String, String>stream("views").groupBy((user, page) -> page, Grouped.as("by-page"));
        clicks.<String>cogroup((page, n, agg) -> agg + "c" + n)
                .cogroup(views, (page, user, agg) -> agg + "v" + user)
                .aggregate(() -> "", Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("activity").withValueSerde(Serdes.String()))
                .toStream()
                .to("activity-out");
        Topology topology = builder.build();
        StreamsOut.describe(out, "cogroup", topology.describe().toString());

        try (TopologyTestDriver driver = new TopologyTestDriver(topology, StreamsOut.props("cogroup"), Instant.EPOCH)) {
            TestInputTopic<String, Long> c = driver.createInputTopic("clicks", new StringSerializer(), new LongSerializer());
            TestInputTopic<String, String> v = driver.createInputTopic("views", new StringSerializer(), new StringSerializer());
            c.pipeInput("home", 1L, 1000L);
            v.pipeInput("alice", "home", 1500L);
            c.pipeInput("cart", 2L, 500L);
            v.pipeInput("bob", "cart", 3000L);
            c.pipeInput("home", 3L, 2000L);
            v.pipeInput("carol", "home", 2500L);
            v.pipeInput("dave", null, 2600L);
            StreamsOut.records(out, "activity-out", driver.createOutputTopic("activity-out", new StringDeserializer(), new StringDeserializer()));
            StreamsOut.timestampedStore(out, driver, "activity");
            StreamsOut.producedTopics(out, driver);
        }
    }
}
