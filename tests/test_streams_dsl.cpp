// Tests for the Streams DSL through TopologyTestDriver: stateless operations, aggregations, KTables,
// repartitioning, and the north-star program of issue 5.
#include "testing.hpp"

#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace kstream_sim;
using namespace std::chrono_literals;

using KV = KeyValue<std::string, std::string>;

TEST_CASE("north star: orders per customer", "[streams][dsl]") {
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("orders")
        .filter([](const std::string&, const std::string& item) { return item != "cancelled"; })
        .groupByKey()
        .count(Materialized::as("orders-per-customer"))
        .toStream()
        .to("order-counts");
    Topology topology = builder.build();

    TopologyTestDriver driver(topology);
    auto orders = driver.createInputTopic<std::string, std::string>("orders");
    auto counts = driver.createOutputTopic<std::string, int64_t>("order-counts");
    orders.pipeInput("alice", "book", 0ms);
    orders.pipeInput("bob", "pen", 1s);
    orders.pipeInput("carol", "cancelled", 1500ms);
    orders.pipeInput("alice", "lamp", 2s);
    auto latest = counts.readKeyValuesToMap();
    CHECK(latest == std::map<std::string, int64_t>{{"alice", 2}, {"bob", 1}});
    auto store = driver.getKeyValueStore<std::string, int64_t>("orders-per-customer");
    CHECK(store.get("alice") == 2);
    CHECK(store.get("carol") == std::nullopt);
}

TEST_CASE("stateless: filter, filterNot, mapValues, map, selectKey keep the timestamp", "[streams][dsl]") {
    StreamsBuilder builder;
    auto s = builder.stream<std::string, std::string>("in");
    s.filter([](const std::string& k, const std::string&) { return k != "skip"; })
        .mapValues([](const std::string& v) { return v.size(); })
        .mapValues([](const std::string& k, size_t n) { return k + ":" + std::to_string(n); })
        .to("lengths");
    s.filterNot([](const std::string&, const std::string& v) { return v.empty(); })
        .map([](const std::string& k, const std::string& v) { return KeyValue(v, k); })
        .to("swapped");
    s.selectKey([](const std::string&, const std::string& v) { return static_cast<int32_t>(v.size()); }).to("by-length", Produced::with(Serdes::Integer(), Serdes::String()));
    TopologyTestDriver driver(builder.build());
    auto in = driver.createInputTopic<std::string, std::string>("in");
    in.pipeInput("a", "xyz", 5ms);
    in.pipeInput("skip", "", 7ms);
    auto lengths = driver.createOutputTopic<std::string, std::string>("lengths");
    auto r = lengths.readRecord();
    CHECK(r.key() == "a");
    CHECK(r.value() == "a:3");
    CHECK(r.timestamp() == 5);
    CHECK(lengths.isEmpty());
    CHECK(driver.createOutputTopic<std::string, std::string>("swapped").readKeyValuesToList() == std::vector<KV>{KV("xyz", "a")});
    auto by_length = driver.createOutputTopic<int32_t, std::string>("by-length").readKeyValuesToList();
    CHECK(by_length == std::vector<KeyValue<int32_t, std::string>>{{3, "xyz"}, {0, ""}});
}

TEST_CASE("stateless: flatMap and flatMapValues fan out with the input's timestamp", "[streams][dsl]") {
    StreamsBuilder builder;
    auto s = builder.stream<std::string, std::string>("sentences");
    s.flatMapValues([](const std::string& v) {
         std::vector<std::string> words;
         std::istringstream in(v);
         for (std::string w; in >> w;) words.push_back(w);
         return words;
     }).to("words");
    s.flatMap([](const std::string& k, const std::string& v) {
         return std::vector<KeyValue<std::string, int64_t>>{{k, static_cast<int64_t>(v.size())}, {v, 1}};
     }).to("pairs");
    TopologyTestDriver driver(builder.build());
    driver.createInputTopic<std::string, std::string>("sentences").pipeInput("s1", "hello big world", 42ms);
    auto words = driver.createOutputTopic<std::string, std::string>("words").readRecordsToList();
    REQUIRE(words.size() == 3);
    CHECK(words[1].value() == "big");
    CHECK(words[2].timestamp() == 42);
    auto pairs = driver.createOutputTopic<std::string, int64_t>("pairs").readKeyValuesToList();
    CHECK(pairs == std::vector<KeyValue<std::string, int64_t>>{{"s1", 15}, {"hello big world", 1}});
}

