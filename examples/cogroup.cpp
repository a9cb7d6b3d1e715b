// cogroup: one aggregate per key, fed by several grouped streams of different value types. Here a
// customer's profile is built from three topics — orders (amounts), returns (amounts) and page views
// (page names) — in one store, without joining three tables. Each input gets its own aggregator; the
// initializer runs once per key, whichever stream the key's first record comes from.
#include <kstream_sim.hpp>

#include <cstdint>
#include <iostream>
#include <string>

using namespace kstream_sim;
using namespace std::chrono_literals;

// The aggregate: spent, returned and the number of pages seen, per customer.
struct Profile {
    int64_t spent = 0;
    int64_t returned = 0;
    int64_t views = 0;
};
std::ostream& operator<<(std::ostream& out, const Profile& p) {
    return out << "spent=" << p.spent << " returned=" << p.returned << " views=" << p.views;
}

// Profile's bytes: three 8-byte big-endian longs (the store and its changelog hold bytes, as in Kafka).
namespace kstream_sim {
template <>
struct Serde<Profile> {
    static void serialize(const Profile& p, Bytes& out) {
        for (int64_t v : {p.spent, p.returned, p.views}) Serde<int64_t>::serialize(v, out);
    }
    static Profile deserialize(const uint8_t* data, size_t size) {
        if (size != 24) throw SerializationException("a Profile is 24 bytes, not " + std::to_string(size));
        return Profile{Serde<int64_t>::deserialize(data, 8), Serde<int64_t>::deserialize(data + 8, 8),
                       Serde<int64_t>::deserialize(data + 16, 8)};
    }
};
}  // namespace kstream_sim

int main() {
    StreamsBuilder builder;
    auto orders = builder.stream<std::string, int64_t>("orders").groupByKey();
    auto returns = builder.stream<std::string, int64_t>("returns").groupByKey();
    auto views = builder.stream<std::string, std::string>("page-views").groupByKey();

    orders.cogroup([](const std::string&, int64_t amount, Profile p) { p.spent += amount; return p; })
        .cogroup(returns, [](const std::string&, int64_t amount, Profile p) { p.returned += amount; return p; })
        .cogroup(views, [](const std::string&, const std::string&, Profile p) { p.views += 1; return p; })
        .aggregate([] { return Profile(); }, Materialized::as("profiles"))
        .toStream()
        .foreach([](const std::string& customer, const Profile& p) { std::cout << "  update " << customer << ": " << p << "\n"; });

    Topology topology = builder.build();
    std::cout << topology.describe() << "\n";

    TopologyTestDriver driver(topology);
    auto orderTopic = driver.createInputTopic<std::string, int64_t>("orders");
    auto returnTopic = driver.createInputTopic<std::string, int64_t>("returns");
    auto viewTopic = driver.createInputTopic<std::string, std::string>("page-views");
    std::cout << "records:\n";
    viewTopic.pipeInput("alice", "/shoes", 1s);
    orderTopic.pipeInput("alice", 120, 2s);
    viewTopic.pipeInput("bob", "/books", 3s);
    returnTopic.pipeInput("alice", 40, 4s);
    orderTopic.pipeInput("bob", 15, 5s);

    std::cout << "store 'profiles':\n";
    auto store = driver.getTimestampedKeyValueStore<std::string, Profile>("profiles");
    for (const auto& kv : store.all()) std::cout << "  " << kv.key << " -> " << kv.value.value() << " @" << kv.value.timestamp() << "ms\n";
}
