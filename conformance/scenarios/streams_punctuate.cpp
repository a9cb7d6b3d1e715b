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

#include "streams_out.hpp"

using namespace kstream_sim;
using namespace std::chrono_literals;

namespace {

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