TEST_CASE("stateless: peek, foreach and print see every record", "[streams][dsl]") {
    StreamsBuilder builder;
    std::vector<std::string> peeked, seen;
    std::ostringstream printed;
    auto s = builder.stream<std::string, std::string>("in");
    s.peek([&](const std::string& k, const std::string&) { peeked.push_back(k); }).to("out");
    s.foreach([&](const std::string&, const std::string& v) { seen.push_back(v); });
    s.print(Printed::toStream(printed).withLabel("in"));
    TopologyTestDriver driver(builder.build());
    auto in = driver.createInputTopic<std::string, std::string>("in");
    in.pipeInput("k1", "v1");
    in.pipeInput("k2", "v2");
    CHECK(peeked == std::vector<std::string>{"k1", "k2"});
    CHECK(seen == std::vector<std::string>{"v1", "v2"});
    CHECK(printed.str() == "[in]: k1, v1\n[in]: k2, v2\n");
}

TEST_CASE("stateless: merge interleaves two streams in processing order", "[streams][dsl]") {
    StreamsBuilder builder;
    auto a = builder.stream<std::string, std::string>("a");
    auto b = builder.stream<std::string, std::string>("b");
    a.merge(b).to("merged");
    TopologyTestDriver driver(builder.build());
    auto ta = driver.createInputTopic<std::string, std::string>("a");
    auto tb = driver.createInputTopic<std::string, std::string>("b");
    ta.pipeInput("1", "a1");
    tb.pipeInput("2", "b1");
    ta.pipeInput("3", "a2");
    CHECK(driver.createOutputTopic<std::string, std::string>("merged").readValuesToList() == std::vector<std::string>{"a1", "b1", "a2"});
}

TEST_CASE("sources: a braced list of topics reads them all, as Java's stream(List.of(...))", "[streams][dsl]") {
    StreamsBuilder builder;
    builder.stream<std::string, std::string>({"a", "b"}).to("out");
    builder.stream<std::string, std::string>({"c"}, Consumed::as("only-c")).to("out");
    TopologyTestDriver driver(builder.build());
    driver.createInputTopic<std::string, std::string>("a").pipeInput("1", "a1");
    driver.createInputTopic<std::string, std::string>("c").pipeInput("2", "c1");
    driver.createInputTopic<std::string, std::string>("b").pipeInput("3", "b1");
    CHECK(driver.createOutputTopic<std::string, std::string>("out").readValuesToList() == std::vector<std::string>{"a1", "c1", "b1"});
}

TEST_CASE("stateless: split routes each record to the first matching branch", "[streams][dsl]") {
    StreamsBuilder builder;
    auto branches = builder.stream<std::string, int64_t>("numbers")
                        .split(Named::as("split-"))
                        .branch([](const std::string&, int64_t v) { return v < 0; }, Branched::as("negative"))
                        .branch([](const std::string&, int64_t v) { return v == 0; }, Branched::as("zero"))
                        .defaultBranch(Branched::as("positive"));
    REQUIRE(branches.size() == 3);
    branches.at("split-negative").to("negative");
    branches.at("split-zero").to("zero");
    branches.at("split-positive").to("positive");
    TopologyTestDriver driver(builder.build());
    auto in = driver.createInputTopic<std::string, int64_t>("numbers");
    for (int64_t v : {-2, 0, 5, -1, 7}) in.pipeInput("k", v);
    CHECK(driver.createOutputTopic<std::string, int64_t>("negative").readValuesToList() == std::vector<int64_t>{-2, -1});
    CHECK(driver.createOutputTopic<std::string, int64_t>("zero").readValuesToList() == std::vector<int64_t>{0});
    CHECK(driver.createOutputTopic<std::string, int64_t>("positive").readValuesToList() == std::vector<int64_t>{5, 7});
}

