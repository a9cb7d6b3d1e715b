// Tests for Topology::describe(): the text equals what Kafka prints for the same program, byte for byte.
// Strings marked [verbatim] are copied from Kafka's own tests (KAFKA_NOTES section 2.4); [derived] ones
// follow Kafka's naming and ordering rules and are checked against Kafka 4.3.1 by the conformance suite.
#include "testing.hpp"

#include <string>

using namespace kstream_sim;

namespace {

std::string describe(StreamsBuilder& builder) { return builder.build().describe().toString(); }

}  // namespace

TEST_CASE("describe: an empty topology", "[streams][describe]") {
    StreamsBuilder builder;
    CHECK(describe(builder) == "Topologies:\n ");
}

TEST_CASE("describe: filter then to [derived]", "[streams][describe]") {
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("input")
        .filter([](const std::string& k, const std::string& v) { return k != v; })
        .to("output");
    CHECK(describe(builder) ==
          "Topologies:\n"
          "   Sub-topology: 0\n"
          "    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n"
          "      --> KSTREAM-FILTER-0000000001\n"
          "    Processor: KSTREAM-FILTER-0000000001 (stores: [])\n"
          "      --> KSTREAM-SINK-0000000002\n"
          "      <-- KSTREAM-SOURCE-0000000000\n"
          "    Sink: KSTREAM-SINK-0000000002 (topic: output)\n"
          "      <-- KSTREAM-FILTER-0000000001\n\n");
}

TEST_CASE("describe: a named processor [verbatim KStreamImplTest]", "[streams][describe]") {
    struct Pass : Processor<std::string, std::string, std::string, std::string> {
        ProcessorContext<std::string, std::string>* ctx = nullptr;
        void init(ProcessorContext<std::string, std::string>& c) override { ctx = &c; }
        void process(const Record<std::string, std::string>& r) override { ctx->forward(r); }
    };
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("input")
        .process([] { return std::make_unique<Pass>(); }, Named::as("p"))
        .to("output");
    CHECK(describe(builder) ==
          "Topologies:\n   Sub-topology: 0\n    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n      --> p\n"
          "    Processor: p (stores: [])\n      --> KSTREAM-SINK-0000000001\n      <-- KSTREAM-SOURCE-0000000000\n"
          "    Sink: KSTREAM-SINK-0000000001 (topic: output)\n      <-- p\n\n");
}

TEST_CASE("describe: groupByKey().count() anonymous [verbatim TopologyTest]", "[streams][describe]") {
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("input-topic").groupByKey().count();
    CHECK(describe(builder) ==
          "Topologies:\n"
          "   Sub-topology: 0\n"
          "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n"
          "      --> KSTREAM-AGGREGATE-0000000002\n"
          "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])\n"
          "      --> none\n"
          "      <-- KSTREAM-SOURCE-0000000000\n\n");
}

TEST_CASE("describe: groupByKey().count(Materialized) named and anonymous [verbatim TopologyTest]", "[streams][describe]") {
    SECTION("a named store consumes no index") {
        StreamsBuilder builder;
        builder.stream<std::string, std::string>("input-topic").groupByKey().count(Materialized::as("count-store"));
        CHECK(describe(builder) ==
              "Topologies:\n"
              "   Sub-topology: 0\n"
              "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n"
              "      --> KSTREAM-AGGREGATE-0000000001\n"
              "    Processor: KSTREAM-AGGREGATE-0000000001 (stores: [count-store])\n"
              "      --> none\n"
              "      <-- KSTREAM-SOURCE-0000000000\n\n");
    }
    SECTION("Materialized without a name burns one extra index, as Kafka does for compatibility") {
        StreamsBuilder builder;
        builder.stream<std::string, std::string>("input-topic").groupByKey().count(Materialized::with(AnySerde(), Serdes::Long()));
        CHECK(describe(builder) ==
              "Topologies:\n"
              "   Sub-topology: 0\n"
              "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n"
              "      --> KSTREAM-AGGREGATE-0000000003\n"
              "    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000002])\n"
              "      --> none\n"
              "      <-- KSTREAM-SOURCE-0000000000\n\n");
    }
}

