package kstreamsim.conformance;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * What a caching store writes through when the driver commits (after every record): a Processor API store
 * (no flush listener) writes every dirty entry through, a delete of a key it never held included; a DSL table
 * (the cache forwards) skips a delete of a key that is in neither the cache nor the store.
 */
final class StreamsCaching implements Scenario {
    public String name() { return "streams_caching"; }
    public int brokers() { return 0; }

    static final class Writer implements Processor<String, String, String, String> {
        private KeyValueStore<String, String> kv;

        @Override public void init(ProcessorContext<String, String> context) { kv = context.getStateStore("kv"); }

        @Override public void process(Record<String, String> r) {
            if (r.value().equals("delete")) kv.delete(r.key());
            else kv.put(r.key(), r.value());
        }
    }

    public void run(Env env, Out out) {
        out.line("== Processor API store with caching");
        StreamsBuilder papi = new StreamsBuilder();
        papi.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("kv"), Serdes.String(), Serdes.String()).withCachingEnabled());
        papi.stream("in", Consumed.with(Serdes.String(), Serdes.String())).process(Writer::new, "kv");
        try (TopologyTestDriver driver = new TopologyTestDriver(papi.build(), StreamsOut.props("caching"))) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
            String[][] records = {{"never-written", "delete", "1"}, {"a", "1", "2"}, {"a", "delete", "3"}, {"b", "2", "4"}};
            for (String[] r : records) in.pipeInput(r[0], r[1], Long.parseLong(r[2]));
            StreamsOut.records(out, "caching-kv-changelog", driver.createOutputTopic("caching-kv-changelog", new StringDeserializer(), new StringDeserializer()));
            StreamsOut.plainStore(out, driver, "kv");
        }

        out.line("== DSL table with caching");
        StreamsBuilder dsl = new StreamsBuilder();
        dsl.table("in", Consumed.with(Serdes.String(), Serdes.String()), Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("t").withCachingEnabled())
                .toStream()
                .to("out");
        try (TopologyTestDriver driver = new TopologyTestDriver(dsl.build(), StreamsOut.props("caching"))) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
            in.pipeInput("never-written", null, 1L);
            in.pipeInput("a", "1", 2L);
            in.pipeInput("a", null, 3L);
            in.pipeInput("a", null, 4L);
            in.pipeInput("b", "2", 5L);
            StreamsOut.records(out, "out", driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer()));
            StreamsOut.records(out, "caching-t-changelog", driver.createOutputTopic("caching-t-changelog", new StringDeserializer(), new StringDeserializer()));
            StreamsOut.timestampedStore(out, driver, "t");
        }
    }
}