TEST_CASE("stateless: to() with a topic name extractor and with a custom partitioner", "[streams][dsl]") {
    StreamsBuilder builder;
    auto s = builder.stream<std::string, std::string>("events");
    s.to([](const std::string& k, const std::string&) { return "events-" + k; });
    s.to("pinned", Produced::with(Serdes::String(), Serdes::String())
                       .withStreamPartitioner<std::string, std::string>(
                           [](const std::string&, const std::string&, const std::string&, int32_t n) { return std::optional<int32_t>(n - 1); }));
    TopologyTestDriver driver(builder.build(), {}, TopicPartitionCounts{{"pinned", 3}});
    auto in = driver.createInputTopic<std::string, std::string>("events");
    in.pipeInput("click", "c1");
    in.pipeInput("view", "v1");
    CHECK(driver.createOutputTopic<std::string, std::string>("events-click").readValuesToList() == std::vector<std::string>{"c1"});
    CHECK(driver.createOutputTopic<std::string, std::string>("events-view").readValuesToList() == std::vector<std::string>{"v1"});
    for (const auto& r : driver.createOutputTopic<std::string, std::string>("pinned").readRecordsToList()) CHECK(r.partition() == 2);
}

TEST_CASE("stateless: a topic name extractor is given Kafka's RecordContext of the record", "[streams][dsl]") {
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("events").to(
        [](const std::string&, const std::string&, const RecordContext& rc) {
            const Header* h = rc.headers().lastHeader("tenant");
            return rc.topic() + "-" + (h ? std::string(h->value()->begin(), h->value()->end()) : "none") + "-p" +
                   std::to_string(rc.partition()) + "-o" + std::to_string(rc.offset()) + "-t" + std::to_string(rc.timestamp());
        });
    TopologyTestDriver driver(builder.build());
    auto in = driver.createInputTopic<std::string, std::string>("events");
    in.pipeInput("k", "v1", 5ms, Headers{{"tenant", "acme"}});
    in.pipeInput("k", "v2", 7ms);
    CHECK(driver.createOutputTopic<std::string, std::string>("events-acme-p0-o0-t5").readValuesToList() == std::vector<std::string>{"v1"});
    CHECK(driver.createOutputTopic<std::string, std::string>("events-none-p0-o1-t7").readValuesToList() == std::vector<std::string>{"v2"});
}

TEST_CASE("aggregations: count, reduce and aggregate per key, with max timestamps", "[streams][dsl]") {
    StreamsBuilder builder;
    auto grouped = builder.stream<std::string, int64_t>("in").groupByKey();
    grouped.count(Materialized::as("counts").withCachingDisabled()).toStream().to("counts");
    grouped.reduce([](int64_t agg, int64_t v) { return agg + v; }, Materialized::as("sums").withCachingDisabled()).toStream().to("sums");
    grouped.aggregate([] { return std::string(); },
                      [](const std::string&, int64_t v, const std::string& agg) { return agg + std::to_string(v); },
                      Materialized::as("concat").withValueSerde(Serdes::String()).withCachingDisabled())
        .toStream()
        .to("concat", Produced::with(Serdes::String(), Serdes::String()));
    TopologyTestDriver driver(builder.build());
    auto in = driver.createInputTopic<std::string, int64_t>("in");
    in.pipeInput("hello", 1, 1ms);
    in.pipeInput("kafka", 1, 2ms);
    in.pipeInput("streams", 1, 3ms);
    in.pipeInput("kafka", 1, 4ms);
    in.pipeInput("kafka", 1, 5ms);
    in.pipeInput("streams", 1, 6ms);
    // Kafka docs' aggregation table: hello=1; kafka=1; streams=1; kafka=2; kafka=3; streams=2.
    auto counts = driver.createOutputTopic<std::string, int64_t>("counts").readKeyValuesToList();
    CHECK(counts == std::vector<KeyValue<std::string, int64_t>>{{"hello", 1}, {"kafka", 1}, {"streams", 1}, {"kafka", 2}, {"kafka", 3}, {"streams", 2}});
    CHECK(driver.createOutputTopic<std::string, int64_t>("sums").readKeyValuesToMap() ==
          std::map<std::string, int64_t>{{"hello", 1}, {"kafka", 3}, {"streams", 2}});
    CHECK(driver.createOutputTopic<std::string, std::string>("concat").readKeyValuesToMap()["kafka"] == "111");
    auto ts = driver.getTimestampedKeyValueStore<std::string, int64_t>("counts").get("kafka");
    REQUIRE(ts);
    CHECK(ts->value() == 3);
    CHECK(ts->timestamp() == 5);
}