TEST_CASE("describe: groupByKey().count().toStream().to() [verbatim dsl-topology-naming docs]", "[streams][describe]") {
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("input").groupByKey().count().toStream().to("output");
    CHECK(describe(builder) ==
          "Topologies:\n"
          "   Sub-topology: 0\n"
          "    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n"
          "      --> KSTREAM-AGGREGATE-0000000002\n"
          "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])\n"
          "      --> KTABLE-TOSTREAM-0000000003\n"
          "      <-- KSTREAM-SOURCE-0000000000\n"
          "    Processor: KTABLE-TOSTREAM-0000000003 (stores: [])\n"
          "      --> KSTREAM-SINK-0000000004\n"
          "      <-- KSTREAM-AGGREGATE-0000000002\n"
          "    Sink: KSTREAM-SINK-0000000004 (topic: output)\n"
          "      <-- KTABLE-TOSTREAM-0000000003\n\n");
}

TEST_CASE("describe: stream groupBy().count() creates a repartition topic [derived]", "[streams][describe]") {
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("input")
        .groupBy([](const std::string&, const std::string& v) { return v; })
        .count();
    CHECK(describe(builder) ==
          "Topologies:\n"
          "   Sub-topology: 0\n"
          "    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n"
          "      --> KSTREAM-KEY-SELECT-0000000001\n"
          "    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])\n"
          "      --> KSTREAM-FILTER-0000000005\n"
          "      <-- KSTREAM-SOURCE-0000000000\n"
          "    Processor: KSTREAM-FILTER-0000000005 (stores: [])\n"
          "      --> KSTREAM-SINK-0000000004\n"
          "      <-- KSTREAM-KEY-SELECT-0000000001\n"
          "    Sink: KSTREAM-SINK-0000000004 (topic: KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition)\n"
          "      <-- KSTREAM-FILTER-0000000005\n"
          "\n"
          "  Sub-topology: 1\n"
          "    Source: KSTREAM-SOURCE-0000000006 (topics: [KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition])\n"
          "      --> KSTREAM-AGGREGATE-0000000003\n"
          "    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000002])\n"
          "      --> none\n"
          "      <-- KSTREAM-SOURCE-0000000006\n\n");
}

TEST_CASE("describe: groupBy with a named store names the repartition nodes after it [verbatim SuppressTopologyTest prefix]",
          "[streams][describe]") {
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("input")
        .groupBy([](const std::string& k, const std::string&) { return k; }, Grouped::with(Serdes::String(), Serdes::String()))
        .count(Materialized::as("counts").withCachingDisabled())
        .toStream()
        .to("output");
    CHECK(describe(builder) ==
          "Topologies:\n"
          "   Sub-topology: 0\n"
          "    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n"
          "      --> KSTREAM-KEY-SELECT-0000000001\n"
          "    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])\n"
          "      --> counts-repartition-filter\n"
          "      <-- KSTREAM-SOURCE-0000000000\n"
          "    Processor: counts-repartition-filter (stores: [])\n"
          "      --> counts-repartition-sink\n"
          "      <-- KSTREAM-KEY-SELECT-0000000001\n"
          "    Sink: counts-repartition-sink (topic: counts-repartition)\n"
          "      <-- counts-repartition-filter\n"
          "\n"
          "  Sub-topology: 1\n"
          "    Source: counts-repartition-source (topics: [counts-repartition])\n"
          "      --> KSTREAM-AGGREGATE-0000000002\n"
          "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [counts])\n"
          "      --> KTABLE-TOSTREAM-0000000006\n"
          "      <-- counts-repartition-source\n"
          "    Processor: KTABLE-TOSTREAM-0000000006 (stores: [])\n"
          "      --> KSTREAM-SINK-0000000007\n"
          "      <-- KSTREAM-AGGREGATE-0000000002\n"
          "    Sink: KSTREAM-SINK-0000000007 (topic: output)\n"
          "      <-- KTABLE-TOSTREAM-0000000006\n\n");
}

