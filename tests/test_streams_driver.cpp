// Tests for TopologyTestDriver and the Processor API: punctuation on stream time and wall-clock time,
// state stores from processors, headers and record metadata, caching, input/output topic helpers, and
// kstream_sim's multi-partition extension.
#include "testing.hpp"

#include <map>
#include <string>
#include <vector>

using namespace kstream_sim;
using namespace std::chrono_literals;

namespace {

// Counts per key in a store and, on each punctuation, forwards every count with the punctuation time.
class CountingProcessor : public Processor<std::string, std::string, std::string, int64_t> {
public:
    CountingProcessor(PunctuationType type, std::vector<int64_t>* punctuations) : type_(type), punctuations_(punctuations) {}
    void init(ProcessorContext<std::string, int64_t>& context) override {
        context_ = &context;
        store_ = context.getStateStore<KeyValueStore<std::string, int64_t>>("counts");
        context.schedule(10s, type_, [this](int64_t timestamp) {
            punctuations_->push_back(timestamp);
            for (const auto& kv : store_.all()) context_->forward(Record<std::string, int64_t>(kv.key, kv.value, timestamp));
        });
    }
    void process(const Record<std::string, std::string>& record) override {
        store_.put(record.key(), store_.get(record.key()).value_or(0) + 1);
    }

private:
    PunctuationType type_;
    std::vector<int64_t>* punctuations_;
    ProcessorContext<std::string, int64_t>* context_ = nullptr;
    KeyValueStore<std::string, int64_t> store_;
};

Topology countingTopology(PunctuationType type, std::vector<int64_t>* punctuations) {
    Topology t;
    t.addSource("Source", Serdes::String(), Serdes::String(), "input")
        .addProcessor("Counter", [type, punctuations] { return std::make_unique<CountingProcessor>(type, punctuations); }, "Source")
        .addStateStore(Stores::keyValueStoreBuilder<std::string, int64_t>(Stores::inMemoryKeyValueStore("counts")), "Counter")
        .addSink("Sink", "output", Serdes::String(), Serdes::Long(), "Counter");
    return t;
}

}  // namespace

TEST_CASE("punctuation on STREAM_TIME fires as records advance stream time, aligned to 0", "[streams][driver]") {
    std::vector<int64_t> punctuations;
    TopologyTestDriver driver(countingTopology(PunctuationType::STREAM_TIME, &punctuations));
    auto in = driver.createInputTopic<std::string, std::string>("input");
    auto out = driver.createOutputTopic<std::string, int64_t>("output");
    in.pipeInput("a", "x", 0ms);  // first record: stream time 0 >= schedule time 0, fires (after processing)
    CHECK(punctuations == std::vector<int64_t>{0});
    CHECK(out.readKeyValuesToList() == std::vector<KeyValue<std::string, int64_t>>{{"a", 1}});
    in.pipeInput("a", "x", 9s);  // next at 10 s: not yet
    CHECK(punctuations.size() == 1);
    in.pipeInput("b", "x", 25s);  // fires once with stream time 25 s; the missed 20 s slot is skipped
    CHECK(punctuations == std::vector<int64_t>{0, 25000});
    in.pipeInput("b", "x", 29s);  // next slot is 30 s
    CHECK(punctuations.size() == 2);
    in.pipeInput("b", "x", 5s);  // out of order: stream time stays 29 s
    CHECK(punctuations.size() == 2);
    in.pipeInput("b", "x", 30s);
    CHECK(punctuations == std::vector<int64_t>{0, 25000, 30000});
    auto records = out.readRecordsToList();
    REQUIRE(records.size() == 4);
    CHECK(records.back().timestamp() == 30000);
    CHECK(records.back().key() == "b");
    CHECK(records.back().value() == 4);
    // Wall-clock time does not drive stream-time punctuations.
    driver.advanceWallClockTime(1h);
    CHECK(punctuations.size() == 3);
}

