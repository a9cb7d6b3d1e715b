// C++ twin of conformance/src/main/java/kstreamsim/conformance/StreamsCaching.java: what a caching store writes
// through when the driver commits (after every record): a Processor API store (no flush listener) writes every
// dirty entry through, a delete of a key it never held included; a DSL table skips a delete of a key that is in
// neither the cache nor the store.
#include <kstream_sim.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "streams_out.hpp"

using namespace kstream_sim;

namespace {

class Writer : public Processor<std::string, std::string, std::string, std::string> {
public:
    void init(ProcessorContext<std::string, std::string>& context) override {
        kv_ = context.getStateStore<KeyValueStore<std::string, std::string>>("kv");
    }
    void process(const Record<std::string, std::string>& r) override {
        if (r.value() == "delete") (void)kv_.delete_(r.key());
        else kv_.put(r.key(), r.value());
    }

private:
    KeyValueStore<std::string, std::string> kv_;
};

}  // namespace

int main() {
    std::cout << "== Processor API store with caching\n";
    {
        StreamsBuilder papi;
        papi.addStateStore(Stores::keyValueStoreBuilder<std::string, std::string>(Stores::inMemoryKeyValueStore("kv")).withCachingEnabled());
        papi.stream<std::string, std::string>("in").process([] { return std::make_unique<Writer>(); }, "kv");
        TopologyTestDriver driver(papi.build(), props("caching"));
        auto in = driver.createInputTopic<std::string, std::string>("in");
        in.pipeInput("never-written", "delete", 1);
        in.pipeInput("a", "1", 2);
        in.pipeInput("a", "delete", 3);
        in.pipeInput("b", "2", 4);
        auto changelog = driver.createOutputTopic<std::string, std::optional<std::string>>("caching-kv-changelog");
        records("caching-kv-changelog", changelog);
        plainStore<std::string, std::string>(driver, "kv");
    }

    std::cout << "== DSL table with caching\n";
    {
        StreamsBuilder dsl;
        dsl.table<std::string, std::optional<std::string>>("in", Materialized::as("t").withCachingEnabled()).toStream().to("out");
        TopologyTestDriver driver(dsl.build(), props("caching"));
        auto in = driver.createInputTopic<std::string, std::optional<std::string>>("in");
        in.pipeInput("never-written", std::nullopt, 1);
        in.pipeInput("a", "1", 2);
        in.pipeInput("a", std::nullopt, 3);
        in.pipeInput("a", std::nullopt, 4);
        in.pipeInput("b", "2", 5);
        auto out = driver.createOutputTopic<std::string, std::optional<std::string>>("out");
        records("out", out);
        auto changelog = driver.createOutputTopic<std::string, std::optional<std::string>>("caching-t-changelog");
        records("caching-t-changelog", changelog);
        timestampedStore<std::string, std::string>(driver, "t");
    }
}
