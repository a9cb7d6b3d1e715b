// Unit-testing your own topology with Catch2 and TopologyTestDriver, the way Kafka users test with JUnit.
//
// The pattern: build the topology in a function your application also uses; in each test, create a
// driver, pipe input with explicit timestamps, and assert on output records and store contents. Every
// run gives the same result: there is no broker, no thread and no wall clock.
//
// This file is a complete Catch2 test program when Catch2 v2's single header is installed
// (<catch2/catch.hpp>); without it, a few lines below stand in for TEST_CASE/REQUIRE so the example
// still builds and runs. In your project, link Catch2 and keep only the tests.
#include <kstream_sim.hpp>

#include <map>
#include <string>
#include <vector>

#if __has_include(<catch2/catch.hpp>) && !defined(KSTREAM_SIM_EXAMPLE_NO_CATCH2)
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#else
// A minimal stand-in with the same spelling (only what this file uses).
#include <functional>
#include <iostream>
namespace mini {
struct Test {
    const char* name;
    std::function<void()> body;
};
inline std::vector<Test>& tests() {
    static std::vector<Test> t;
    return t;
}
inline int& assertions() {
    static int n = 0;
    return n;
}
struct Register {
    Register(const char* name, std::function<void()> body) { tests().push_back({name, std::move(body)}); }
};
}  // namespace mini
#define MINI_CAT2(a, b) a##b
#define MINI_CAT(a, b) MINI_CAT2(a, b)
#define TEST_CASE(name, tags)                                                          \
    static void MINI_CAT(mini_test_, __LINE__)();                                      \
    static mini::Register MINI_CAT(mini_reg_, __LINE__)(name, MINI_CAT(mini_test_, __LINE__)); \
    static void MINI_CAT(mini_test_, __LINE__)()
#define REQUIRE(...)                                                                   \
    do {                                                                               \
        ++mini::assertions();                                                          \
        if (!(__VA_ARGS__)) throw std::runtime_error("REQUIRE failed: " #__VA_ARGS__); \
    } while (0)
int main() {
    for (const auto& t : mini::tests()) t.body();
    std::cout << "===============================================================================\n"
              << "All tests passed (" << mini::assertions() << " assertions in " << mini::tests().size() << " test cases)\n\n";
}
#endif

using namespace kstream_sim;
using namespace std::chrono_literals;

// ---- The application's topology (in your project: a header shared by main() and the tests) ----------------
// Fraud screening: payments above a limit go to "alerts"; a running total per card goes to "totals".
Topology buildPaymentsTopology(int64_t alert_limit_cents) {
    StreamsBuilder builder;
    auto payments = builder.stream<std::string, int64_t>("payments");
    payments.filter([alert_limit_cents](const std::string&, int64_t cents) { return cents > alert_limit_cents; })
        .mapValues([](int64_t cents) { return "payment of " + std::to_string(cents) + " cents"; })
        .to("alerts", Produced::with(Serdes::String(), Serdes::String()));
    payments.groupByKey()
        .reduce([](int64_t total, int64_t cents) { return total + cents; }, Materialized::as("card-totals"))
        .toStream()
        .to("totals");
    return builder.build();
}

// ---- The tests -------------------------------------------------------------------------------------------
TEST_CASE("payments above the limit raise an alert", "[payments]") {
    TopologyTestDriver driver(buildPaymentsTopology(10000));
    auto payments = driver.createInputTopic<std::string, int64_t>("payments");
    auto alerts = driver.createOutputTopic<std::string, std::string>("alerts");

    payments.pipeInput("card-1", 500, 1s);
    payments.pipeInput("card-2", 25000, 2s);

    auto alert = alerts.readRecord();
    REQUIRE(alert.key() == "card-2");
    REQUIRE(alert.value() == "payment of 25000 cents");
    REQUIRE(alert.timestamp() == 2000);  // stateless operations keep the input's timestamp
    REQUIRE(alerts.isEmpty());
}

TEST_CASE("totals add up per card, in the store and on the output topic", "[payments]") {
    TopologyTestDriver driver(buildPaymentsTopology(10000));
    auto payments = driver.createInputTopic<std::string, int64_t>("payments");
    auto totals = driver.createOutputTopic<std::string, int64_t>("totals");

    payments.pipeKeyValueList({{"card-1", 500}, {"card-2", 700}, {"card-1", 250}});

    REQUIRE(totals.readKeyValuesToMap() == std::map<std::string, int64_t>{{"card-1", 750}, {"card-2", 700}});
    auto store = driver.getKeyValueStore<std::string, int64_t>("card-totals");
    REQUIRE(store.get("card-1") == 750);
    REQUIRE(!store.get("card-3").has_value());
}

TEST_CASE("the topology's shape is what we reviewed", "[payments]") {
    // describe() is Kafka's text: pin it to notice accidental changes (new repartition topics, renamed stores).
    const std::string described = buildPaymentsTopology(10000).describe().toString();
    REQUIRE(described.find("Processor: KSTREAM-REDUCE-0000000004 (stores: [card-totals])") != std::string::npos);
    REQUIRE(described.find("repartition") == std::string::npos);  // groupByKey on the input key: no repartition
}