TEST_CASE("aggregations: null keys and null values are skipped", "[streams][dsl]") {
    StreamsBuilder builder;
    builder.stream<std::optional<std::string>, std::optional<std::string>>("in").groupByKey().count(Materialized::as("c")).toStream().to("out");
    TopologyTestDriver driver(builder.build());
    auto in = driver.createInputTopic<std::optional<std::string>, std::optional<std::string>>("in");
    in.pipeInput(std::nullopt, "v");
    in.pipeInput("k", std::nullopt);
    in.pipeInput("k", "v");
    CHECK(driver.createOutputTopic<std::string, int64_t>("out").readKeyValuesToList() == std::vector<KeyValue<std::string, int64_t>>{{"k", 1}});
}

TEST_CASE("repartitioning: groupBy writes through the repartition topic", "[streams][dsl]") {
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("words")
        .groupBy([](const std::string&, const std::string& w) { return w; })
        .count(Materialized::as("word-counts"))
        .toStream()
        .to("counts");
    Properties props{{"application.id", "wordcount"}};
    TopologyTestDriver driver(builder.build(), props);
    auto in = driver.createInputTopic<std::string, std::string>("words");
    in.pipeInput("1", "a", 10ms);
    in.pipeInput("2", "b", 11ms);
    in.pipeInput("3", "a", 12ms);
    CHECK(driver.createOutputTopic<std::string, int64_t>("counts").readKeyValuesToList() ==
          std::vector<KeyValue<std::string, int64_t>>{{"a", 1}, {"b", 1}, {"a", 2}});
    const auto topics = driver.producedTopicNames();
    CHECK(topics.count("wordcount-word-counts-repartition") == 1);
    CHECK(topics.count("wordcount-word-counts-changelog") == 1);
    auto repartition = driver.createOutputTopic<std::string, std::string>("wordcount-word-counts-repartition").readKeyValuesToList();
    CHECK(repartition == std::vector<KV>{KV("a", "a"), KV("b", "b"), KV("a", "a")});
    auto changelog = driver.createOutputTopic<std::string, int64_t>("wordcount-word-counts-changelog").readRecordsToList();
    REQUIRE(changelog.size() == 3);
    CHECK(changelog[2].value() == 2);
    CHECK(changelog[2].timestamp() == 12);
}

TEST_CASE("repartitioning: repartition() sends records through <name>-repartition", "[streams][dsl]") {
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("in")
        .selectKey([](const std::string&, const std::string& v) { return v; })
        .repartition(Repartitioned::as("by-value"))
        .to("out");
    TopologyTestDriver driver(builder.build(), Properties{{"application.id", "app"}});
    driver.createInputTopic<std::string, std::string>("in").pipeInput("k", "v");
    CHECK(driver.producedTopicNames() == std::set<std::string>{"app-by-value-repartition", "out"});
    CHECK(driver.createOutputTopic<std::string, std::string>("out").readKeyValue() == KV("v", "v"));
}

TEST_CASE("ktable: latest value per key, tombstones delete", "[streams][dsl][ktable]") {
    StreamsBuilder builder;
    builder.table<std::string, std::optional<std::string>>("users", Materialized::as("users-store").withCachingDisabled())
        .toStream()
        .to("user-updates");
    TopologyTestDriver driver(builder.build());
    auto users = driver.createInputTopic<std::string, std::optional<std::string>>("users");
    users.pipeInput("alice", "Paris", 1ms);
    users.pipeInput("bob", "Rome", 2ms);
    users.pipeInput("alice", "Lima", 3ms);
    users.pipeInput("bob", std::nullopt, 4ms);
    auto store = driver.getKeyValueStore<std::string, std::string>("users-store");
    CHECK(store.get("alice") == "Lima");
    CHECK_FALSE(store.get("bob").has_value());
    CHECK(store.approximateNumEntries() == 1);
    auto updates = driver.createOutputTopic<std::string, std::optional<std::string>>("user-updates").readKeyValuesToList();
    REQUIRE(updates.size() == 4);
    CHECK(updates[3].key == "bob");
    CHECK_FALSE(updates[3].value.has_value());
}