TEST_CASE("describe: table groupBy().count() [verbatim TopologyTest]", "[streams][describe]") {
    SECTION("anonymous") {
        StreamsBuilder builder;
        builder.table<std::string, std::string>("input-topic")
            .groupBy([](const std::string& k, const std::string& v) { return KeyValue(k, v); })
            .count();
        CHECK(describe(builder) ==
              "Topologies:\n"
              "   Sub-topology: 0\n"
              "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n"
              "      --> KTABLE-SOURCE-0000000002\n"
              "    Processor: KTABLE-SOURCE-0000000002 (stores: [input-topic-STATE-STORE-0000000000])\n"
              "      --> KTABLE-SELECT-0000000003\n"
              "      <-- KSTREAM-SOURCE-0000000001\n"
              "    Processor: KTABLE-SELECT-0000000003 (stores: [])\n"
              "      --> KSTREAM-SINK-0000000005\n"
              "      <-- KTABLE-SOURCE-0000000002\n"
              "    Sink: KSTREAM-SINK-0000000005 (topic: KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition)\n"
              "      <-- KTABLE-SELECT-0000000003\n"
              "\n"
              "  Sub-topology: 1\n"
              "    Source: KSTREAM-SOURCE-0000000006 (topics: [KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition])\n"
              "      --> KTABLE-AGGREGATE-0000000007\n"
              "    Processor: KTABLE-AGGREGATE-0000000007 (stores: [KTABLE-AGGREGATE-STATE-STORE-0000000004])\n"
              "      --> none\n"
              "      <-- KSTREAM-SOURCE-0000000006\n\n");
    }
    SECTION("with a named store") {
        StreamsBuilder builder;
        builder.table<std::string, std::string>("input-topic")
            .groupBy([](const std::string& k, const std::string& v) { return KeyValue(k, v); })
            .count(Materialized::as("count-store"));
        const std::string d = describe(builder);
        CHECK(d.find("    Sink: KSTREAM-SINK-0000000004 (topic: count-store-repartition)\n") != std::string::npos);
        CHECK(d.find("    Source: KSTREAM-SOURCE-0000000005 (topics: [count-store-repartition])\n") != std::string::npos);
        CHECK(d.find("    Processor: KTABLE-AGGREGATE-0000000006 (stores: [count-store])\n") != std::string::npos);
    }
}

TEST_CASE("describe: a table source that nobody materializes has no store [verbatim shape]", "[streams][describe]") {
    StreamsBuilder builder;
    builder.table<std::string, std::string>("input-topic").toStream().to("output");
    CHECK(describe(builder) ==
          "Topologies:\n"
          "   Sub-topology: 0\n"
          "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n"
          "      --> KTABLE-SOURCE-0000000002\n"
          "    Processor: KTABLE-SOURCE-0000000002 (stores: [])\n"
          "      --> KTABLE-TOSTREAM-0000000003\n"
          "      <-- KSTREAM-SOURCE-0000000001\n"
          "    Processor: KTABLE-TOSTREAM-0000000003 (stores: [])\n"
          "      --> KSTREAM-SINK-0000000004\n"
          "      <-- KTABLE-SOURCE-0000000002\n"
          "    Sink: KSTREAM-SINK-0000000004 (topic: output)\n"
          "      <-- KTABLE-TOSTREAM-0000000003\n\n");
}

TEST_CASE("describe: a materialized table source", "[streams][describe]") {
    StreamsBuilder builder;
    builder.table<std::string, std::string>("users", Materialized::as("users-store"));
    CHECK(describe(builder) ==
          "Topologies:\n"
          "   Sub-topology: 0\n"
          "    Source: KSTREAM-SOURCE-0000000000 (topics: [users])\n"
          "      --> KTABLE-SOURCE-0000000001\n"
          "    Processor: KTABLE-SOURCE-0000000001 (stores: [users-store])\n"
          "      --> none\n"
          "      <-- KSTREAM-SOURCE-0000000000\n\n");
}

