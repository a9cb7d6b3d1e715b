// Hashes whose exact values Kafka depends on: murmur2, Java's String.hashCode, and FNV-1a for traces.
//
// murmur2 picks a keyed record's partition; String.hashCode places a consumer group on its coordinator;
// FNV-1a hashes kstream_sim's own traces.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace kstream_sim {

// Kafka's Utils.murmur2: MurmurHash2, 32-bit, seed 0x9747b28c, little-endian blocks, returned as a signed
// int exactly as Java computes it (wrap-around arithmetic on 32 bits).
inline int32_t murmur2(const uint8_t* data, size_t length) noexcept {
    const uint32_t m = 0x5bd1e995u;
    const int r = 24;
    uint32_t h = 0x9747b28cu ^ static_cast<uint32_t>(length);
    const size_t blocks = length / 4;
    for (size_t i = 0; i < blocks; ++i) {
        const uint8_t* b = data + 4 * i;
        uint32_t k = uint32_t(b[0]) | (uint32_t(b[1]) << 8) | (uint32_t(b[2]) << 16) | (uint32_t(b[3]) << 24);
        k *= m;
        k ^= k >> r;
        k *= m;
        h *= m;
        h ^= k;
    }
    const uint8_t* tail = data + (length & ~size_t(3));
    switch (length % 4) {
        case 3: h ^= uint32_t(tail[2]) << 16; [[fallthrough]];
        case 2: h ^= uint32_t(tail[1]) << 8; [[fallthrough]];
        case 1: h ^= uint32_t(tail[0]); h *= m;
    }
    h ^= h >> 13;
    h *= m;
    h ^= h >> 15;
    return static_cast<int32_t>(h);
}
inline int32_t murmur2(const std::string& s) noexcept {
    return murmur2(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// Kafka's Utils.toPositive: clears the sign bit (not abs(), which fails for INT_MIN).
inline int32_t toPositive(int32_t n) noexcept { return n & 0x7fffffff; }

// x % d for any non-negative 32-bit x and a divisor d fixed in advance (a partition count), by a multiplication and a
// shift instead of a division (which takes tens of cycles per record): with l = ceil(log2 d) and
// m = ceil(2^(31+l) / d), floor(x * m / 2^(31+l)) is floor(x / d) for every x < 2^31 (Granlund and Montgomery, 1994),
// and x * m fits in 64 bits.
class FixedDivisor {
public:
    explicit FixedDivisor(int32_t d = 1) noexcept : d_(static_cast<uint64_t>(d)) {
        while ((uint64_t{1} << l_) < d_) ++l_;
        m_ = ((uint64_t{1} << (31 + l_)) + d_ - 1) / d_;
    }
    int32_t remainder(int32_t x) const noexcept {
        const uint64_t q = (static_cast<uint64_t>(x) * m_) >> (31 + l_);
        return static_cast<int32_t>(static_cast<uint64_t>(x) - q * d_);
    }

private:
    uint64_t d_;
    uint64_t m_ = 0;
    int l_ = 0;
};

// java.lang.String.hashCode() of a UTF-8 string: s[0]*31^(n-1) + ... over UTF-16 code units.
inline int32_t javaStringHashCode(const std::string& utf8) noexcept {
    uint32_t h = 0;
    auto add = [&h](uint32_t unit) { h = 31 * h + unit; };
    for (size_t i = 0; i < utf8.size();) {
        const unsigned char c = static_cast<unsigned char>(utf8[i]);
        uint32_t cp;
        size_t len;
        if (c < 0x80) { cp = c; len = 1; }
        else if ((c >> 5) == 0x6) { cp = c & 0x1f; len = 2; }
        else if ((c >> 4) == 0xe) { cp = c & 0x0f; len = 3; }
        else { cp = c & 0x07; len = 4; }
        if (i + len > utf8.size()) len = utf8.size() - i;  // truncated sequence: take what is there
        for (size_t j = 1; j < len; ++j) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + j]) & 0x3f);
        i += len;
        if (cp >= 0x10000) {  // a surrogate pair in UTF-16
            cp -= 0x10000;
            add(0xd800 + (cp >> 10));
            add(0xdc00 + (cp & 0x3ff));
        } else {
            add(cp);
        }
    }
    return static_cast<int32_t>(h);
}

// 64-bit FNV-1a, for trace hashes: simple, stable and the same on every platform.
inline uint64_t fnv1a64(const void* data, size_t size, uint64_t h = 0xcbf29ce484222325ULL) noexcept {
    const auto* p = static_cast<const uint8_t*>(data);
    for (size_t i = 0; i < size; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

}  // namespace kstream_sim
