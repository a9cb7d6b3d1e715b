package kstreamsim.conformance;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;

import java.util.Map;

/** Topology.describe() text of DSL and Processor API topologies (no driver, no broker). */
final class StreamsDescribe implements Scenario {
    public String name() { return "streams_describe"; }
    public int brokers() { return 0; }

    public void run(Env env, Out out) {
        {
            StreamsBuilder b = new StreamsBuilder();
            StreamsOut.describe(out, "empty", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            b.<String, String>stream("input").filter((k, v) -> !k.equals(v)).to("output");
            StreamsOut.describe(out, "filter_to", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            b.<String, String>stream("input-topic").groupByKey().count();
            StreamsOut.describe(out, "groupByKey_count_anonymous", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            b.<String, String>stream("input-topic").groupByKey().count(Materialized.as("count-store"));
            StreamsOut.describe(out, "groupByKey_count_named", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            b.<String, String>stream("input-topic").groupByKey().count(Materialized.with(Serdes.String(), Serdes.Long()));
            StreamsOut.describe(out, "groupByKey_count_materialized_with", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            b.<String, String>stream("input").groupByKey().count().toStream().to("output");
            StreamsOut.describe(out, "groupByKey_count_toStream_to", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            b.<String, String>stream("input").groupBy((k, v) -> v).count();
            StreamsOut.describe(out, "groupBy_count_anonymous", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            b.<String, String>stream("input").groupBy((k, v) -> v, Grouped.as("by-value")).count().toStream().to("output");
            StreamsOut.describe(out, "groupBy_grouped_as_count", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            b.<String, String>stream("input").groupBy((k, v) -> k, Grouped.with(Serdes.String(), Serdes.String()))
                    .count(Materialized.as("counts")).toStream().to("output");
            StreamsOut.describe(out, "groupBy_count_named_store", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            b.<String, String>table("input-topic").toStream().to("output");
            StreamsOut.describe(out, "table_source_not_materialized", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            b.<String, String>table("users", Materialized.as("users-store"));
            StreamsOut.describe(out, "table_source_materialized", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            b.<String, String>table("input-topic").groupBy((k, v) -> KeyValue.pair(k, v)).count();
            StreamsOut.describe(out, "table_groupBy_count_anonymous", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            b.<String, String>table("input-topic").groupBy((k, v) -> KeyValue.pair(v, k)).count(Materialized.as("count-store"))
                    .toStream().to("output");
            StreamsOut.describe(out, "table_groupBy_count_named", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            b.<String, String>stream("input").map((k, v) -> KeyValue.pair(k.length(), v))
                    .toTable(Materialized.with(Serdes.Integer(), Serdes.String())).toStream().to("output");
            StreamsOut.describe(out, "map_toTable", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            KStream<String, String> a = b.stream("a");
            KStream<String, String> c = b.<String, String>stream("b").mapValues(v -> v + "!");
            a.merge(c).to("merged");
            StreamsOut.describe(out, "merge", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            Map<String, KStream<String, Long>> br = b.<String, Long>stream("numbers")
                    .split(Named.as("sign-"))
                    .branch((k, v) -> v < 0, Branched.as("negative"))
                    .branch((k, v) -> v == 0, Branched.as("zero"))
                    .defaultBranch(Branched.as("other"));
            br.get("sign-negative").to("negatives");
            br.get("sign-zero").mapValues(v -> v + 1).to("zeros");
            br.get("sign-other").to("others");
            StreamsOut.describe(out, "split_branch_defaultBranch", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            b.<String, String>globalTable("demo-global-table");
            StreamsOut.describe(out, "globalTable_alone", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            b.<String, String>stream("s").to("out");
            b.<String, String>globalTable("g", Materialized.as("g-store"));
            StreamsOut.describe(out, "globalTable_after_stream", b.build().describe().toString());
        }
        {
            // Named operators: which of them still burn an index (Kafka's NamedInternal.orElseGenerateWithPrefix)
            StreamsBuilder b = new StreamsBuilder();
            KStream<String, String> s = b.<String, String>stream("input", Consumed.as("src"))
                    .filter((k, v) -> true, Named.as("f"))
                    .mapValues(v -> v, Named.as("mv"))
                    .map((k, v) -> KeyValue.pair(k, v), Named.as("m"))
                    .selectKey((k, v) -> k, Named.as("sk"))
                    .peek((k, v) -> { }, Named.as("pk"))
                    .flatMapValues(v -> java.util.List.of(v), Named.as("fmv"))
                    .process(() -> new Processor<String, String, String, String>() {
                        public void process(Record<String, String> r) { }
                    }, Named.as("proc"))
                    .processValues(() -> new FixedKeyProcessor<String, String, String>() {
                        public void process(FixedKeyRecord<String, String> r) { }
                    }, Named.as("pv"));
            s.merge(b.<String, String>stream("input2"), Named.as("mrg")).to("out", Produced.as("sink"));
            b.<String, String>table("t", Consumed.as("tsrc")).filter((k, v) -> true, Named.as("tf"))
                    .mapValues(v -> v, Named.as("tmv")).toStream(Named.as("ts")).to("tout");
            StreamsOut.describe(out, "named_operators", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            b.<String, String>stream("x").repartition(Repartitioned.as("rp")).groupByKey()
                    .count(Named.as("cnt"), Materialized.as("cnt-store")).toStream().to("y");
            b.<String, String>table("tt").groupBy((k, v) -> KeyValue.pair(v, k), Grouped.as("tg")).count(Named.as("tcnt")).toStream().to("z");
            b.<String, String>globalTable("gt", Consumed.as("gsrc"));
            StreamsOut.describe(out, "named_operators_2", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            KGroupedStream<String, String> one = b.<String, String>stream("one").groupByKey();
            KGroupedStream<String, Long> two = b.<String, Long>stream("two").groupBy((k, v) -> k + v);
            one.<Long>cogroup((k, v, agg) -> agg + 1)
                    .cogroup(two, (k, v, agg) -> agg + v)
                    .aggregate(() -> 0L)
                    .toStream().to("out");
            StreamsOut.describe(out, "cogroup_anonymous_repartition", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            KGroupedStream<String, String> one = b.<String, String>stream("one").groupByKey();
            KGroupedStream<String, String> two = b.<String, String>stream("two").groupByKey();
            KGroupedStream<String, String> three = b.<String, String>stream("three").selectKey((k, v) -> v).groupByKey(Grouped.as("three-by-value"));
            one.<String>cogroup((k, v, agg) -> agg + v)
                    .cogroup(two, (k, v, agg) -> agg + v)
                    .cogroup(three, (k, v, agg) -> agg + v)
                    .aggregate(() -> "", Named.as("co"), Materialized.as("co-store"))
                    .toStream().to("out");
            StreamsOut.describe(out, "cogroup_three_named", b.build().describe().toString());
        }
        {
            StreamsBuilder b = new StreamsBuilder();
            b.<String, String>stream(java.util.regex.Pattern.compile("orders-.*")).filter((k, v) -> true).to("out");
            b.<String, String>stream("plain").to("out2");
            StreamsOut.describe(out, "pattern_source", b.build().describe().toString());
        }
        {
            Topology t = new Topology();
            t.addSource("PageViews", new StringDeserializer(), new StringDeserializer(), "page-views")
                    .addProcessor("Counter", () -> new Processor<String, String, String, Long>() {
                        public void process(Record<String, String> r) { }
                    }, "PageViews")
                    .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("page-counts"), Serdes.String(), Serdes.Long()), "Counter")
                    .addSink("Counts", "page-counts-output", new StringSerializer(), new LongSerializer(), "Counter");
            StreamsOut.describe(out, "processor_api_with_store", t.describe().toString());
        }
        {
            Topology t = new Topology();
            t.addSource("src-a", "a").addSource("src-b", "b")
                    .addProcessor("join", () -> new Processor<String, String, String, String>() {
                        public void process(Record<String, String> r) { }
                    }, "src-a", "src-b")
                    .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("store-one"), Serdes.String(), Serdes.String()), "join")
                    .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("store-two"), Serdes.String(), Serdes.String()), "join")
                    .addSink("sink-1", "out-1", "join")
                    .addSink("sink-2", "out-2", "join");
            StreamsOut.describe(out, "processor_api_two_sources_two_stores", t.describe().toString());
        }
    }
}
