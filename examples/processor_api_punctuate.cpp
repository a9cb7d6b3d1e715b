// The Processor API with punctuation: a processor counts page views per page in a state store and, on a
// schedule, emits every count. STREAM_TIME punctuation follows record timestamps; WALL_CLOCK_TIME
// punctuation follows the driver's clock, which only moves when the test says so.
#include <kstream_sim.hpp>

#include <iostream>
#include <string>

using namespace kstream_sim;
using namespace std::chrono_literals;

class PageViewCounter : public Processor<std::string, std::string, std::string, int64_t> {
public:
    explicit PageViewCounter(PunctuationType type) : type_(type) {}

    void init(ProcessorContext<std::string, int64_t>& context) override {
        context_ = &context;
        counts_ = context.getStateStore<KeyValueStore<std::string, int64_t>>("page-counts");
        context.schedule(10s, type_, [this](int64_t timestamp) {
            std::cout << "  punctuate(" << toString(type_) << ") at " << timestamp << "ms\n";
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

Topology buildTopology(PunctuationType type) {
    Topology topology;
    topology.addSource("PageViews", Serdes::String(), Serdes::String(), "page-views")
        .addProcessor("Counter", [type] { return std::make_unique<PageViewCounter>(type); }, "PageViews")
        .addStateStore(Stores::keyValueStoreBuilder<std::string, int64_t>(Stores::inMemoryKeyValueStore("page-counts")), "Counter")
        .addSink("Counts", "page-counts-output", Serdes::String(), Serdes::Long(), "Counter");
    return topology;
}

void drain(TestOutputTopic<std::string, int64_t>& out) {
    for (const auto& r : out.readRecordsToList()) std::cout << "  output " << r.key() << " = " << r.value() << " @" << *r.timestamp() << "ms\n";
}

int main() {
    std::cout << buildTopology(PunctuationType::STREAM_TIME).describe() << "\n";

    std::cout << "STREAM_TIME: punctuations at stream time 0, then every 10 s of event time\n";
    {
        TopologyTestDriver driver(buildTopology(PunctuationType::STREAM_TIME));
        auto views = driver.createInputTopic<std::string, std::string>("page-views");
        auto out = driver.createOutputTopic<std::string, int64_t>("page-counts-output");
        views.pipeInput("u1", "/home", 0s);
        views.pipeInput("u2", "/cart", 4s);
        views.pipeInput("u1", "/home", 12s);
        views.pipeInput("u3", "/home", 35s);  // jumps past 20 s and 30 s: one punctuation, at 35 s
        drain(out);
        std::cout << "  advancing the wall clock by 1 h changes nothing for STREAM_TIME\n";
        driver.advanceWallClockTime(1h);
        drain(out);
    }

    std::cout << "WALL_CLOCK_TIME: punctuations when the driver's clock passes 10 s, 20 s, ...\n";
    {
        TopologyTestDriver driver(buildTopology(PunctuationType::WALL_CLOCK_TIME));
        auto views = driver.createInputTopic<std::string, std::string>("page-views");
        auto out = driver.createOutputTopic<std::string, int64_t>("page-counts-output");
        views.pipeInput("u1", "/home", 100s);
        views.pipeInput("u2", "/cart", 200s);
        std::cout << "  (records alone do not punctuate)\n";
        driver.advanceWallClockTime(9s);
        std::cout << "  wall clock 9 s\n";
        driver.advanceWallClockTime(1s);
        drain(out);
        driver.advanceWallClockTime(25s);  // 35 s: one punctuation; the next is due at 40 s
        drain(out);
    }
}
