package kstreamsim.conformance;

import java.time.Instant;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

/** A pattern subscription with a value-time TimestampExtractor on Kafka's TopologyTestDriver (a negative result drops
 *  the record). (WallclockTimestampExtractor is not compared: in Kafka's driver it reads the real clock.) */
final class StreamsTimestamps implements Scenario {
    public String name() { return "streams_timestamps"; }
    public int brokers() { return 0; }

    public void run(Env env, Out out) {
        {
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream(Pattern.compile("events-(eu|us)"),
                            Consumed.with(Serdes.String(), Serdes.String())
                                    .withTimestampExtractor((record, partitionTime) -> Long.parseLong((String) record.value())))
                    .groupByKey()
                    .count(Materialized.as("counts"))
                    .toStream()
                    .to("counts-out", Produced.with(Serdes.String(), Serdes.Long()));
            Topology topology = builder.build();
            StreamsOut.describe(out, "pattern_value_time", topology.describe().toString());
            try (TopologyTestDriver driver = new TopologyTestDriver(topology, StreamsOut.props("timestamps"), Instant.EPOCH)) {
                TestInputTopic<String, String> eu = driver.createInputTopic("events-eu", new StringSerializer(), new StringSerializer());
                TestInputTopic<String, String> us = driver.createInputTopic("events-us", new StringSerializer(), new StringSerializer());
                eu.pipeInput("a", "500", 1L);
                us.pipeInput("a", "300", 2L);
                eu.pipeInput("b", "-1", 3L);
                us.pipeInput("b", "700", 4L);
                eu.pipeInput("a", "900", 5L);
                StreamsOut.records(out, "counts-out", driver.createOutputTopic("counts-out", new StringDeserializer(), new LongDeserializer()));
                StreamsOut.timestampedStore(out, driver, "counts");
            }
        }
    }
}