TEST_CASE("ktable: filter forwards a tombstone for a filtered-out update, as Kafka does", "[streams][dsl][ktable]") {
    // Kafka 4.3.1 (conformance/ streams_ktable_tombstones): when the filter's parent is already materialized, the
    // filter gets old values and drops an update that was filtered out before and after (KAFKA-10077); otherwise
    // every filtered-out update is a tombstone downstream.
    for (const bool materialized : {true, false}) {
        CAPTURE(materialized);
        StreamsBuilder builder;
        auto table = materialized ? builder.table<std::string, int64_t>("scores", Materialized::as("scores").withCachingDisabled())
                                  : builder.table<std::string, int64_t>("scores");
        table.filter([](const std::string&, int64_t v) { return v >= 10; })
            .mapValues([](int64_t v) { return v * 2; })
            .toStream()
            .to("high-scores");
        TopologyTestDriver driver(builder.build());
        auto in = driver.createInputTopic<std::string, int64_t>("scores");
        in.pipeInput("a", 12);
        in.pipeInput("b", 3);
        in.pipeInput("a", 4);
        auto out = driver.createOutputTopic<std::string, std::optional<int64_t>>("high-scores").readKeyValuesToList();
        if (materialized)
            CHECK(out == std::vector<KeyValue<std::string, std::optional<int64_t>>>{{"a", 24}, {"a", std::nullopt}});
        else
            CHECK(out == std::vector<KeyValue<std::string, std::optional<int64_t>>>{{"a", 24}, {"b", std::nullopt}, {"a", std::nullopt}});
    }
}

TEST_CASE("ktable: groupBy aggregation calls the subtractor, then the adder (Kafka docs' table)", "[streams][dsl][ktable]") {
    StreamsBuilder builder;
    builder.table<std::string, std::optional<std::string>>("user-regions", Materialized::as("user-regions").withCachingDisabled())
        .groupBy([](const std::string& user, const std::optional<std::string>& region) {
            return KeyValue<std::string, int64_t>(region.value_or(""), static_cast<int64_t>(user.size()));
        })
        .aggregate([] { return int64_t{0}; },
                   [](const std::string&, int64_t v, int64_t agg) { return agg + v; },
                   [](const std::string&, int64_t v, int64_t agg) { return agg - v; },
                   Materialized::as("region-lengths").withValueSerde(Serdes::Long()).withCachingDisabled())
        .toStream()
        .to("region-totals");
    TopologyTestDriver driver(builder.build());
    auto in = driver.createInputTopic<std::string, std::optional<std::string>>("user-regions");
    in.pipeInput("alice", "E", 1ms);
    in.pipeInput("bob", "A", 2ms);
    in.pipeInput("charlie", "A", 3ms);
    in.pipeInput("alice", "A", 4ms);
    in.pipeInput("charlie", std::nullopt, 5ms);
    in.pipeInput("bob", "E", 7ms);
    auto store = driver.getKeyValueStore<std::string, int64_t>("region-lengths");
    CHECK(store.get("A") == 5);
    CHECK(store.get("E") == 3);
    auto out = driver.createOutputTopic<std::string, int64_t>("region-totals").readKeyValuesToList();
    // alice E+5; bob A+3; charlie A+7; alice: E-5 then A+5; charlie: A-7; bob: A-3 then E+3.
    CHECK(out == std::vector<KeyValue<std::string, int64_t>>{
                     {"E", 5}, {"A", 3}, {"A", 10}, {"E", 0}, {"A", 15}, {"A", 8}, {"A", 5}, {"E", 3}});
}