TEST_CASE("describe: map then toTable repartitions [verbatim KStreamImplTest.shouldSupportKeyChangeKTableFromKStream]",
          "[streams][describe]") {
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("input")
        .map([](const std::string& k, const std::string& v) { return KeyValue<int32_t, std::string>(static_cast<int32_t>(k.size()), v); })
        .toTable(Materialized::with(Serdes::Integer(), AnySerde()))
        .toStream()
        .to("output");
    CHECK(describe(builder) ==
          "Topologies:\n"
          "   Sub-topology: 0\n"
          "    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n"
          "      --> KSTREAM-MAP-0000000001\n"
          "    Processor: KSTREAM-MAP-0000000001 (stores: [])\n"
          "      --> KSTREAM-FILTER-0000000005\n"
          "      <-- KSTREAM-SOURCE-0000000000\n"
          "    Processor: KSTREAM-FILTER-0000000005 (stores: [])\n"
          "      --> KSTREAM-SINK-0000000004\n"
          "      <-- KSTREAM-MAP-0000000001\n"
          "    Sink: KSTREAM-SINK-0000000004 (topic: KSTREAM-TOTABLE-0000000002-repartition)\n"
          "      <-- KSTREAM-FILTER-0000000005\n"
          "\n"
          "  Sub-topology: 1\n"
          "    Source: KSTREAM-SOURCE-0000000006 (topics: [KSTREAM-TOTABLE-0000000002-repartition])\n"
          "      --> KSTREAM-TOTABLE-0000000002\n"
          "    Processor: KSTREAM-TOTABLE-0000000002 (stores: [])\n"
          "      --> KTABLE-TOSTREAM-0000000007\n"
          "      <-- KSTREAM-SOURCE-0000000006\n"
          "    Processor: KTABLE-TOSTREAM-0000000007 (stores: [])\n"
          "      --> KSTREAM-SINK-0000000008\n"
          "      <-- KSTREAM-TOTABLE-0000000002\n"
          "    Sink: KSTREAM-SINK-0000000008 (topic: output)\n"
          "      <-- KTABLE-TOSTREAM-0000000007\n\n");
}

TEST_CASE("describe: a global table is its own block with no blank line [verbatim public output]", "[streams][describe]") {
    SECTION("alone") {
        StreamsBuilder builder;
        builder.globalTable<std::string, std::string>("demo-global-table");
        CHECK(describe(builder) ==
              "Topologies:\n"
              "   Sub-topology: 0 for global store (will not generate tasks)\n"
              "    Source: KSTREAM-SOURCE-0000000001 (topics: [demo-global-table])\n"
              "      --> KTABLE-SOURCE-0000000002\n"
              "    Processor: KTABLE-SOURCE-0000000002 (stores: [demo-global-table-STATE-STORE-0000000000])\n"
              "      --> none\n"
              "      <-- KSTREAM-SOURCE-0000000001\n");
    }
    SECTION("after a stream's sub-topology") {
        StreamsBuilder builder;
        builder.stream<std::string, std::string>("s").to("out");
        builder.globalTable<std::string, std::string>("g");
        CHECK(describe(builder) ==
              "Topologies:\n"
              "   Sub-topology: 0\n"
              "    Source: KSTREAM-SOURCE-0000000000 (topics: [s])\n"
              "      --> KSTREAM-SINK-0000000001\n"
              "    Sink: KSTREAM-SINK-0000000001 (topic: out)\n"
              "      <-- KSTREAM-SOURCE-0000000000\n"
              "\n"
              "  Sub-topology: 1 for global store (will not generate tasks)\n"
              "    Source: KSTREAM-SOURCE-0000000003 (topics: [g])\n"
              "      --> KTABLE-SOURCE-0000000004\n"
              "    Processor: KTABLE-SOURCE-0000000004 (stores: [g-STATE-STORE-0000000002])\n"
              "      --> none\n"
              "      <-- KSTREAM-SOURCE-0000000003\n");
    }
}

TEST_CASE("describe: split into branches names children after the splitter and burns their indices", "[streams][describe]") {
    StreamsBuilder builder;
    auto branches = builder.stream<std::string, int64_t>("numbers")
                        .split(Named::as("sign-"))
                        .branch([](const std::string&, int64_t v) { return v < 0; }, Branched::as("negative"))
                        .defaultBranch(Branched::as("other"));
    branches.at("sign-negative").to("negatives");
    branches.at("sign-other").to("others");
    const std::string d = describe(builder);
    CHECK(d.find("    Processor: sign- (stores: [])\n      --> sign-negative, sign-other\n") != std::string::npos);
    // The named splitter burns index 1 as well (Kafka's NamedInternal.orElseGenerateWithPrefix), the branches 2 and 3.
    CHECK(d.find("    Sink: KSTREAM-SINK-0000000004 (topic: negatives)\n") != std::string::npos);
    CHECK(d.find("    Sink: KSTREAM-SINK-0000000005 (topic: others)\n") != std::string::npos);
}

