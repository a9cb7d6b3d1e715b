package kstreamsim.conformance;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Printed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * examples/stateless_ops.cpp on Kafka's TopologyTestDriver: filter, mapValues, map, selectKey, flatMap, peek,
 * split/branch/defaultBranch, merge, print. What peek and print write to stdout is captured and printed, in
 * order, after the record that caused it ("stdout: ...").
 */
final class StreamsStatelessOps implements Scenario {
    public String name() { return "streams_stateless_ops"; }
    public int brokers() { return 0; }

    public void run(Env env, Out out) {
        PrintStream realOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));   // before Printed.toSysOut()
        try {
            run(out, captured);
        } finally {
            System.setOut(realOut);
        }
    }

    private static void drainStdout(Out out, ByteArrayOutputStream captured) {
        System.out.flush();
        String s = captured.toString(StandardCharsets.UTF_8);
        captured.reset();
        for (String l : s.split("\n")) if (!l.isEmpty()) out.line("stdout: " + l);
    }

    private void run(Out out, ByteArrayOutputStream captured) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, Long> purchases = builder.stream("purchases", Consumed.with(Serdes.String(), Serdes.Long()));

        purchases.filter((u, cents) -> cents >= 10000)
                .mapValues(cents -> (cents / 100) + "." + (cents % 100 / 10) + (cents % 10) + " EUR")
                .to("big-purchases", Produced.with(Serdes.String(), Serdes.String()));

        purchases.map((u, cents) -> KeyValue.pair(cents, u)).to("by-amount", Produced.with(Serdes.Long(), Serdes.String()));
        purchases.selectKey((u, cents) -> cents < 1000 ? "small" : "large").to("by-size", Produced.with(Serdes.String(), Serdes.Long()));

        purchases.flatMap((u, cents) -> {
            List<KeyValue<String, Long>> o = new ArrayList<>();
            for (long i = 0; i * 5000 < cents; ++i) o.add(KeyValue.pair(u, i));
            return o;
        }).to("reward-points", Produced.with(Serdes.String(), Serdes.Long()));

        Map<String, KStream<String, Long>> branches = purchases.peek((u, cents) -> System.out.println("peek: " + u + " " + cents))
                .split(Named.as("size-"))
                .branch((u, cents) -> cents < 1000, Branched.as("small"))
                .branch((u, cents) -> cents < 10000, Branched.as("medium"))
                .defaultBranch(Branched.as("large"));
        branches.get("size-small").merge(branches.get("size-large")).print(Printed.<String, Long>toSysOut().withLabel("small-or-large"));
        branches.get("size-medium").to("medium", Produced.with(Serdes.String(), Serdes.Long()));

        Topology topology = builder.build();
        StreamsOut.describe(out, "stateless_ops", topology.describe().toString());

        try (TopologyTestDriver driver = new TopologyTestDriver(topology, StreamsOut.props("stateless-ops"), Instant.EPOCH)) {
            TestInputTopic<String, Long> in = driver.createInputTopic("purchases", new StringSerializer(), new LongSerializer());
            String[] users = {"alice", "bob", "carol", "dave", "erin", "frank"};
            long[] cents = {12550, 450, 5000, 999, 10000, 1000};
            long[] ts = {1000, 2000, 3000, 1500, 4000, 4000};
            for (int i = 0; i < users.length; i++) {
                out.line("pipe " + users[i] + " " + cents[i] + " @" + ts[i]);
                in.pipeInput(users[i], cents[i], ts[i]);
                drainStdout(out, captured);
            }
            StreamsOut.records(out, "big-purchases", driver.createOutputTopic("big-purchases", new StringDeserializer(), new StringDeserializer()));
            StreamsOut.records(out, "by-amount", driver.createOutputTopic("by-amount", new LongDeserializer(), new StringDeserializer()));
            StreamsOut.records(out, "by-size", driver.createOutputTopic("by-size", new StringDeserializer(), new LongDeserializer()));
            StreamsOut.records(out, "reward-points", driver.createOutputTopic("reward-points", new StringDeserializer(), new LongDeserializer()));
            StreamsOut.records(out, "medium", driver.createOutputTopic("medium", new StringDeserializer(), new LongDeserializer()));
            StreamsOut.producedTopics(out, driver);
        }
        drainStdout(out, captured);
    }
}