TEST_CASE("punctuation on WALL_CLOCK_TIME fires only when the driver's clock advances", "[streams][driver]") {
    std::vector<int64_t> punctuations;
    TopologyTestDriver driver(countingTopology(PunctuationType::WALL_CLOCK_TIME, &punctuations), {}, 1000);
    auto in = driver.createInputTopic<std::string, std::string>("input");
    auto out = driver.createOutputTopic<std::string, int64_t>("output");
    in.pipeInput("a", "x", 100s);
    CHECK(punctuations.empty());
    driver.advanceWallClockTime(9s);  // now 10 s: the first punctuation is due at 1 s + 10 s = 11 s
    CHECK(punctuations.empty());
    driver.advanceWallClockTime(1s);
    CHECK(punctuations == std::vector<int64_t>{11000});
    CHECK(out.readKeyValue() == KeyValue<std::string, int64_t>("a", 1));
    driver.advanceWallClockTime(35s);  // now 46 s: fires once, next at 51 s
    CHECK(punctuations == std::vector<int64_t>{11000, 46000});
    driver.advanceWallClockTime(5s);
    CHECK(punctuations == std::vector<int64_t>{11000, 46000, 51000});
}

TEST_CASE("a cancelled punctuation stops", "[streams][driver]") {
    struct Once : Processor<std::string, std::string, std::string, std::string> {
        int* count;
        explicit Once(int* c) : count(c) {}
        void init(ProcessorContext<std::string, std::string>& ctx) override {
            auto handle = std::make_shared<Cancellable>();
            *handle = ctx.schedule(1s, PunctuationType::WALL_CLOCK_TIME, [this, handle](int64_t) {
                ++*count;
                handle->cancel();
            });
        }
        void process(const Record<std::string, std::string>&) override {}
    };
    int count = 0;
    Topology t;
    t.addSource("s", Serdes::String(), Serdes::String(), "in").addProcessor("p", [&count] { return std::make_unique<Once>(&count); }, "s");
    TopologyTestDriver driver(t);
    driver.advanceWallClockTime(5s);
    driver.advanceWallClockTime(5s);
    CHECK(count == 1);
}

TEST_CASE("Processor API: headers, record metadata and forwarding to a named child", "[streams][driver]") {
    struct Router : Processor<std::string, std::string, std::string, std::string> {
        ProcessorContext<std::string, std::string>* ctx = nullptr;
        void init(ProcessorContext<std::string, std::string>& c) override { ctx = &c; }
        void process(const Record<std::string, std::string>& r) override {
            auto md = ctx->recordMetadata();
            Record<std::string, std::string> out = r.withValue(r.value() + "@" + md->topic() + "/" + std::to_string(md->partition()) +
                                                               "/" + std::to_string(md->offset()));
            out.headers().add("seen-by", "router");
            ctx->forward(out, r.key() == "x" ? "to-x" : "to-other");
        }
    };
    Topology t;
    t.addSource("src", Serdes::String(), Serdes::String(), "in")
        .addProcessor("router", [] { return std::make_unique<Router>(); }, "src")
        .addSink("to-x", "x-out", Serdes::String(), Serdes::String(), "router")
        .addSink("to-other", "other-out", Serdes::String(), Serdes::String(), "router");
    TopologyTestDriver driver(t);
    auto in = driver.createInputTopic<std::string, std::string>("in");
    in.pipeInput("x", "1", 1ms, Headers{{"trace", "t1"}});
    in.pipeInput("y", "2", 2ms);
    auto x = driver.createOutputTopic<std::string, std::string>("x-out").readRecord();
    CHECK(x.value() == "1@in/0/0");
    REQUIRE(x.headers().lastHeader("trace"));
    CHECK(x.headers().lastHeader("trace")->valueString() == "t1");
    CHECK(x.headers().lastHeader("seen-by")->valueString() == "router");
    CHECK(driver.createOutputTopic<std::string, std::string>("other-out").readValue() == "2@in/0/1");
}

TEST_CASE("Processor API: a store not connected to the processor is refused with Kafka's message", "[streams][driver]") {
    struct Greedy : Processor<std::string, std::string, std::string, std::string> {
        void init(ProcessorContext<std::string, std::string>& c) override { c.getStateStore<KeyValueStore<std::string, std::string>>("other"); }
        void process(const Record<std::string, std::string>&) override {}
    };
    struct Noop : Processor<std::string, std::string, std::string, std::string> {
        void process(const Record<std::string, std::string>&) override {}
    };
    Topology t;
    t.addSource("src", Serdes::String(), Serdes::String(), "in")
        .addProcessor("greedy", [] { return std::make_unique<Greedy>(); }, "src")
        .addProcessor("owner", [] { return std::make_unique<Noop>(); }, "src")
        .addStateStore(Stores::keyValueStoreBuilder<std::string, std::string>(Stores::inMemoryKeyValueStore("other")), "owner");
    std::string message;
    try {
        TopologyTestDriver driver(t);
    } catch (const StreamsException& e) {
        message = e.what();
    }
    CHECK(message.rfind("Processor greedy has no access to StateStore other as the store is not connected to the processor.", 0) == 0);
}