TEST_CASE("describe: a name given to an operator still burns its index, except for process() [Kafka 4.3.1]",
          "[streams][describe]") {
    // Checked against real Kafka by conformance/ (streams_describe: named_operators, groupBy_grouped_as_count).
    struct Pass : Processor<std::string, std::string, std::string, std::string> {
        void process(const Record<std::string, std::string>&) override {}
    };
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("in", Consumed::as("src"))                          // 0
        .filter([](const std::string&, const std::string&) { return true; }, Named::as("f"))   // 1
        .process([] { return std::make_unique<Pass>(); }, Named::as("p"))                       // no index
        .to("out", Produced::as("sink"));                                                       // 2
    builder.stream<std::string, std::string>("in2")                                             // 3
        .groupBy([](const std::string&, const std::string& v) { return v; }, Grouped::as("by"))  // 4
        .count()                                                      // store 5, aggregate 6, repartition 7-9
        .toStream()                                                                             // 10
        .to("out2");                                                                            // 11
    const std::string d = describe(builder);
    CHECK(d.find("    Source: KSTREAM-SOURCE-0000000003 (topics: [in2])\n") != std::string::npos);
    CHECK(d.find("    Processor: KSTREAM-AGGREGATE-0000000006 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000005])\n") !=
          std::string::npos);
    CHECK(d.find("    Sink: KSTREAM-SINK-0000000011 (topic: out2)\n") != std::string::npos);
}

TEST_CASE("describe: merge lists its predecessors; larger sub-trees print first", "[streams][describe]") {
    StreamsBuilder builder;
    auto a = builder.stream<std::string, std::string>("a");
    auto b = builder.stream<std::string, std::string>("b").mapValues([](const std::string& v) { return v + "!"; });
    a.merge(b).to("merged");
    CHECK(describe(builder) ==
          "Topologies:\n"
          "   Sub-topology: 0\n"
          "    Source: KSTREAM-SOURCE-0000000001 (topics: [b])\n"
          "      --> KSTREAM-MAPVALUES-0000000002\n"
          "    Processor: KSTREAM-MAPVALUES-0000000002 (stores: [])\n"
          "      --> KSTREAM-MERGE-0000000003\n"
          "      <-- KSTREAM-SOURCE-0000000001\n"
          "    Source: KSTREAM-SOURCE-0000000000 (topics: [a])\n"
          "      --> KSTREAM-MERGE-0000000003\n"
          "    Processor: KSTREAM-MERGE-0000000003 (stores: [])\n"
          "      --> KSTREAM-SINK-0000000004\n"
          "      <-- KSTREAM-SOURCE-0000000000, KSTREAM-MAPVALUES-0000000002\n"
          "    Sink: KSTREAM-SINK-0000000004 (topic: merged)\n"
          "      <-- KSTREAM-MERGE-0000000003\n\n");
}

TEST_CASE("describe: store sets print in Java HashSet order", "[streams][describe]") {
    // Kafka prints a processor's stores from a java.util.HashSet; the simulator replays its bucket order.
    struct Noop : Processor<std::string, std::string, std::string, std::string> {
        void process(const Record<std::string, std::string>&) override {}
    };
    Topology t;
    t.addSource("src", "in")
        .addProcessor("proc", [] { return std::make_unique<Noop>(); }, "src")
        .addStateStore(Stores::keyValueStoreBuilder<std::string, std::string>(Stores::inMemoryKeyValueStore("KSTREAM-OUTERTHIS-0000000004-store")), "proc")
        .addStateStore(Stores::keyValueStoreBuilder<std::string, std::string>(Stores::inMemoryKeyValueStore("KSTREAM-OUTERSHARED-0000000004-store")), "proc");
    // The order Kafka's StreamStreamJoin describe shows for these two names (KAFKA_NOTES 2.2).
    CHECK(t.describe().toString().find("(stores: [KSTREAM-OUTERTHIS-0000000004-store, KSTREAM-OUTERSHARED-0000000004-store])") !=
          std::string::npos);
}

TEST_CASE("describe: topology building errors carry Kafka's messages", "[streams][describe]") {
    Topology t;
    t.addSource("source", "topic");
    CHECK_THROWS_WITH(t.addSource("source", "other"), "Invalid topology: Processor source is already added.");
    CHECK_THROWS_WITH(t.addSource("source2", "topic"), "Invalid topology: Topic topic has already been registered by another source.");
    CHECK_THROWS_WITH(t.addSink("sink", "out", "missing"), "Invalid topology: Predecessor processor missing is not added yet.");
    CHECK_THROWS_AS(t.addSink("sink", "out", "missing"), TopologyException);
}

