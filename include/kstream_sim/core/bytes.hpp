// Bytes: what Kafka stores. Big-endian integer encoding (Java's DataOutput), hex dumps.
//
// Everything inside the simulated cluster is bytes, as in Kafka: typed keys and values exist only at the
// client edges, where serdes convert them. A null key or value is distinct from an empty one.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace kstream_sim {

using Bytes = std::vector<uint8_t>;

// A view of serialized bytes that may be null (Java's null byte[]); not owning.
struct ByteView {
    const uint8_t* data = nullptr;
    int32_t size = -1;  // -1: null

    bool isNull() const noexcept { return size < 0; }
    std::string str() const { return isNull() ? std::string() : std::string(reinterpret_cast<const char*>(data), size); }
    Bytes bytes() const { return isNull() ? Bytes() : Bytes(data, data + size); }
};

namespace detail {

inline void appendBigEndian(Bytes& out, uint64_t value, int width) {
    for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(value >> shift));
}

inline uint64_t readBigEndian(const uint8_t* data, int width) noexcept {
    uint64_t value = 0;
    for (int i = 0; i < width; ++i) value = (value << 8) | data[i];
    return value;
}

inline void appendString(Bytes& out, const std::string& s) {
    out.insert(out.end(), s.begin(), s.end());
}

}  // namespace detail

// "0a1bff": lowercase hex, two digits per byte.
inline std::string toHex(const uint8_t* data, size_t size) {
    static const char digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(size * 2);
    for (size_t i = 0; i < size; ++i) {
        hex.push_back(digits[data[i] >> 4]);
        hex.push_back(digits[data[i] & 15]);
    }
    return hex;
}
inline std::string toHex(const Bytes& bytes) { return toHex(bytes.data(), bytes.size()); }

}  // namespace kstream_sim