TEST_CASE("Processor API: process() and processValues() in the DSL, with a store", "[streams][driver]") {
    struct Dedup : Processor<std::string, std::string, std::string, std::string> {
        ProcessorContext<std::string, std::string>* ctx = nullptr;
        KeyValueStore<std::string, std::string> seen;
        void init(ProcessorContext<std::string, std::string>& c) override {
            ctx = &c;
            seen = c.getStateStore<KeyValueStore<std::string, std::string>>("seen");
        }
        void process(const Record<std::string, std::string>& r) override {
            if (seen.get(r.value())) return;
            seen.put(r.value(), r.key());
            ctx->forward(r);
        }
    };
    struct Upper : FixedKeyProcessor<std::string, std::string, std::string> {
        FixedKeyProcessorContext<std::string, std::string>* ctx = nullptr;
        void init(FixedKeyProcessorContext<std::string, std::string>& c) override { ctx = &c; }
        void process(const FixedKeyRecord<std::string, std::string>& r) override {
            std::string v = r.value();
            for (auto& ch : v) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            ctx->forward(r.withValue(v));
        }
    };
    StreamsBuilder builder;
    builder.addStateStore(Stores::keyValueStoreBuilder<std::string, std::string>(Stores::inMemoryKeyValueStore("seen")));
    builder.stream<std::string, std::string>("in")
        .process([] { return std::make_unique<Dedup>(); }, "seen")
        .processValues([] { return std::make_unique<Upper>(); })
        .to("out");
    TopologyTestDriver driver(builder.build());
    auto in = driver.createInputTopic<std::string, std::string>("in");
    in.pipeInput("1", "a");
    in.pipeInput("2", "a");
    in.pipeInput("3", "b");
    CHECK(driver.createOutputTopic<std::string, std::string>("out").readKeyValuesToList() ==
          std::vector<KeyValue<std::string, std::string>>{{"1", "A"}, {"3", "B"}});
    CHECK(driver.getKeyValueStore<std::string, std::string>("seen").get("a") == "1");
}

TEST_CASE("caching: a tombstone for a key the table never had is dropped by the cache, forwarded without it", "[streams][driver]") {
    auto run = [](bool caching) {
        StreamsBuilder builder;
        Materialized m = Materialized::as("t");
        builder.table<std::string, std::optional<std::string>>("in", caching ? m : m.withCachingDisabled()).toStream().to("out");
        TopologyTestDriver driver(builder.build());
        auto in = driver.createInputTopic<std::string, std::optional<std::string>>("in");
        in.pipeInput("ghost", std::nullopt);
        in.pipeInput("k", "v");
        return driver.createOutputTopic<std::string, std::optional<std::string>>("out").readKeyValuesToList();
    };
    using Out = std::vector<KeyValue<std::string, std::optional<std::string>>>;
    CHECK(run(true) == Out{{"k", "v"}});
    CHECK(run(false) == Out{{"ghost", std::nullopt}, {"k", "v"}});
}

TEST_CASE("caching: several writes to one key while processing one record forward once, at commit", "[streams][driver]") {
    // A stream-aggregation fed by flatMapValues: one input record updates the same key three times.
    auto run = [](bool caching) {
        StreamsBuilder builder;
        Materialized m = Materialized::as("sum");
        builder.stream<std::string, int64_t>("in")
            .flatMapValues([](int64_t v) { return std::vector<int64_t>{v, v, v}; })
            .groupByKey()
            .reduce([](int64_t a, int64_t b) { return a + b; }, caching ? m : m.withCachingDisabled())
            .toStream()
            .to("out");
        TopologyTestDriver driver(builder.build());
        driver.createInputTopic<std::string, int64_t>("in").pipeInput("k", 1);
        return driver.createOutputTopic<std::string, int64_t>("out").readValuesToList();
    };
    CHECK(run(true) == std::vector<int64_t>{3});
    CHECK(run(false) == std::vector<int64_t>{1, 2, 3});
}

