// C++ twin of conformance/src/main/java/kstreamsim/conformance/StreamsDescribe.java: Topology::describe() text
// of DSL and Processor API topologies, verbatim between marker lines.
#include <kstream_sim.hpp>

#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace kstream_sim;

namespace {

void describe(const std::string& name, const Topology& topology) {
    std::cout << "=== describe " << name << "\n" << topology.describe().toString() << "\n=== end\n";
}

template <class KIn, class VIn, class KOut, class VOut>
struct Noop : Processor<KIn, VIn, KOut, VOut> {
    void process(const Record<KIn, VIn>&) override {}
};

struct NoopValues : FixedKeyProcessor<std::string, std::string, std::string> {
    void process(const FixedKeyRecord<std::string, std::string>&) override {}
};

}  // namespace

int main() {
    using S = std::string;
    {
        StreamsBuilder b;
        describe("empty", b.build());
    }
    {
        StreamsBuilder b;
        b.stream<S, S>("input").filter([](const S& k, const S& v) { return k != v; }).to("output");
        describe("filter_to", b.build());
    }
    {
        StreamsBuilder b;
        b.stream<S, S>("input-topic").groupByKey().count();
        describe("groupByKey_count_anonymous", b.build());
    }
    {
        StreamsBuilder b;
        b.stream<S, S>("input-topic").groupByKey().count(Materialized::as("count-store"));
        describe("groupByKey_count_named", b.build());
    }
    {
        StreamsBuilder b;
        b.stream<S, S>("input-topic").groupByKey().count(Materialized::with(Serdes::String(), Serdes::Long()));
        describe("groupByKey_count_materialized_with", b.build());
    }
    {
        StreamsBuilder b;
        b.stream<S, S>("input").groupByKey().count().toStream().to("output");
        describe("groupByKey_count_toStream_to", b.build());
    }
    {
        StreamsBuilder b;
        b.stream<S, S>("input").groupBy([](const S&, const S& v) { return v; }).count();
        describe("groupBy_count_anonymous", b.build());
    }
    {
        StreamsBuilder b;
        b.stream<S, S>("input").groupBy([](const S&, const S& v) { return v; }, Grouped::as("by-value")).count().toStream().to("output");
        describe("groupBy_grouped_as_count", b.build());
    }
    {
        StreamsBuilder b;
        b.stream<S, S>("input")
            .groupBy([](const S& k, const S&) { return k; }, Grouped::with(Serdes::String(), Serdes::String()))
            .count(Materialized::as("counts"))
            .toStream()
            .to("output");
        describe("groupBy_count_named_store", b.build());
    }
    {
        StreamsBuilder b;
        b.table<S, S>("input-topic").toStream().to("output");
        describe("table_source_not_materialized", b.build());
    }
    {
        StreamsBuilder b;
        b.table<S, S>("users", Materialized::as("users-store"));
        describe("table_source_materialized", b.build());
    }
    {
        StreamsBuilder b;
        b.table<S, S>("input-topic").groupBy([](const S& k, const S& v) { return KeyValue<S, S>(k, v); }).count();
        describe("table_groupBy_count_anonymous", b.build());
    }
    {
        StreamsBuilder b;
        b.table<S, S>("input-topic")
            .groupBy([](const S& k, const S& v) { return KeyValue<S, S>(v, k); })
            .count(Materialized::as("count-store"))
            .toStream()
            .to("output");
        describe("table_groupBy_count_named", b.build());
    }
    {
        StreamsBuilder b;
        b.stream<S, S>("input")
            .map([](const S& k, const S& v) { return KeyValue<int32_t, S>(static_cast<int32_t>(k.size()), v); })
            .toTable(Materialized::with(Serdes::Integer(), Serdes::String()))
            .toStream()
            .to("output");
        describe("map_toTable", b.build());
    }
    {
        StreamsBuilder b;
        auto a = b.stream<S, S>("a");
        auto c = b.stream<S, S>("b").mapValues([](const S& v) { return v + "!"; });
        a.merge(c).to("merged");
        describe("merge", b.build());
    }
    {
        StreamsBuilder b;
        auto br = b.stream<S, int64_t>("numbers")
                      .split(Named::as("sign-"))
                      .branch([](const S&, int64_t v) { return v < 0; }, Branched::as("negative"))
                      .branch([](const S&, int64_t v) { return v == 0; }, Branched::as("zero"))
                      .defaultBranch(Branched::as("other"));
        br.at("sign-negative").to("negatives");
        br.at("sign-zero").mapValues([](int64_t v) { return v + 1; }).to("zeros");
        br.at("sign-other").to("others");
        describe("split_branch_defaultBranch", b.build());
    }
    {
        StreamsBuilder b;
        b.globalTable<S, S>("demo-global-table");
        describe("globalTable_alone", b.build());
    }
    {
        StreamsBuilder b;
        b.stream<S, S>("s").to("out");
        b.globalTable<S, S>("g", Materialized::as("g-store"));
        describe("globalTable_after_stream", b.build());
    }
    {
        // Named operators: which of them still burn an index (Kafka's NamedInternal.orElseGenerateWithPrefix)
        StreamsBuilder b;
        auto s = b.stream<S, S>("input", Consumed::as("src"))
                     .filter([](const S&, const S&) { return true; }, Named::as("f"))
                     .mapValues([](const S& v) { return v; }, Named::as("mv"))
                     .map([](const S& k, const S& v) { return KeyValue<S, S>(k, v); }, Named::as("m"))
                     .selectKey([](const S& k, const S&) { return k; }, Named::as("sk"))
                     .peek([](const S&, const S&) {}, Named::as("pk"))
                     .flatMapValues([](const S& v) { return std::vector<S>{v}; }, Named::as("fmv"))
                     .process([] { return std::make_unique<Noop<S, S, S, S>>(); }, Named::as("proc"))
                     .processValues([] { return std::make_unique<NoopValues>(); }, Named::as("pv"));
        s.merge(b.stream<S, S>("input2"), Named::as("mrg")).to("out", Produced::as("sink"));
        b.table<S, S>("t", Consumed::as("tsrc"))
            .filter([](const S&, const S&) { return true; }, Named::as("tf"))
            .mapValues([](const S& v) { return v; }, Named::as("tmv"))
            .toStream(Named::as("ts"))
            .to("tout");
        describe("named_operators", b.build());
    }
    {
        StreamsBuilder b;
        b.stream<S, S>("x").repartition(Repartitioned::as("rp")).groupByKey()
            .count(Named::as("cnt"), Materialized::as("cnt-store")).toStream().to("y");
        b.table<S, S>("tt")
            .groupBy([](const S& k, const S& v) { return KeyValue<S, S>(v, k); }, Grouped::as("tg"))
            .count(Named::as("tcnt"))
            .toStream()
            .to("z");
        b.globalTable<S, S>("gt", Consumed::as("gsrc"));
        describe("named_operators_2", b.build());
    }
    {
        StreamsBuilder b;
        auto one = b.stream<S, S>("one").groupByKey();
        auto two = b.stream<S, int64_t>("two").groupBy([](const S& k, int64_t v) { return k + std::to_string(v); });
        one.cogroup([](const S&, const S&, int64_t agg) { return agg + 1; })
            .cogroup(two, [](const S&, int64_t v, int64_t agg) { return agg + v; })
            .aggregate([] { return int64_t{0}; })
            .toStream()
            .to("out");
        describe("cogroup_anonymous_repartition", b.build());
    }
    {
        StreamsBuilder b;
        auto one = b.stream<S, S>("one").groupByKey();
        auto two = b.stream<S, S>("two").groupByKey();
        auto three = b.stream<S, S>("three").selectKey([](const S&, const S& v) { return v; }).groupByKey(Grouped::as("three-by-value"));
        auto concat = [](const S&, const S& v, const S& agg) { return agg + v; };
        one.cogroup(concat)
            .cogroup(two, concat)
            .cogroup(three, concat)
            .aggregate([] { return S(); }, Named::as("co"), Materialized::as("co-store"))
            .toStream()
            .to("out");
        describe("cogroup_three_named", b.build());
    }
    {
        StreamsBuilder b;
        b.stream<S, S>(Pattern::compile("orders-.*")).filter([](const S&, const S&) { return true; }).to("out");
        b.stream<S, S>("plain").to("out2");
        describe("pattern_source", b.build());
    }
    {
        Topology t;
        t.addSource("PageViews", Serdes::String(), Serdes::String(), "page-views")
            .addProcessor("Counter", [] { return std::make_unique<Noop<S, S, S, int64_t>>(); }, "PageViews")
            .addStateStore(Stores::keyValueStoreBuilder<S, int64_t>(Stores::inMemoryKeyValueStore("page-counts")), "Counter")
            .addSink("Counts", "page-counts-output", Serdes::String(), Serdes::Long(), "Counter");
        describe("processor_api_with_store", t);
    }
    {
        Topology t;
        t.addSource("src-a", "a")
            .addSource("src-b", "b")
            .addProcessor("join", [] { return std::make_unique<Noop<S, S, S, S>>(); }, "src-a", "src-b")
            .addStateStore(Stores::keyValueStoreBuilder<S, S>(Stores::inMemoryKeyValueStore("store-one")), "join")
            .addStateStore(Stores::keyValueStoreBuilder<S, S>(Stores::inMemoryKeyValueStore("store-two")), "join")
            .addSink("sink-1", "out-1", "join")
            .addSink("sink-2", "out-2", "join");
        describe("processor_api_two_sources_two_stores", t);
    }
}