TEST_CASE("ktable: groupBy().count() and reduce() with adder and subtractor", "[streams][dsl][ktable]") {
    StreamsBuilder builder;
    auto grouped = builder.table<std::string, std::string>("likes")
                       .groupBy([](const std::string& user, const std::string& color) { return KeyValue<std::string, std::string>(color, user); });
    grouped.count(Materialized::as("color-counts").withCachingDisabled());
    TopologyTestDriver driver(builder.build());
    auto in = driver.createInputTopic<std::string, std::string>("likes");
    in.pipeInput("u1", "red");
    in.pipeInput("u2", "red");
    in.pipeInput("u1", "blue");
    auto store = driver.getKeyValueStore<std::string, int64_t>("color-counts");
    CHECK(store.get("red") == 1);
    CHECK(store.get("blue") == 1);
}

TEST_CASE("ktable: toTable turns a stream into a table", "[streams][dsl][ktable]") {
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("in").toTable(Materialized::as("latest").withCachingDisabled()).toStream().to("out");
    TopologyTestDriver driver(builder.build());
    auto in = driver.createInputTopic<std::string, std::string>("in");
    in.pipeInput("k", "1");
    in.pipeInput("k", "2");
    CHECK(driver.getKeyValueStore<std::string, std::string>("latest").get("k") == "2");
    CHECK(driver.createOutputTopic<std::string, std::string>("out").readValuesToList() == std::vector<std::string>{"1", "2"});
}

TEST_CASE("globalKTable: every record of the topic lands in the global store", "[streams][dsl][ktable]") {
    StreamsBuilder builder;
    builder.globalTable<std::string, std::string>("countries", Materialized::as("countries-store"));
    TopologyTestDriver driver(builder.build());
    auto in = driver.createInputTopic<std::string, std::string>("countries");
    in.pipeInput("fr", "France");
    in.pipeInput("it", "Italy");
    auto store = driver.getKeyValueStore<std::string, std::string>("countries-store");
    CHECK(store.get("fr") == "France");
    CHECK(store.approximateNumEntries() == 2);
    CHECK(driver.producedTopicNames().empty());  // global stores have no changelog
}

TEST_CASE("serdes: a serde that does not fit the stream's type is reported when building", "[streams][dsl]") {
    StreamsBuilder builder;
    std::string message;
    try {
        builder.stream<std::string, std::string>("in", Consumed::with(Serdes::String(), Serdes::Long()));
    } catch (const StreamsException& e) {
        message = e.what();
    }
    CHECK(message.find("The value serde handles int64_t but the value type here is std::string") != std::string::npos);
}

TEST_CASE("cogroup: several grouped streams update one aggregate per key", "[streams][dsl][cogroup]") {
    using S = std::string;
    StreamsBuilder builder;
    auto clicks = builder.stream<S, int64_t>("clicks").groupByKey();
    auto views = builder.stream<S, S>("views").groupByKey();
    clicks.cogroup([](const S&, int64_t n, const S& agg) { return agg + "c" + std::to_string(n); })
        .cogroup(views, [](const S&, const S& page, const S& agg) { return agg + "v" + page; })
        .aggregate([] { return S("|"); }, Materialized::as("activity").withCachingDisabled())
        .toStream()
        .to("activity-out", Produced::with(Serdes::String(), Serdes::String()));
    TopologyTestDriver driver(builder.build());
    auto c = driver.createInputTopic<S, int64_t>("clicks");
    auto v = driver.createInputTopic<S, S>("views");
    c.pipeInput("alice", 1, 10ms);
    v.pipeInput("alice", "home", 5ms);
    v.pipeInput("bob", "cart", 20ms);
    c.pipeInput("alice", 2, 30ms);
    const auto out = driver.createOutputTopic<S, S>("activity-out").readRecordsToList();
    REQUIRE(out.size() == 4);
    CHECK(out[0].value() == "|c1");
    CHECK(out[1].value() == "|c1vhome");
    CHECK(out[1].timestamp() == 10);  // max of the aggregate's and the record's timestamps
    CHECK(out[2].key() == "bob");
    CHECK(out[3].value() == "|c1vhomec2");
    CHECK(out[3].timestamp() == 30);
    auto store = driver.getTimestampedKeyValueStore<S, S>("activity");
    CHECK(store.get("alice")->value() == "|c1vhomec2");
    CHECK(store.get("bob")->value() == "|vcart");
}

