// C++ twin of conformance/src/main/java/kstreamsim/conformance/StreamsPunctuate.java:
// examples/processor_api_punctuate.cpp (a Processor counting in a store, STREAM_TIME and WALL_CLOCK_TIME
// punctuation; the driver's wall clock starts at 0, Java's at Instant.EPOCH) with fixed inputs.
#include <kstream_sim.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace kstream_sim;
using namespace std::chrono_literals;

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

void describe(const std::string& name, const std::string& text) {
    std::cout << "=== describe " << name << "\n" << text << "\n=== end\n";
}

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

class PageViewCounter : public Processor<std::string, std::string, std::string, int64_t> {
public:
    explicit PageViewCounter(PunctuationType type) : type_(type) {}

    void init(ProcessorContext<std::string, int64_t>& context) override {
        context_ = &context;
        counts_ = context.getStateStore<KeyValueStore<std::string, int64_t>>("page-counts");
        context.schedule(10s, type_, [this](int64_t timestamp) {
            std::cout << "punctuate(" << toString(type_) << ") at " << timestamp << " streamTime=" << context_->currentStreamTimeMs()
                      << " wallClock=" << context_->currentSystemTimeMs() << "\n";
            for (const auto& kv : counts_.all()) context_->forward(Record<std::string, int64_t>(kv.key, kv.value, timestamp));
        });
    }
    void process(const Record<std::string, std::string>& view) override {
        const std::string& page = view.value();
        counts_.put(page, counts_.get(page).value_or(0) + 1);
    }

private:
    PunctuationType type_;
    ProcessorContext<std::string, int64_t>* context_ = nullptr;
    KeyValueStore<std::string, int64_t> counts_;
};

Topology topology(PunctuationType type) {
    Topology t;
    t.addSource("PageViews", Serdes::String(), Serdes::String(), "page-views")
        .addProcessor("Counter", [type] { return std::make_unique<PageViewCounter>(type); }, "PageViews")
        .addStateStore(Stores::keyValueStoreBuilder<std::string, int64_t>(Stores::inMemoryKeyValueStore("page-counts")), "Counter")
        .addSink("Counts", "page-counts-output", Serdes::String(), Serdes::Long(), "Counter");
    return t;
}

}  // namespace

int main() {
    describe("punctuate", topology(PunctuationType::STREAM_TIME).describe().toString());

    std::cout << "== STREAM_TIME\n";
    {
        TopologyTestDriver driver(topology(PunctuationType::STREAM_TIME), props("punctuate"), 0);
        auto views = driver.createInputTopic<std::string, std::string>("page-views");
        auto o = driver.createOutputTopic<std::string, int64_t>("page-counts-output");
        const std::vector<std::vector<std::string>> in = {{"u1", "/home", "0"},      {"u2", "/cart", "4000"},   {"u1", "/home", "12000"},
                                                          {"u3", "/home", "35000"},  {"u4", "/cart", "20000"},  {"u5", "/about", "39999"},
                                                          {"u6", "/about", "40000"}};
        for (const auto& r : in) {
            std::cout << "pipe " << r[0] << " " << r[1] << " @" << r[2] << "\n";
            views.pipeInput(r[0], r[1], std::stoll(r[2]));
            records("page-counts-output", o);
        }
        std::cout << "advanceWallClockTime 1h\n";
        driver.advanceWallClockTime(1h);
        records("page-counts-output", o);
        plainStore<std::string, int64_t>(driver, "page-counts");
    }

    std::cout << "== WALL_CLOCK_TIME\n";
    {
        TopologyTestDriver driver(topology(PunctuationType::WALL_CLOCK_TIME), props("punctuate"), 0);
        auto views = driver.createInputTopic<std::string, std::string>("page-views");
        auto o = driver.createOutputTopic<std::string, int64_t>("page-counts-output");
        std::cout << "pipe u1 /home @100000\n";
        views.pipeInput("u1", "/home", 100000);
        std::cout << "pipe u2 /cart @200000\n";
        views.pipeInput("u2", "/cart", 200000);
        records("page-counts-output", o);
        for (int64_t a : {9000, 1000, 25000, 5000, 0, 1}) {
            std::cout << "advanceWallClockTime " << a << "ms\n";
            driver.advanceWallClockTime(std::chrono::milliseconds(a));
            records("page-counts-output", o);
        }
        std::cout << "pipe u3 /home @5\n";
        views.pipeInput("u3", "/home", 5);
        records("page-counts-output", o);
        plainStore<std::string, int64_t>(driver, "page-counts");
    }
}
