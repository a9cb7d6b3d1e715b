package kstreamsim.conformance;

import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * examples/processor_api_punctuate.cpp on Kafka's TopologyTestDriver (wall clock starting at Instant.EPOCH): a
 * Processor counting page views in a store, punctuating on STREAM_TIME and on WALL_CLOCK_TIME.
 */
final class StreamsPunctuate implements Scenario {
    public String name() { return "streams_punctuate"; }
    public int brokers() { return 0; }

    static final class PageViewCounter implements Processor<String, String, String, Long> {
        private final PunctuationType type;
        private final Out out;
        private ProcessorContext<String, Long> context;
        private KeyValueStore<String, Long> counts;

        PageViewCounter(PunctuationType type, Out out) { this.type = type; this.out = out; }

        @Override
        public void init(ProcessorContext<String, Long> context) {
            this.context = context;
            counts = context.getStateStore("page-counts");
            context.schedule(Duration.ofSeconds(10), type, timestamp -> {
                out.line("punctuate(" + type + ") at " + timestamp + " streamTime=" + context.currentStreamTimeMs()
                        + " wallClock=" + context.currentSystemTimeMs());
                try (KeyValueIterator<String, Long> it = counts.all()) {
                    while (it.hasNext()) {
                        KeyValue<String, Long> kv = it.next();
                        context.forward(new Record<>(kv.key, kv.value, timestamp));
                    }
                }
            });
        }

        @Override
        public void process(Record<String, String> view) {
            Long old = counts.get(view.value());
            counts.put(view.value(), old == null ? 1L : old + 1);
        }
    }

    static Topology topology(PunctuationType type, Out out) {
        Topology t = new Topology();
        t.addSource("PageViews", new StringDeserializer(), new StringDeserializer(), "page-views")
                .addProcessor("Counter", () -> new PageViewCounter(type, out), "PageViews")
                .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("page-counts"), Serdes.String(), Serdes.Long()), "Counter")
                .addSink("Counts", "page-counts-output", new StringSerializer(), new LongSerializer(), "Counter");
        return t;
    }

    public void run(Env env, Out out) {
        StreamsOut.describe(out, "punctuate", topology(PunctuationType.STREAM_TIME, out).describe().toString());

        out.line("== STREAM_TIME");
        try (TopologyTestDriver driver = new TopologyTestDriver(topology(PunctuationType.STREAM_TIME, out), StreamsOut.props("punctuate"), Instant.EPOCH)) {
            TestInputTopic<String, String> views = driver.createInputTopic("page-views", new StringSerializer(), new StringSerializer());
            TestOutputTopic<String, Long> o = driver.createOutputTopic("page-counts-output", new StringDeserializer(), new LongDeserializer());
            String[][] in = {{"u1", "/home", "0"}, {"u2", "/cart", "4000"}, {"u1", "/home", "12000"}, {"u3", "/home", "35000"},
                             {"u4", "/cart", "20000"}, {"u5", "/about", "39999"}, {"u6", "/about", "40000"}};
            for (String[] r : in) {
                out.line("pipe " + r[0] + " " + r[1] + " @" + r[2]);
                views.pipeInput(r[0], r[1], Long.parseLong(r[2]));
                StreamsOut.records(out, "page-counts-output", o);
            }
            out.line("advanceWallClockTime 1h");
            driver.advanceWallClockTime(Duration.ofHours(1));
            StreamsOut.records(out, "page-counts-output", o);
            StreamsOut.plainStore(out, driver, "page-counts");
        }

        out.line("== WALL_CLOCK_TIME");
        try (TopologyTestDriver driver = new TopologyTestDriver(topology(PunctuationType.WALL_CLOCK_TIME, out), StreamsOut.props("punctuate"), Instant.EPOCH)) {
            TestInputTopic<String, String> views = driver.createInputTopic("page-views", new StringSerializer(), new StringSerializer());
            TestOutputTopic<String, Long> o = driver.createOutputTopic("page-counts-output", new StringDeserializer(), new LongDeserializer());
            out.line("pipe u1 /home @100000");
            views.pipeInput("u1", "/home", 100000L);
            out.line("pipe u2 /cart @200000");
            views.pipeInput("u2", "/cart", 200000L);
            StreamsOut.records(out, "page-counts-output", o);
            long[] advances = {9000, 1000, 25000, 5000, 0, 1};
            for (long a : advances) {
                out.line("advanceWallClockTime " + a + "ms");
                driver.advanceWallClockTime(Duration.ofMillis(a));
                StreamsOut.records(out, "page-counts-output", o);
            }
            out.line("pipe u3 /home @5");
            views.pipeInput("u3", "/home", 5L);
            StreamsOut.records(out, "page-counts-output", o);
            StreamsOut.plainStore(out, driver, "page-counts");
        }
    }
}
