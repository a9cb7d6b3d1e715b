// Conformance twin of conformance/expected/record_bytes.txt (Java: RecordBytes.java).
// One batch's records in Kafka's v2 record format: the bytes of each, and what reading them back gives.
#include <kstream_sim.hpp>

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

using namespace kstream_sim;

namespace {

std::string hex(ByteView b) { return b.isNull() ? "null" : "[" + toHex(b.data, static_cast<size_t>(b.size)) + "]"; }
ByteView view(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), static_cast<int32_t>(s.size())}; }

}  // namespace

int main() {
    BatchPayload batch;
    std::vector<size_t> ends;  // where each record's bytes end
    auto append = [&](int64_t timestamp, ByteView key, ByteView value, const Headers* headers) {
        batch.append(timestamp, key, value, headers);
        ends.push_back(batch.data.size());
    };
    const std::string k = "k", v = "v", empty;
    append(1000, view(k), view(v), nullptr);
    Headers headers;
    headers.add("trace", "abc").add("none", std::nullopt);
    append(990, ByteView{}, ByteView{}, &headers);
    append(1200, view(k), view(empty), nullptr);
    std::string value;
    for (int i = 0; i < 100; ++i) value += static_cast<char>('a' + i % 26);
    const std::string bench_key = "key-042";
    append(1000, view(bench_key), view(value), nullptr);  // the benchmark's record
    const std::string f = "f", x = "x";
    for (int i = 4; i < 70; ++i) append(1000 + i, view(f), view(x), nullptr);  // offset deltas past 63
    const std::string wide_key(200, 'K');
    append(1000 + 100000, view(wide_key), view(v), nullptr);  // wide deltas and key length
    const std::string early = "early";
    append(5, view(early), ByteView{}, nullptr);  // long before the first record

    std::cout << "batch: count=" << batch.count() << " sizeInBytes=" << batch.size_in_bytes << " maxTimestamp=" << batch.max_timestamp << "\n";
    size_t start = 0;
    for (size_t i = 0; i < ends.size(); ++i) {
        std::cout << "record " << i << ": size=" << ends[i] - start << " [" << toHex(batch.data.data() + start, ends[i] - start) << "]\n";
        start = ends[i];
    }
    for (const StoredRecord& r : batch.records()) {
        std::string shown;
        for (const Header& h : r.headers()) {
            shown += (shown.empty() ? "" : ",") + h.key() + "=";
            shown += h.value() ? "[" + toHex(*h.value()) + "]" : "null";
        }
        std::cout << "read " << r.offset() << ": ts=" << r.timestamp() << " key=" << hex(r.key()) << " value=" << hex(r.value())
                  << " headers=" << shown << "\n";
    }
}