TEST_CASE("cogroup: a key-changed input is repartitioned through <store>-repartition", "[streams][dsl][cogroup]") {
    using S = std::string;
    StreamsBuilder builder;
    auto direct = builder.stream<S, int64_t>("a").groupByKey();
    auto rekeyed = builder.stream<S, int64_t>("b").groupBy([](const S&, int64_t v) { return std::to_string(v % 2); });
    direct.cogroup([](const S&, int64_t v, int64_t agg) { return agg + v; })
        .cogroup(rekeyed, [](const S&, int64_t, int64_t agg) { return agg + 100; })
        .aggregate([] { return int64_t{0}; }, Materialized::as("sums"))
        .toStream()
        .to("out");
    TopologyTestDriver driver(builder.build(), Properties{{"application.id", "app"}});
    driver.createInputTopic<S, int64_t>("a").pipeInput("1", 5);
    driver.createInputTopic<S, int64_t>("b").pipeInput("x", 3);
    CHECK(driver.producedTopicNames().count("app-sums-repartition") == 1);
    CHECK(driver.createOutputTopic<S, int64_t>("out").readKeyValuesToMap() == std::map<S, int64_t>{{"1", 105}});
}

TEST_CASE("cogroup: a generic aggregator names the aggregate type explicitly", "[streams][dsl][cogroup]") {
    using S = std::string;
    StreamsBuilder builder;
    builder.stream<S, S>("in").groupByKey().cogroup<int64_t>([](const auto&, const auto&, auto agg) { return agg + 1; })
        .aggregate([] { return int64_t{0}; }, Materialized::as("n").withCachingDisabled());
    TopologyTestDriver driver(builder.build());
    auto in = driver.createInputTopic<S, S>("in");
    in.pipeInput("k", "a");
    in.pipeInput("k", "b");
    CHECK(driver.getKeyValueStore<S, int64_t>("n").get("k") == 2);
}

TEST_CASE("pattern sources: a stream reads every topic whose whole name matches", "[streams][dsl][pattern]") {
    using S = std::string;
    StreamsBuilder builder;
    builder.stream<S, S>(Pattern::compile("orders-(eu|us)")).mapValues([](const S& v) { return v + "!"; }).to("all-orders");
    Topology topology = builder.build();
    CHECK(topology.describe().toString().find("Source: KSTREAM-SOURCE-0000000000 (topics: orders-(eu|us))\n") != std::string::npos);
    TopologyTestDriver driver(topology);
    driver.createInputTopic<S, S>("orders-eu").pipeInput("a", "1");
    driver.createInputTopic<S, S>("orders-us").pipeInput("b", "2");
    auto asia = driver.createInputTopic<S, S>("orders-asia");
    CHECK_THROWS_AS(asia.pipeInput("c", "3"), IllegalArgumentException);
    CHECK(driver.createOutputTopic<S, S>("all-orders").readValuesToList() == std::vector<S>{"1!", "2!"});
}

TEST_CASE("pattern sources: Processor API sources and several partitions", "[streams][dsl][pattern]") {
    using S = std::string;
    Topology t;
    t.addSource("src", Serdes::String(), Serdes::String(), Pattern::compile("in-\\d+")).addSink("sink", "out", Serdes::String(), Serdes::String(), "src");
    CHECK(t.describe().toString().find("Source: src (topics: in-\\d+)") != std::string::npos);
    TopologyTestDriver driver(t, Properties(), TopicPartitionCounts{{"in-1", 3}, {"out", 3}});
    auto in = driver.createInputTopic<S, S>("in-1");
    for (const char* k : {"a", "b", "c", "d"}) in.pipeInput(k, k);
    driver.createInputTopic<S, S>("in-22").pipeInput("e", "e");  // an undeclared matching topic: one partition
    CHECK(driver.createOutputTopic<S, S>("out").readRecordsToList().size() == 5);
}

