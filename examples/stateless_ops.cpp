// Stateless operations: each record on its own. filter, mapValues, map, selectKey, flatMap, peek, split
// into branches, merge, and print, on a stream of (user, purchase amount) records.
#include <kstream_sim.hpp>

#include <iostream>
#include <string>
#include <vector>

using namespace kstream_sim;
using namespace std::chrono_literals;

int main() {
    StreamsBuilder builder;
    auto purchases = builder.stream<std::string, int64_t>("purchases");

    // filter + mapValues: big purchases, in euros with cents.
    purchases.filter([](const std::string&, int64_t cents) { return cents >= 10000; })
        .mapValues([](int64_t cents) { return std::to_string(cents / 100) + "." + std::to_string(cents % 100 / 10) + std::to_string(cents % 10) + " EUR"; })
        .to("big-purchases", Produced::with(Serdes::String(), Serdes::String()));

    // map: swap key and value; selectKey: re-key by the amount's size class.
    purchases.map([](const std::string& user, int64_t cents) { return KeyValue<int64_t, std::string>(cents, user); })
        .to("by-amount", Produced::with(Serdes::Long(), Serdes::String()));
    purchases.selectKey([](const std::string&, int64_t cents) { return std::string(cents < 1000 ? "small" : "large"); })
        .to("by-size");

    // flatMap: one record per started 50 EUR.
    purchases.flatMap([](const std::string& user, int64_t cents) {
        std::vector<KeyValue<std::string, int64_t>> out;
        for (int64_t i = 0; i * 5000 < cents; ++i) out.emplace_back(user, i);
        return out;
    }).to("reward-points");

    // split: branches by predicate, first match wins; then merge two branches back.
    auto branches = purchases.peek([](const std::string& user, int64_t cents) { std::cout << "peek: " << user << " " << cents << "\n"; })
                        .split(Named::as("size-"))
                        .branch([](const std::string&, int64_t cents) { return cents < 1000; }, Branched::as("small"))
                        .branch([](const std::string&, int64_t cents) { return cents < 10000; }, Branched::as("medium"))
                        .defaultBranch(Branched::as("large"));
    branches.at("size-small").merge(branches.at("size-large")).print(Printed::toSysOut().withLabel("small-or-large"));
    branches.at("size-medium").to("medium");

    Topology topology = builder.build();
    std::cout << topology.describe() << "\n";

    TopologyTestDriver driver(topology);
    auto in = driver.createInputTopic<std::string, int64_t>("purchases");
    in.pipeInput("alice", 12550, 1s);
    in.pipeInput("bob", 450, 2s);
    in.pipeInput("carol", 5000, 3s);

    std::cout << "\nbig-purchases: ";
    for (const auto& kv : driver.createOutputTopic<std::string, std::string>("big-purchases").readKeyValuesToList()) std::cout << kv << " ";
    std::cout << "\nby-amount: ";
    for (const auto& kv : driver.createOutputTopic<int64_t, std::string>("by-amount").readKeyValuesToList()) std::cout << kv << " ";
    std::cout << "\nby-size: ";
    for (const auto& kv : driver.createOutputTopic<std::string, int64_t>("by-size").readKeyValuesToList()) std::cout << kv << " ";
    std::cout << "\nreward-points: ";
    for (const auto& kv : driver.createOutputTopic<std::string, int64_t>("reward-points").readKeyValuesToList()) std::cout << kv << " ";
    std::cout << "\nmedium: ";
    for (const auto& kv : driver.createOutputTopic<std::string, int64_t>("medium").readKeyValuesToList()) std::cout << kv << " ";
    std::cout << "\n";
}