TEST_CASE("input topics: auto-advancing time, record lists, and unknown topics", "[streams][driver]") {
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("in").to("out");
    TopologyTestDriver driver(builder.build());
    auto in = driver.createInputTopic<std::string, std::string>("in", Serdes::String(), Serdes::String(), 100ms, 10ms);
    in.pipeInput("a", "1");
    in.pipeInput("b", "2");
    in.advanceTime(1s);
    in.pipeKeyValueList({{"c", "3"}});
    in.pipeRecordList({TestRecord<std::string, std::string>("d", "4", 7ms)});
    auto out = driver.createOutputTopic<std::string, std::string>("out");
    CHECK(out.getQueueSize() == 4);
    std::vector<int64_t> times;
    for (const auto& r : out.readRecordsToList()) times.push_back(*r.timestamp());
    CHECK(times == std::vector<int64_t>{100, 110, 1120, 7});
    CHECK_THROWS_AS(out.readRecord(), NoSuchElementException);
    auto unknown = driver.createInputTopic<std::string, std::string>("nope");
    CHECK_THROWS_AS(unknown.pipeInput("k", "v"), IllegalArgumentException);
}

TEST_CASE("config: default serdes serve Processor API sources and sinks; unknown keys are rejected", "[streams][driver]") {
    Topology t;
    t.addSource("src", "in").addSink("sink", "out", "src");
    SECTION("without default serdes the driver says how to set them") {
        CHECK_THROWS_AS(TopologyTestDriver(t), ConfigException);
    }
    SECTION("with Serdes$StringSerde") {
        Properties props{{"default.key.serde", "org.apache.kafka.common.serialization.Serdes$StringSerde"},
                         {"default.value.serde", "org.apache.kafka.common.serialization.Serdes$StringSerde"}};
        TopologyTestDriver driver(t, props);
        driver.createInputTopic<std::string, std::string>("in").pipeInput("k", "v");
        CHECK(driver.createOutputTopic<std::string, std::string>("out").readValue() == "v");
    }
    SECTION("a misspelt key names the right one") {
        std::string message;
        try {
            TopologyTestDriver driver(t, Properties{{"statestore.cache.max.byte", 0}});
        } catch (const ConfigException& e) {
            message = e.what();
        }
        CHECK(message.find("mean 'statestore.cache.max.bytes'") != std::string::npos);
    }
}

TEST_CASE("multi-partition: records reach the partition of murmur2(key); each partition has its own task", "[streams][driver]") {
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("orders")
        .groupBy([](const std::string&, const std::string& item) { return item; })
        .count(Materialized::as("per-item"))
        .toStream()
        .to("item-counts");
    TopologyTestDriver driver(builder.build(), Properties{{"application.id", "shop"}},
                              TopicPartitionCounts{{"orders", 4}, {"item-counts", 4}});
    auto in = driver.createInputTopic<std::string, std::string>("orders");
    const std::vector<std::string> items{"book", "pen", "lamp", "book", "pen", "book"};
    for (size_t i = 0; i < items.size(); ++i) in.pipeInput("customer-" + std::to_string(i), items[i], static_cast<int64_t>(i));
    auto out = driver.createOutputTopic<std::string, int64_t>("item-counts").readRecordsToList();
    std::map<std::string, int64_t> latest;
    for (const auto& r : out) {
        latest[r.key()] = r.value();
        Bytes key(r.key().begin(), r.key().end());
        CHECK(r.partition() == toPositive(murmur2(key.data(), key.size())) % 4);
    }
    CHECK(latest == std::map<std::string, int64_t>{{"book", 3}, {"lamp", 1}, {"pen", 2}});
    // The store view spans the per-partition stores.
    auto store = driver.getKeyValueStore<std::string, int64_t>("per-item");
    CHECK(store.get("book") == 3);
    CHECK(store.all().toList().size() == 3);
}