TEST_CASE("describe as Graphviz DOT and as Mermaid", "[streams][describe][present]") {
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("words")
        .groupBy([](const std::string&, const std::string& w) { return w; })
        .count(Materialized::as("counts"))
        .toStream()
        .to("word-counts");
    Topology topology = builder.build();
    const std::string dot = toDot(topology);
    CHECK(dot.rfind("digraph topology {\n", 0) == 0);
    CHECK(dot.find("subgraph \"cluster_0\"") != std::string::npos);
    CHECK(dot.find("subgraph \"cluster_1\"") != std::string::npos);
    CHECK(dot.find("\"topic:words\" -> \"KSTREAM-SOURCE-0000000000\";") != std::string::npos);
    CHECK(dot.find("\"counts-repartition-sink\" -> \"topic:counts-repartition\";") != std::string::npos);
    CHECK(dot.find("\"store:counts\" [shape=cylinder") != std::string::npos);
    const std::string mermaid = toMermaid(topology);
    CHECK(mermaid.rfind("flowchart LR\n", 0) == 0);
    CHECK(mermaid.find("[\"Sub-topology: 1\"]") != std::string::npos);
    CHECK(mermaid.find("[(\"counts\")]") != std::string::npos);
    CHECK(mermaid.find("[/\"word-counts\"/]") != std::string::npos);
    CHECK(toDot(topology) == dot);  // stable
}

TEST_CASE("describe: cogroup with a Named aggregate [verbatim CogroupedKStreamImplTest]", "[streams][describe][cogroup]") {
    using S = std::string;
    StreamsBuilder builder;
    auto one = builder.stream<S, S>("one").groupByKey();
    auto two = builder.stream<S, S>("two").groupByKey();
    auto agg = [](const S&, const S& v, const S& a) { return a + v; };
    one.cogroup(agg).cogroup(two, agg).aggregate([] { return S(); }, Named::as("test"), Materialized::as("store")).toStream().to("output");
    CHECK(describe(builder) ==
          "Topologies:\n"
          "   Sub-topology: 0\n"
          "    Source: KSTREAM-SOURCE-0000000000 (topics: [one])\n"
          "      --> test-cogroup-agg-0\n"
          "    Source: KSTREAM-SOURCE-0000000001 (topics: [two])\n"
          "      --> test-cogroup-agg-1\n"
          "    Processor: test-cogroup-agg-0 (stores: [store])\n"
          "      --> test-cogroup-merge\n"
          "      <-- KSTREAM-SOURCE-0000000000\n"
          "    Processor: test-cogroup-agg-1 (stores: [store])\n"
          "      --> test-cogroup-merge\n"
          "      <-- KSTREAM-SOURCE-0000000001\n"
          "    Processor: test-cogroup-merge (stores: [])\n"
          "      --> KTABLE-TOSTREAM-0000000005\n"
          "      <-- test-cogroup-agg-0, test-cogroup-agg-1\n"
          "    Processor: KTABLE-TOSTREAM-0000000005 (stores: [])\n"
          "      --> KSTREAM-SINK-0000000006\n"
          "      <-- test-cogroup-merge\n"
          "    Sink: KSTREAM-SINK-0000000006 (topic: output)\n"
          "      <-- KTABLE-TOSTREAM-0000000005\n\n");
}

TEST_CASE("describe: anonymous cogroup names its store, aggregates and merge with COGROUPKSTREAM- [derived]", "[streams][describe][cogroup]") {
    using S = std::string;
    StreamsBuilder builder;
    auto one = builder.stream<S, S>("one").groupByKey();
    auto two = builder.stream<S, int64_t>("two").groupByKey();
    one.cogroup([](const S&, const S&, int64_t a) { return a + 1; })
        .cogroup(two, [](const S&, int64_t v, int64_t a) { return a + v; })
        .aggregate([] { return int64_t{0}; });
    const std::string d = describe(builder);
    CHECK(d.find("Processor: COGROUPKSTREAM-AGGREGATE-0000000003 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000002])") != std::string::npos);
    CHECK(d.find("Processor: COGROUPKSTREAM-AGGREGATE-0000000004 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000002])") != std::string::npos);
    CHECK(d.find("Processor: COGROUPKSTREAM-MERGE-0000000005 (stores: [])\n      --> none\n"
                 "      <-- COGROUPKSTREAM-AGGREGATE-0000000003, COGROUPKSTREAM-AGGREGATE-0000000004") != std::string::npos);
}
