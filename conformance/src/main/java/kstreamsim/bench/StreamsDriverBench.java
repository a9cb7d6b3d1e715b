package kstreamsim.bench;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Materialized;

/**
 * Kafka's own TopologyTestDriver on the two topologies of bench/streams_driver.cpp, with the same inputs:
 * keys "key-" + (i % keys), values "value-" + i, timestamps 0, 1, 2, ...; outputs drained every 4096 records.
 * Prints records per CPU-second of the JVM process (and per wall-clock second) for each; the JVM is warmed up by a
 * first pass that is not counted.
 *
 * Usage (after `mvn -q -o compile` in conformance/): java -cp target/classes:$(cat target/classpath.txt)
 *        kstreamsim.bench.StreamsDriverBench [records] [keys]
 */
public final class StreamsDriverBench {
    private StreamsDriverBench() {}

    interface Topology {
        void build(StreamsBuilder builder);
    }

    static long run(List<String> keys, List<String> values, Topology topology, String output, boolean counts) {
        StreamsBuilder builder = new StreamsBuilder();
        topology.build(builder);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench");
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        long produced = 0;
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props, Instant.EPOCH)) {
            TestInputTopic<String, String> in = driver.createInputTopic("input", Serdes.String().serializer(), Serdes.String().serializer());
            if (counts) {
                TestOutputTopic<String, Long> out = driver.createOutputTopic(output, Serdes.String().deserializer(), Serdes.Long().deserializer());
                for (int i = 0; i < keys.size(); ++i) {
                    in.pipeInput(keys.get(i), values.get(i), Instant.ofEpochMilli(i));
                    if ((i & 4095) == 4095) produced += out.readRecordsToList().size();
                }
                produced += out.readRecordsToList().size();
            } else {
                TestOutputTopic<String, String> out = driver.createOutputTopic(output, Serdes.String().deserializer(), Serdes.String().deserializer());
                for (int i = 0; i < keys.size(); ++i) {
                    in.pipeInput(keys.get(i), values.get(i), Instant.ofEpochMilli(i));
                    if ((i & 4095) == 4095) produced += out.readRecordsToList().size();
                }
                produced += out.readRecordsToList().size();
            }
        }
        return produced;
    }

    // CPU time of the whole JVM process (all threads: the JIT compiler and the garbage collector work for the run too).
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static void measure(String name, List<String> keys, List<String> values, Topology topology, String output, boolean counts) {
        run(keys, values, topology, output, counts);  // warm-up pass, not counted
        long bestWall = Long.MAX_VALUE;
        long bestCpu = Long.MAX_VALUE;
        long produced = 0;
        for (int pass = 0; pass < 2; ++pass) {
            long t0 = System.nanoTime();
            long c0 = processCpuNanos();
            produced = run(keys, values, topology, output, counts);
            bestCpu = Math.min(bestCpu, processCpuNanos() - c0);
            bestWall = Math.min(bestWall, System.nanoTime() - t0);
        }
        System.out.printf("%-28s %10.0f records/CPU-s (%.0f records/s wall) through Kafka's Java TopologyTestDriver "
                          + "(%d outputs, best of 2 after warm-up)%n",
                          name, keys.size() / (bestCpu / 1e9), keys.size() / (bestWall / 1e9), produced);
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int keyCount = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        List<String> keys = new ArrayList<>(n);
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; ++i) {
            keys.add("key-" + (i % keyCount));
            values.add("value-" + i);
        }
        System.out.printf("java TopologyTestDriver (Kafka 4.3.1): %d records, %d keys%n", n, keyCount);
        measure("filter -> mapValues -> to", keys, values,
                b -> b.<String, String>stream("input").filter((k, v) -> !v.endsWith("7")).mapValues(v -> v + "!").to("output"),
                "output", false);
        measure("groupByKey -> count", keys, values,
                b -> b.<String, String>stream("input").groupByKey().count(Materialized.as("counts")).toStream().to("counts-out"),
                "counts-out", true);
    }
}