TEST_CASE("pattern: Java regex subset, whole-name match, unsupported syntax is an error", "[streams][pattern]") {
    CHECK(Pattern::compile("t-[a-c]{2,3}").matches("t-abc"));
    CHECK_FALSE(Pattern::compile("t-[a-c]{2,3}").matches("t-abcd"));
    CHECK(Pattern::compile("(?:x|y)+\\.log").matches("xyx.log"));
    CHECK_FALSE(Pattern::compile("orders").matches("orders-eu"));
    CHECK(Pattern::compile("[^.]*").matches("no-dots"));
    CHECK_THROWS_AS(Pattern::compile("(?<name>x)"), IllegalArgumentException);
    CHECK_THROWS_AS(Pattern::compile("a+?"), IllegalArgumentException);
    CHECK_THROWS_AS(Pattern::compile("[ab"), IllegalArgumentException);
}

TEST_CASE("timestamp extractors: a custom extractor sets event time from the value", "[streams][dsl][timestamps]") {
    using S = std::string;
    StreamsBuilder builder;
    auto fromValue = [](const TimestampExtractor::Record& r, int64_t) { return std::stoll(r.value<S>()); };
    builder.stream<S, S>("in", Consumed::with(fromValue)).groupByKey().count(Materialized::as("c")).toStream().to("out");
    TopologyTestDriver driver(builder.build());
    auto in = driver.createInputTopic<S, S>("in");
    in.pipeInput("k", "500", 1ms);
    in.pipeInput("k", "-1", 2ms);  // negative: dropped, as Kafka drops it
    in.pipeInput("k", "300", 3ms);
    const auto out = driver.createOutputTopic<S, int64_t>("out").readRecordsToList();
    REQUIRE(out.size() == 2);
    CHECK(out[0].timestamp() == 500);
    CHECK(out[1].value() == 2);
    CHECK(out[1].timestamp() == 500);  // the aggregate keeps the max
}

TEST_CASE("timestamp extractors: WallclockTimestampExtractor through default.timestamp.extractor", "[streams][dsl][timestamps]") {
    using S = std::string;
    StreamsBuilder builder;
    builder.stream<S, S>("in").to("out");
    Properties props{{StreamsConfig::DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, "org.apache.kafka.streams.processor.WallclockTimestampExtractor"}};
    TopologyTestDriver driver(builder.build(), props, 1000);
    auto in = driver.createInputTopic<S, S>("in");
    in.pipeInput("k", "v", 5ms);
    driver.advanceWallClockTime(250ms);
    in.pipeInput("k", "v", 6ms);
    const auto out = driver.createOutputTopic<S, S>("out").readRecordsToList();
    CHECK(out[0].timestamp() == 1000);
    CHECK(out[1].timestamp() == 1250);
    Properties bad{{StreamsConfig::DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, "com.example.MyExtractor"}};
    CHECK_THROWS_AS(TopologyTestDriver(builder.build(), bad), ConfigException);
}

TEST_CASE("timestamp extractors: Kafka's built-ins on a negative record timestamp", "[streams][timestamps]") {
    const std::string topic = "t";
    const Headers headers;
    const detail::Box key = detail::Box::of(std::string("k")), value = detail::Box::of(std::string("v"));
    const TimestampExtractor::Record negative(topic, 0, 7, -5, headers, key, value, 42);
    const TimestampExtractor::Record valid(topic, 0, 8, 10, headers, key, value, 42);
    FailOnInvalidTimestamp fail;
    CHECK(fail.extract(valid, -1) == 10);
    CHECK_THROWS_WITH(fail.extract(negative, 3), Catch::Matchers::Contains("has invalid (negative) timestamp"));
    CHECK(LogAndSkipOnInvalidTimestamp().extract(negative, 3) == -5);
    CHECK(UsePartitionTimeOnInvalidTimestamp().extract(negative, 3) == 3);
    CHECK_THROWS_WITH(UsePartitionTimeOnInvalidTimestamp().extract(negative, -1), Catch::Matchers::Contains("partition time is unknown"));
    CHECK(WallclockTimestampExtractor().extract(valid, -1) == 42);
}
