// Streams through TopologyTestDriver: records per second for a stateless filter -> mapValues -> to
// pipeline and for groupByKey -> count, over 1,000,000 records with 10,000 keys, each beside a
// hand-written C++ loop doing the same work on the same serialized records (the ratio is the framework's
// cost: deserialization at the source, boxing between processors, serialization at the sink, the store's
// bytes and changelog, the driver's queues and output capture).
//
// Usage: bench_streams_driver [records] [keys] [runs]      (defaults 1000000 10000 3)
// Times are CPU seconds of this process (the machine may be shared), the best of `runs` runs of each loop.
// Kafka's Java TopologyTestDriver on the same topologies: conformance/ (see docs/testing-topologies.md).
#include <kstream_sim.hpp>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <unordered_map>
#include <vector>

using namespace kstream_sim;

namespace {

struct RawRecord {
    Bytes key, value;
};

std::vector<RawRecord> makeRecords(size_t n, size_t keys) {
    std::vector<RawRecord> out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        std::string k = "key-" + std::to_string(i % keys);
        std::string v = "value-" + std::to_string(i);
        out.push_back({Bytes(k.begin(), k.end()), Bytes(v.begin(), v.end())});
    }
    return out;
}

// The best (smallest) CPU time of `runs` calls of f, which returns how many records it produced (in `produced`).
template <class F>
double bestCpuSeconds(int runs, size_t& produced, F f) {
    double best = 0;
    for (int i = 0; i < runs; ++i) {
        const std::clock_t start = std::clock();
        produced = f();
        const double s = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
        if (i == 0 || s < best) best = s;
    }
    return best;
}

bool keep(const std::string& v) { return v.back() != '7'; }  // drops one record in ten
std::string mapValue(const std::string& v) { return v + "!"; }

// ---- hand-written loops on the same bytes --------------------------------------------------------------------
size_t handStateless(const std::vector<RawRecord>& records, std::vector<RawRecord>& out) {
    out.clear();
    for (const auto& r : records) {
        std::string key(r.key.begin(), r.key.end());
        std::string value(r.value.begin(), r.value.end());
        if (!keep(value)) continue;
        std::string mapped = mapValue(value);
        out.push_back({Bytes(key.begin(), key.end()), Bytes(mapped.begin(), mapped.end())});
    }
    return out.size();
}

size_t handCount(const std::vector<RawRecord>& records, std::vector<RawRecord>& out) {
    out.clear();
    std::unordered_map<std::string, int64_t> counts;
    for (const auto& r : records) {
        std::string key(r.key.begin(), r.key.end());
        int64_t c = ++counts[key];
        Bytes v;
        detail::appendBigEndian(v, static_cast<uint64_t>(c), 8);
        out.push_back({Bytes(key.begin(), key.end()), std::move(v)});
    }
    return out.size();
}

// ---- through the driver --------------------------------------------------------------------------------------
template <class Build>
size_t throughDriver(const std::vector<RawRecord>& records, Build build, const char* output) {
    StreamsBuilder builder;
    build(builder);
    TopologyTestDriver driver(builder.build(), Properties{{"application.id", "bench"}});
    auto in = driver.createInputTopic<Bytes, Bytes>("input");
    auto out = driver.createOutputTopic<Bytes, Bytes>(output);
    size_t produced = 0;
    int64_t ts = 0;
    for (size_t i = 0; i < records.size(); ++i) {
        in.pipeInput(records[i].key, records[i].value, ts++);
        if ((i & 4095) == 4095) produced += out.readRecordsToList().size();
    }
    produced += out.readRecordsToList().size();
    return produced;
}

void report(const char* name, size_t n, double driver_s, double hand_s) {
    std::printf("%-28s %10.0f records/CPU-s through the driver, %12.0f records/CPU-s hand-written, ratio %.1fx\n", name,
                n / driver_s, n / hand_s, driver_s / hand_s);
}

}  // namespace

int main(int argc, char** argv) {
    const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
    const size_t keys = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10000;
    const int runs = argc > 3 ? std::atoi(argv[3]) : 3;
    std::printf("streams_driver: %zu records, %zu keys, best of %d runs\n", n, keys, runs);
    const auto records = makeRecords(n, keys);
    std::vector<RawRecord> scratch;
    scratch.reserve(n);
    size_t hand_out = 0, driver_out = 0;

    double hand_s = bestCpuSeconds(runs, hand_out, [&] { return handStateless(records, scratch); });
    double driver_s = bestCpuSeconds(runs, driver_out, [&] {
        return throughDriver(records, [](StreamsBuilder& b) {
            b.stream<std::string, std::string>("input")
                .filter([](const std::string&, const std::string& v) { return keep(v); })
                .mapValues([](const std::string& v) { return mapValue(v); })
                .to("output");
        }, "output");
    });
    if (hand_out != driver_out) std::printf("MISMATCH: hand %zu vs driver %zu outputs\n", hand_out, driver_out);
    report("filter -> mapValues -> to", n, driver_s, hand_s);

    hand_s = bestCpuSeconds(runs, hand_out, [&] { return handCount(records, scratch); });
    driver_s = bestCpuSeconds(runs, driver_out, [&] {
        return throughDriver(records, [](StreamsBuilder& b) {
            b.stream<std::string, std::string>("input").groupByKey().count(Materialized::as("counts")).toStream().to("counts-out");
        }, "counts-out");
    });
    if (hand_out != driver_out) std::printf("MISMATCH: hand %zu vs driver %zu outputs\n", hand_out, driver_out);
    report("groupByKey -> count", n, driver_s, hand_s);
}
