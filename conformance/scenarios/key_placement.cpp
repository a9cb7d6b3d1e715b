// Conformance twin of conformance/expected/key_placement.txt (Java: KeyPlacement.java).
// The partition Kafka's producer picks for a keyed record: toPositive(murmur2(serialized key)) % partitions.
#include <kstream_sim.hpp>

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

using namespace kstream_sim;

namespace {

// A string in double quotes, bytes outside printable ASCII (and '"', '\\') as \xNN: as Out.quote in Java.
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

const int kPartitionCounts[] = {1, 2, 3, 5, 7, 12, 50};

void key(const std::string& label, const Bytes& bytes) {
    const int32_t h = murmur2(bytes.data(), bytes.size());
    std::cout << label << " bytes=" << toHex(bytes) << " murmur2=" << h << " positive=" << toPositive(h) << "\n";
    for (int n : kPartitionCounts)
        std::cout << label << " n=" << n << " -> " << toPositive(h) % n << "\n";
}

}  // namespace

int main() {
    const std::vector<std::string> strings = {
        "", "a", "ab", "bob", "key1", "alice", "foobar", "21", "kafka", "user-1", "Hello, World!",
        "h\xc3\xa9llo", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x98\x80",
        "the quick brown fox jumps over the lazy dog 0123456789"};
    const std::vector<int32_t> ints = {0, 1, -1, 42, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
    const std::vector<int64_t> longs = {0, -1, 1234567890123LL, std::numeric_limits<int64_t>::min(),
                                        std::numeric_limits<int64_t>::max()};

    for (const auto& k : strings) key("string:" + quote(k), *Serdes::String().serializer().serialize("t", k));
    for (int32_t k : ints) key("int:" + std::to_string(k), *Serdes::Integer().serializer().serialize("t", k));
    for (int64_t k : longs) key("long:" + std::to_string(k), *Serdes::Long().serializer().serialize("t", k));
    return 0;
}