TEST_CASE("caching: a flushed tombstone and its changelog record keep the tombstone's own timestamp", "[streams][driver]") {
    StreamsBuilder builder;
    builder.table<std::string, std::optional<std::string>>("in", Materialized::as("t")).toStream().to("out");
    TopologyTestDriver driver(builder.build(), Properties{{"application.id", "app"}});
    auto in = driver.createInputTopic<std::string, std::optional<std::string>>("in");
    in.pipeInput("a", "1", 1ms);
    in.pipeInput("b", "2", 2ms);
    in.pipeInput("b", std::nullopt, 4ms);
    auto out = driver.createOutputTopic<std::string, std::optional<std::string>>("out").readRecordsToList();
    REQUIRE(out.size() == 3);
    CHECK(out[2].timestamp() == 4);
    CHECK_FALSE(out[2].value().has_value());
    auto changelog = driver.createOutputTopic<std::string, std::optional<std::string>>("app-t-changelog").readRecordsToList();
    REQUIRE(changelog.size() == 3);
    CHECK(changelog[2].timestamp() == 4);
}

namespace {
int32_t defaultPartition(const std::string& key, int32_t partitions) {
    return toPositive(murmur2(reinterpret_cast<const uint8_t*>(key.data()), key.size())) % partitions;
}
}  // namespace

TEST_CASE("partitions: a repartition topic gets the largest partition count of its writers' source topics", "[streams][driver][partitions]") {
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("words")
        .groupBy([](const std::string&, const std::string& w) { return w; })
        .count(Materialized::as("counts"))
        .toStream()
        .groupBy([](const std::string&, int64_t n) { return std::to_string(n); })
        .count(Materialized::as("count-of-counts"));
    TopologyTestDriver driver(builder.build(), Properties{{"application.id", "app"}}, TopicPartitionCounts{{"words", 3}});
    auto in = driver.createInputTopic<std::string, std::string>("words");
    for (const char* w : {"a", "b", "a", "c", "a"}) in.pipeInput(w, w);
    // counts-repartition: written by the sub-topology reading "words" (3); count-of-counts-repartition: written
    // by the one reading counts-repartition (3 again, found on the second pass).
    for (const auto& r : driver.createOutputTopic<std::string, std::string>("app-counts-repartition").readRecordsToList())
        CHECK(r.partition() == defaultPartition(r.key(), 3));
    for (const auto& r : driver.createOutputTopic<std::string, int64_t>("app-count-of-counts-repartition").readRecordsToList())
        CHECK(r.partition() == defaultPartition(r.key(), 3));
    CHECK(driver.getKeyValueStore<std::string, int64_t>("count-of-counts").get("1") == 3);  // a, b and c each reached 1
}

TEST_CASE("partitions: Repartitioned::withNumberOfPartitions fixes the repartition topic's count", "[streams][driver][partitions]") {
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("in")
        .repartition(Repartitioned::as("spread").withNumberOfPartitions(5))
        .groupByKey()
        .count(Materialized::as("c"));
    TopologyTestDriver driver(builder.build(), Properties{{"application.id", "app"}}, TopicPartitionCounts{{"in", 2}});
    auto in = driver.createInputTopic<std::string, std::string>("in");
    for (int i = 0; i < 20; ++i) in.pipeInput("k" + std::to_string(i), "v");
    std::set<int32_t> seen;
    for (const auto& r : driver.createOutputTopic<std::string, std::string>("app-spread-repartition").readRecordsToList()) {
        CHECK(r.partition() == defaultPartition(r.key(), 5));
        seen.insert(r.partition());
    }
    CHECK(seen.size() == 5);
    // The counting sub-topology runs five tasks: its changelog has five partitions.
    std::set<int32_t> changelog;
    for (const auto& r : driver.createOutputTopic<std::string, int64_t>("app-c-changelog").readRecordsToList()) changelog.insert(r.partition());
    CHECK(changelog == seen);
}

TEST_CASE("partitions: a partition count below one is rejected", "[streams][dsl][partitions]") {
    StreamsBuilder builder;
    auto s = builder.stream<std::string, std::string>("in");
    CHECK_THROWS_WITH(s.repartition(Repartitioned::numberOfPartitions(0)), Catch::Matchers::Contains("Number of partitions must be at least 1."));
}

