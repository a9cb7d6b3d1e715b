// KTable: the latest value per key. A record with a null value (a tombstone) deletes its key. This
// example shows a table's store and its stream of changes, a filtered table (a filtered-out update
// becomes a tombstone downstream), and what the record cache does to a tombstone for an unknown key.
#include <kstream_sim.hpp>

#include <iostream>
#include <optional>
#include <string>

using namespace kstream_sim;
using namespace std::chrono_literals;

using Value = std::optional<std::string>;  // std::optional shows Java's null as nullopt

void printChanges(const char* title, TestOutputTopic<std::string, Value>& topic) {
    std::cout << title << ":\n";
    for (const auto& r : topic.readRecordsToList())
        std::cout << "  " << r.key() << " -> " << (r.value() ? *r.value() : "null (tombstone)") << " @" << *r.timestamp() << "ms\n";
}

int run(bool caching) {
    StreamsBuilder builder;
    Materialized store = Materialized::as("user-cities");
    KTable<std::string, Value> cities = builder.table<std::string, Value>("user-cities", caching ? store : store.withCachingDisabled());
    cities.toStream().to("city-changes");
    cities.filter([](const std::string&, const Value& city) { return city && city->rfind("P", 0) == 0; })
        .toStream()
        .to("p-cities");

    TopologyTestDriver driver(builder.build());
    auto in = driver.createInputTopic<std::string, Value>("user-cities");
    auto changes = driver.createOutputTopic<std::string, Value>("city-changes");
    auto p_cities = driver.createOutputTopic<std::string, Value>("p-cities");

    in.pipeInput("alice", "Paris", 1ms);
    in.pipeInput("bob", "Rome", 2ms);
    in.pipeInput("alice", "Lima", 3ms);
    in.pipeInput("bob", std::nullopt, 4ms);    // tombstone: bob leaves the table
    in.pipeInput("ghost", std::nullopt, 5ms);  // tombstone for a key the table never had

    std::cout << "== caching " << (caching ? "enabled (Kafka's default)" : "disabled") << " ==\n";
    printChanges("city-changes", changes);
    printChanges("p-cities", p_cities);
    std::cout << "store user-cities:\n";
    auto view = driver.getKeyValueStore<std::string, std::string>("user-cities");
    for (const auto& kv : view.all()) std::cout << "  " << kv.key << " = " << kv.value << "\n";
    std::cout << "  bob present? " << (view.get("bob") ? "yes" : "no") << "\n\n";
    return 0;
}

int main() {
    run(true);
    run(false);
}
