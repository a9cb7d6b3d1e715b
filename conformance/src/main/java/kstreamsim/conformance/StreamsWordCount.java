package kstreamsim.conformance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

/** examples/word_count.cpp on Kafka's TopologyTestDriver: flatMapValues, groupBy (repartition), count, caching on. */
final class StreamsWordCount implements Scenario {
    public String name() { return "streams_word_count"; }
    public int brokers() { return 0; }

    public void run(Env env, Out out) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.<String, String>stream("text-lines")
                .flatMapValues(line -> {
                    List<String> words = new ArrayList<>();
                    for (String w : line.split("[ \t\n]+")) if (!w.isEmpty()) words.add(w.toLowerCase(Locale.ROOT));
                    return words;
                })
                .groupBy((k, word) -> word)
                .count(Materialized.as("word-counts"))
                .toStream()
                .to("word-counts-output", Produced.with(Serdes.String(), Serdes.Long()));
        Topology topology = builder.build();
        StreamsOut.describe(out, "word_count", topology.describe().toString());

        try (TopologyTestDriver driver = new TopologyTestDriver(topology, StreamsOut.props("wordcount"), Instant.EPOCH)) {
            TestInputTopic<String, String> lines = driver.createInputTopic("text-lines", new StringSerializer(), new StringSerializer());
            var counts = driver.createOutputTopic("word-counts-output", new StringDeserializer(), new LongDeserializer());
            lines.pipeInput("", "Kafka Streams", 1000L);
            lines.pipeInput("", "streams of records", 2000L);
            lines.pipeInput("", "kafka kafka", 3000L);
            lines.pipeInput("k", "Records  of  KAFKA", 2500L);   // older than stream time
            lines.pipeInput("", "the end of the streams", 10000L);
            StreamsOut.records(out, "word-counts-output", counts);
            StreamsOut.timestampedStore(out, driver, "word-counts");
            StreamsOut.producedTopics(out, driver);
        }
    }
}