TEST_CASE("co-partitioning: cogrouped source topics must have the same partition count, as Kafka checks at start", "[streams][driver][partitions]") {
    using S = std::string;
    auto build = [] {
        StreamsBuilder builder;
        auto a = builder.stream<S, S>("a").groupByKey();
        auto b = builder.stream<S, S>("b").groupBy([](const S&, const S& v) { return v; });  // repartitioned, still grouped with "b"
        a.cogroup([](const S&, const S& v, const S& agg) { return agg + v; })
            .cogroup(b, [](const S&, const S& v, const S& agg) { return agg + v; })
            .aggregate([] { return S(); });
        return builder.build();
    };
    CHECK_THROWS_AS(TopologyTestDriver(build(), Properties(), TopicPartitionCounts{{"a", 2}, {"b", 3}}), TopologyException);
    CHECK_THROWS_WITH(TopologyTestDriver(build(), Properties(), TopicPartitionCounts{{"a", 2}, {"b", 3}}),
                      "Invalid topology: Topics not co-partitioned: [{a=2, b=3}]");
    CHECK_NOTHROW(TopologyTestDriver(build(), Properties(), TopicPartitionCounts{{"a", 3}, {"b", 3}}));
    StreamsBuilder builder;
    auto a = builder.stream<S, S>("a").groupByKey();
    a.cogroup([](const S&, const S& v, const S& agg) { return agg + v; }).aggregate([] { return S(); });
    CHECK(builder.build().internalBuilder()->copartitionGroups() == std::vector<std::set<S>>{{"a"}});
}

TEST_CASE("co-partitioning: fixed counts of cogrouped repartition topics must agree, checked by build()", "[streams][dsl][partitions]") {
    using S = std::string;
    StreamsBuilder builder;
    auto x = builder.stream<S, S>("x").repartition(Repartitioned::as("x").withNumberOfPartitions(2)).groupByKey();
    auto y = builder.stream<S, S>("y").repartition(Repartitioned::as("y").withNumberOfPartitions(3)).groupByKey();
    x.cogroup([](const S&, const S& v, const S& agg) { return agg + v; })
        .cogroup(y, [](const S&, const S& v, const S& agg) { return agg + v; })
        .aggregate([] { return S(); });
    CHECK_THROWS_WITH(builder.build(), "Invalid topology: Following topics do not have the same number of partitions: [{x-repartition=2, y-repartition=3}]");
}

TEST_CASE("state stores: thousands of keys written, deleted and written again read back exactly, all() in key order",
          "[streams][driver]") {
    for (bool caching : {true, false}) {
        StreamsBuilder builder;
        Materialized m = Materialized::as("kv");
        builder.table<std::string, std::optional<std::string>>("t", caching ? m : m.withCachingDisabled());
        TopologyTestDriver driver(builder.build());
        auto in = driver.createInputTopic<std::string, std::optional<std::string>>("t");
        auto key = [](int i) { return "k" + std::to_string(i); };
        std::map<std::string, std::string> expected;
        for (int i = 0; i < 3000; ++i) {  // every key once, in scattered order
            in.pipeInput(key(i * 7 % 3000), std::optional<std::string>("v" + std::to_string(i)));
            expected[key(i * 7 % 3000)] = "v" + std::to_string(i);
        }
        for (int k = 0; k < 3000; k += 3) {
            in.pipeInput(key(k), std::nullopt);
            expected.erase(key(k));
        }
        for (int k = 0; k < 3000; k += 6) {
            in.pipeInput(key(k), std::optional<std::string>("again"));
            expected[key(k)] = "again";
        }
        for (int k = 1; k < 3000; k += 5) {
            in.pipeInput(key(k), std::optional<std::string>("over"));
            expected[key(k)] = "over";
        }
        auto store = driver.getKeyValueStore<std::string, std::string>("kv");
        std::vector<std::string> order;
        std::map<std::string, std::string> seen;
        for (const auto& kv : store.all()) {
            order.push_back(kv.key);
            seen[kv.key] = kv.value;
        }
        CHECK(seen == expected);
        CHECK(std::is_sorted(order.begin(), order.end()));
        CHECK(store.approximateNumEntries() == static_cast<int64_t>(expected.size()));
        for (int k = 0; k < 3000; ++k) {
            auto it = expected.find(key(k));
            CHECK(store.get(key(k)) == (it == expected.end() ? std::nullopt : std::optional<std::string>(it->second)));
        }
    }
}

