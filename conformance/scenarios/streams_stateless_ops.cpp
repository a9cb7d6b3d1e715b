// C++ twin of conformance/src/main/java/kstreamsim/conformance/StreamsStatelessOps.java: examples/stateless_ops.cpp
// (filter, mapValues, map, selectKey, flatMap, peek, split/branch/defaultBranch, merge, print) with fixed inputs.
// What peek and print write is collected and printed after the record that caused it ("stdout: ...").
#include <kstream_sim.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "streams_out.hpp"

using namespace kstream_sim;

namespace {

void producedTopics(TopologyTestDriver& driver) {
    for (const auto& t : driver.producedTopicNames()) std::cout << "produced topic " << t << "\n";  // std::set: sorted
}

std::ostringstream captured;  // Java: System.out, redirected

void drainStdout() {
    std::istringstream in(captured.str());
    captured.str("");
    for (std::string l; std::getline(in, l);)
        if (!l.empty()) std::cout << "stdout: " << l << "\n";
}

}  // namespace

int main() {
    StreamsBuilder builder;
    auto purchases = builder.stream<std::string, int64_t>("purchases");

    purchases.filter([](const std::string&, int64_t cents) { return cents >= 10000; })
        .mapValues([](int64_t cents) { return std::to_string(cents / 100) + "." + std::to_string(cents % 100 / 10) + std::to_string(cents % 10) + " EUR"; })
        .to("big-purchases", Produced::with(Serdes::String(), Serdes::String()));

    purchases.map([](const std::string& user, int64_t cents) { return KeyValue<int64_t, std::string>(cents, user); })
        .to("by-amount", Produced::with(Serdes::Long(), Serdes::String()));
    purchases.selectKey([](const std::string&, int64_t cents) { return std::string(cents < 1000 ? "small" : "large"); })
        .to("by-size", Produced::with(Serdes::String(), Serdes::Long()));

    purchases.flatMap([](const std::string& user, int64_t cents) {
        std::vector<KeyValue<std::string, int64_t>> out;
        for (int64_t i = 0; i * 5000 < cents; ++i) out.emplace_back(user, i);
        return out;
    }).to("reward-points", Produced::with(Serdes::String(), Serdes::Long()));

    auto branches = purchases.peek([](const std::string& user, int64_t cents) { captured << "peek: " << user << " " << cents << "\n"; })
                        .split(Named::as("size-"))
                        .branch([](const std::string&, int64_t cents) { return cents < 1000; }, Branched::as("small"))
                        .branch([](const std::string&, int64_t cents) { return cents < 10000; }, Branched::as("medium"))
                        .defaultBranch(Branched::as("large"));
    branches.at("size-small").merge(branches.at("size-large")).print(Printed::toStream(captured).withLabel("small-or-large"));
    branches.at("size-medium").to("medium", Produced::with(Serdes::String(), Serdes::Long()));

    Topology topology = builder.build();
    describe("stateless_ops", topology.describe().toString());

    {
        TopologyTestDriver driver(topology, props("stateless-ops"), 0);
        auto in = driver.createInputTopic<std::string, int64_t>("purchases");
        const std::vector<std::string> users = {"alice", "bob", "carol", "dave", "erin", "frank"};
        const std::vector<int64_t> cents = {12550, 450, 5000, 999, 10000, 1000};
        const std::vector<int64_t> ts = {1000, 2000, 3000, 1500, 4000, 4000};
        for (size_t i = 0; i < users.size(); ++i) {
            std::cout << "pipe " << users[i] << " " << cents[i] << " @" << ts[i] << "\n";
            in.pipeInput(users[i], cents[i], ts[i]);
            drainStdout();
        }
        auto big = driver.createOutputTopic<std::string, std::string>("big-purchases");
        records("big-purchases", big);
        auto by_amount = driver.createOutputTopic<int64_t, std::string>("by-amount");
        records("by-amount", by_amount);
        auto by_size = driver.createOutputTopic<std::string, int64_t>("by-size");
        records("by-size", by_size);
        auto reward = driver.createOutputTopic<std::string, int64_t>("reward-points");
        records("reward-points", reward);
        auto medium = driver.createOutputTopic<std::string, int64_t>("medium");
        records("medium", medium);
        producedTopics(driver);
    }
    drainStdout();
}
