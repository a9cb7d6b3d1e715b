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

using namespace kstream_sim;

namespace {

// Canonical output, as conformance/src/main/java/kstreamsim/conformance/StreamsOut.java prints it.
std::string quote(const std::string& s) {
    std::string q = "\"";
    for (unsigned char c : s) {
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            q += buf;
        } else {
            q += static_cast<char>(c);
        }
    }
    return q + "\"";
}
std::string fmt(const std::string& s) { return quote(s); }
std::string fmt(int64_t v) { return std::to_string(v); }
template <class T>
std::string fmt(const std::optional<T>& v) { return v ? fmt(*v) : std::string("null"); }

template <class K, class V>
void records(const std::string& topic, TestOutputTopic<K, V>& t) {
    for (const auto& r : t.readRecordsToList())
        std::cout << topic << " key=" << fmt(r.key()) << " value=" << fmt(r.value()) << " ts=" << fmt(r.timestamp()) << "\n";
}

Properties props(const std::string& application_id) {
    Properties p;
    p.put(StreamsConfig::APPLICATION_ID_CONFIG, application_id);
    return p;
}

template <class K, class V>
void timestampedStore(TopologyTestDriver& driver, const std::string& name) {
    std::vector<std::string> lines;
    for (const auto& kv : driver.getTimestampedKeyValueStore<K, V>(name).all())
        lines.push_back("store " + name + " key=" + fmt(kv.key) + " value=" + fmt(kv.value.value()) + " ts=" + std::to_string(kv.value.timestamp()));
    std::sort(lines.begin(), lines.end());
    for (const auto& l : lines) std::cout << l << "\n";
}

template <class K, class V>
void plainStore(TopologyTestDriver& driver, const std::string& name) {
    std::vector<std::string> lines;
    for (const auto& kv : driver.getKeyValueStore<K, V>(name).all())
        lines.push_back("store " + name + " key=" + fmt(kv.key) + " value=" + fmt(kv.value));
    std::sort(lines.begin(), lines.end());
    for (const auto& l : lines) std::cout << l << "\n";
}

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