TEST_CASE("caching: a full cache evicts the least recently used entry first (a read is a use), writing it through",
          "[streams][driver]") {
    // Lower-case letters count into a cached store, an upper-case letter only reads its lower-case key. What is
    // written through (evicted, or flushed at commit oldest write first) shows in the changelog.
    struct Counter : Processor<std::string, std::string, std::string, std::string> {
        KeyValueStore<std::string, int64_t> counts;
        void init(ProcessorContext<std::string, std::string>& c) override {
            counts = c.getStateStore<KeyValueStore<std::string, int64_t>>("counts");
        }
        void process(const Record<std::string, std::string>& r) override {
            for (char c : r.value()) {
                if (c >= 'A' && c <= 'Z') {
                    (void)counts.get(std::string(1, static_cast<char>(c - 'A' + 'a')));
                    continue;
                }
                counts.put(std::string(1, c), counts.get(std::string(1, c)).value_or(0) + 1);
            }
        }
    };
    auto changelog = [&](const char* cache_bytes) {
        StreamsBuilder builder;
        builder.addStateStore(
            Stores::keyValueStoreBuilder<std::string, int64_t>(Stores::inMemoryKeyValueStore("counts")).withCachingEnabled());
        builder.stream<std::string, std::string>("in").process([] { return std::make_unique<Counter>(); }, "counts");
        TopologyTestDriver driver(builder.build(), Properties{{"application.id", "evict"}, {"statestore.cache.max.bytes", cache_bytes}});
        auto in = driver.createInputTopic<std::string, std::string>("in");
        in.pipeInput("x", "abcAdeBfaAg");
        in.pipeInput("y", "gfedcbaGAab");
        std::string out;
        for (const auto& kv : driver.createOutputTopic<std::string, int64_t>("evict-counts-changelog").readKeyValuesToList())
            out += (out.empty() ? "" : " ") + kv.key + "=" + std::to_string(kv.value);
        return out;
    };
    // Room for about one entry: every write but the last evicts the one before.
    CHECK(changelog("60") == "a=1 b=1 c=1 d=1 e=1 f=1 a=2 g=1 g=2 f=2 e=2 d=2 c=2 b=2 a=4 b=3");
    // Room for about three: the read of a ("A") makes b and c older than a, so they go first.
    CHECK(changelog("180") == "b=1 c=1 a=1 d=1 e=1 f=1 a=2 g=1 g=2 f=2 e=2 d=2 c=2 a=4 b=3");
    // Room for all: only the commits write through, one record per key, oldest write first.
    CHECK(changelog("100000") == "b=1 c=1 d=1 e=1 f=1 a=2 g=1 g=2 f=2 e=2 d=2 c=2 a=4 b=3");
}

TEST_CASE("caching: many updates of a few keys, with a cache that holds them all or almost none, count exactly",
          "[streams][driver]") {
    // Thousands of uses of three keys: the cache's records of uses and writes are dropped and compacted many times
    // over, and with a budget of about one entry every write evicts (and writes through) another key.
    for (const char* cache_bytes : {"10485760", "60"}) {
        StreamsBuilder builder;
        builder.stream<std::string, std::string>("in").groupByKey().count(Materialized::as("counts")).toStream().to("out");
        TopologyTestDriver driver(builder.build(), Properties{{"application.id", "many"}, {"statestore.cache.max.bytes", cache_bytes}});
        auto in = driver.createInputTopic<std::string, std::string>("in");
        auto out = driver.createOutputTopic<std::string, int64_t>("out");
        std::map<std::string, int64_t> expected;
        std::vector<KeyValue<std::string, int64_t>> expected_out;
        for (int i = 0; i < 3000; ++i) {
            const std::string key(1, static_cast<char>('a' + (i * 7 + i / 5) % 3));
            in.pipeInput(key, "v", int64_t{i});
            expected_out.emplace_back(key, ++expected[key]);
        }
        INFO("statestore.cache.max.bytes=" << cache_bytes);
        CHECK(out.readKeyValuesToList() == expected_out);  // the driver commits after every record
        auto store = driver.getKeyValueStore<std::string, int64_t>("counts");
        for (const auto& [key, count] : expected) CHECK(store.get(key) == count);
        CHECK(store.approximateNumEntries() == 3);
    }
}

TEST_CASE("caching: a Processor API store writes every flushed entry through, a delete of an absent key too "
          "(Kafka's putAndMaybeForward without a flush listener)",
          "[streams][driver]") {
    struct Writer : Processor<std::string, std::string, std::string, std::string> {
        KeyValueStore<std::string, std::string> kv;
        void init(ProcessorContext<std::string, std::string>& c) override {
            kv = c.getStateStore<KeyValueStore<std::string, std::string>>("kv");
        }
        void process(const Record<std::string, std::string>& r) override {
            if (r.value() == "delete") (void)kv.delete_(r.key());
            else kv.put(r.key(), r.value());
        }
    };
    StreamsBuilder builder;
    builder.addStateStore(Stores::keyValueStoreBuilder<std::string, std::string>(Stores::inMemoryKeyValueStore("kv")).withCachingEnabled());
    builder.stream<std::string, std::string>("in").process([] { return std::make_unique<Writer>(); }, "kv");
    TopologyTestDriver driver(builder.build(), Properties{{"application.id", "papi"}});
    auto in = driver.createInputTopic<std::string, std::string>("in");
    in.pipeInput("never-written", "delete");
    in.pipeInput("a", "1");
    in.pipeInput("a", "delete");
    auto changelog = driver.createOutputTopic<std::string, std::optional<std::string>>("papi-kv-changelog").readKeyValuesToList();
    CHECK(changelog == std::vector<KeyValue<std::string, std::optional<std::string>>>{
                           {"never-written", std::nullopt}, {"a", "1"}, {"a", std::nullopt}});
    CHECK(driver.getKeyValueStore<std::string, std::string>("kv").get("a") == std::nullopt);
}

TEST_CASE("TestOutputTopic: values larger than the queue's 64 KB blocks and records with headers come out intact",
          "[streams][driver]") {
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("in").to("out");
    TopologyTestDriver driver(builder.build());
    auto in = driver.createInputTopic<std::string, std::string>("in");
    auto out = driver.createOutputTopic<std::string, std::string>("out");
    const std::string big(200 * 1024, 'b');
    in.pipeInput("small", "s1", 1ms);
    in.pipeInput("big", big, 2ms, Headers{{"size", "200k"}});
    in.pipeInput("small", "s2", 3ms, Headers{{"n", "2"}});
    auto first = out.readRecord();
    CHECK(first.value() == "s1");
    CHECK(first.headers().toArray().empty());
    in.pipeInput("big", big + "!", 4ms);  // written while the queue still holds the first big value
    auto second = out.readRecord();
    CHECK(second.value() == big);
    REQUIRE(second.headers().lastHeader("size") != nullptr);
    CHECK(second.headers().lastHeader("size")->value() == Bytes{'2', '0', '0', 'k'});
    auto rest = out.readRecordsToList();
    REQUIRE(rest.size() == 2);
    CHECK(rest[0].value() == "s2");
    REQUIRE(rest[0].headers().lastHeader("n") != nullptr);
    CHECK(rest[1].value() == big + "!");
    CHECK(rest[1].timestamp() == 4);
    in.pipeInput("after", "a", 5ms);  // the emptied queue is written from its start again
    CHECK(out.readValue() == "a");
    CHECK(out.isEmpty());
}

TEST_CASE("TestOutputTopic: records read one at a time while more are written come out in order, nulls included",
          "[streams][driver]") {
    StreamsBuilder builder;
    builder.stream<std::string, std::optional<std::string>>("in").to("out");
    TopologyTestDriver driver(builder.build());
    auto in = driver.createInputTopic<std::string, std::optional<std::string>>("in");
    auto out = driver.createOutputTopic<std::string, std::optional<std::string>>("out");
    auto value = [](int i) {
        return i % 7 == 0 ? std::nullopt : std::optional<std::string>(std::string(static_cast<size_t>(i % 13), 'x') + std::to_string(i));
    };
    std::vector<TestRecord<std::string, std::optional<std::string>>> read;
    for (int i = 0; i < 5000; ++i) {
        in.pipeInput("k" + std::to_string(i), value(i), int64_t{i});
        if (i % 2 == 1) read.push_back(out.readRecord());
    }
    CHECK(out.getQueueSize() == 2500);
    for (auto& r : out.readRecordsToList()) read.push_back(std::move(r));
    REQUIRE(read.size() == 5000);
    for (int i = 0; i < 5000; ++i) {
        CHECK(read[static_cast<size_t>(i)].key() == "k" + std::to_string(i));
        CHECK(read[static_cast<size_t>(i)].value() == value(i));
        CHECK(read[static_cast<size_t>(i)].timestamp() == i);
    }
}
