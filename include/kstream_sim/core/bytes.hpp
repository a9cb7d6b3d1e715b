// Bytes: what Kafka stores. Big-endian integer encoding (Java's DataOutput), hex dumps.
//
// Everything inside the simulated cluster is bytes, as in Kafka: typed keys and values exist only at the
// client edges, where serdes convert them. A null key or value is distinct from an empty one.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "arena.hpp"

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

// Small copies and comparisons written out (keys and values of a few bytes, per record on the Streams paths): up to
// 16 bytes in at most two loads or stores of a word each (overlapping), longer ones by the C library; a call into
// memcpy or memcmp costs more than the copy itself at these sizes.
template <class Word>
Word loadWord(const uint8_t* p) noexcept {
    Word w;
    std::memcpy(&w, p, sizeof w);
    return w;
}
template <class Word>
void storeWord(uint8_t* p, Word w) noexcept {
    std::memcpy(p, &w, sizeof w);
}
inline void copyBytes(uint8_t* to, const uint8_t* from, size_t n) noexcept {
    if (n > 16) {
        std::memcpy(to, from, n);
    } else if (n >= 8) {
        const uint64_t head = loadWord<uint64_t>(from), tail = loadWord<uint64_t>(from + n - 8);
        storeWord(to, head), storeWord(to + n - 8, tail);
    } else if (n >= 4) {
        const uint32_t head = loadWord<uint32_t>(from), tail = loadWord<uint32_t>(from + n - 4);
        storeWord(to, head), storeWord(to + n - 4, tail);
    } else {
        for (size_t i = 0; i < n; ++i) to[i] = from[i];
    }
}
// a[0, n) == b[0, n), for n <= 16.
inline bool equalShortBytes(const uint8_t* a, const uint8_t* b, size_t n) noexcept {
    if (n >= 8) return loadWord<uint64_t>(a) == loadWord<uint64_t>(b) && loadWord<uint64_t>(a + n - 8) == loadWord<uint64_t>(b + n - 8);
    if (n >= 4) return loadWord<uint32_t>(a) == loadWord<uint32_t>(b) && loadWord<uint32_t>(a + n - 4) == loadWord<uint32_t>(b + n - 4);
    for (size_t i = 0; i < n; ++i)
        if (a[i] != b[i]) return false;
    return true;
}

// a == b for strings that are mostly short (topic names): the bytes compared in words, without a call into memcmp.
inline bool sameString(const std::string& a, const std::string& b) noexcept {
    if (a.size() != b.size()) return false;
    const auto* x = reinterpret_cast<const uint8_t*>(a.data());
    const auto* y = reinterpret_cast<const uint8_t*>(b.data());
    return a.size() <= 16 ? equalShortBytes(x, y, a.size()) : std::memcmp(x, y, a.size()) == 0;
}

// to = the n bytes at p, written over to's own bytes: a buffer that already has n bytes (a value of the same size
// as before, the common case for stores and scratch buffers) is neither resized nor reallocated. (std::vector's
// assign() is a call into its out-of-line code every time.)
inline void assignBytes(Bytes& to, const uint8_t* p, size_t n) {
    if (to.size() != n) to.resize(n);
    copyBytes(to.data(), p, n);
}

// The low `width` bytes of value, most significant first, at p.
inline void writeBigEndian(uint8_t* p, uint64_t value, int width) noexcept {
    if (width == 8) {  // written out, as in readBigEndian: one byte swap and one store once compiled
        p[0] = static_cast<uint8_t>(value >> 56), p[1] = static_cast<uint8_t>(value >> 48);
        p[2] = static_cast<uint8_t>(value >> 40), p[3] = static_cast<uint8_t>(value >> 32);
        p[4] = static_cast<uint8_t>(value >> 24), p[5] = static_cast<uint8_t>(value >> 16);
        p[6] = static_cast<uint8_t>(value >> 8), p[7] = static_cast<uint8_t>(value);
        return;
    }
    for (int i = width - 1; i >= 0; --i, value >>= 8) p[i] = static_cast<uint8_t>(value);
}
inline void appendBigEndian(Bytes& out, uint64_t value, int width) {
    const size_t at = out.size();
    out.resize(at + static_cast<size_t>(width));  // one size check, not one per byte
    writeBigEndian(out.data() + at, value, width);
}

inline uint64_t readBigEndian(const uint8_t* data, int width) noexcept {
    if (width == 8)  // longs, doubles and timestamps: written out, compilers make it one load and a byte swap
        return (uint64_t{data[0]} << 56) | (uint64_t{data[1]} << 48) | (uint64_t{data[2]} << 40) | (uint64_t{data[3]} << 32) |
               (uint64_t{data[4]} << 24) | (uint64_t{data[5]} << 16) | (uint64_t{data[6]} << 8) | uint64_t{data[7]};
    uint64_t value = 0;
    for (int i = 0; i < width; ++i) value = (value << 8) | data[i];
    return value;
}

// Zig-zag varints, as Kafka's ByteUtils writes them (writeVarint/writeVarlong: the same bytes for an int and a long
// of the same value): the record format's lengths, deltas and counts.
inline uint64_t zigZag(int64_t value) noexcept { return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63); }
// (Small values, the common case of offset deltas and short keys, take the first, predictable branches.)
inline int varintSize(int64_t value) noexcept {
    uint64_t v = zigZag(value);
    if (v < (1u << 7)) return 1;
    if (v < (1u << 14)) return 2;
    int bytes = 3;
    for (v >>= 21; v != 0; v >>= 7) ++bytes;
    return bytes;
}
// Writes `value` at p (varintSize(value) bytes); returns the position after it.
inline uint8_t* writeVarint(uint8_t* p, int64_t value) noexcept {
    uint64_t v = zigZag(value);
    if (v < 0x80) {
        *p = static_cast<uint8_t>(v);
        return p + 1;
    }
    if (v < 0x4000) {  // two bytes: a record's length, a 100-byte value's length
        p[0] = static_cast<uint8_t>(v | 0x80);
        p[1] = static_cast<uint8_t>(v >> 7);
        return p + 2;
    }
    for (; v >= 0x80; v >>= 7) *p++ = static_cast<uint8_t>(v | 0x80);
    *p++ = static_cast<uint8_t>(v);
    return p;
}
// Reads a varint of at most max_bytes at p; returns the position after it, or nullptr when it is longer or runs
// past `end` (Kafka: "Varint is too long").
inline const uint8_t* readVarint(const uint8_t* p, const uint8_t* end, int64_t& value, int max_bytes = 10) noexcept {
    uint64_t v = 0;
    for (int shift = 0; p < end && shift < 7 * max_bytes; shift += 7) {
        const uint8_t b = *p++;
        v |= static_cast<uint64_t>(b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
            value = static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
            return p;
        }
    }
    return nullptr;
}

// Appends raw bytes with one memcpy (inserting a std::string's chars into a vector<uint8_t> would copy
// them one by one, since the element types differ).
inline void appendRaw(Bytes& out, const void* data, size_t size) {
    if (size == 0) return;
    const size_t at = out.size();
    out.resize(at + size);
    std::memcpy(out.data() + at, data, size);
}

inline void appendString(Bytes& out, const std::string& s) { appendRaw(out, s.data(), s.size()); }

}  // namespace detail

// A growable byte buffer that, unlike std::vector<uint8_t>, never zero-fills what it is about to overwrite:
// record batches are built by appending, and this is the producer's innermost loop. Its storage comes from the
// heap, or from a ByteArena (reserveIn(): a producer's batch, whose size is known when it opens); growing past
// that takes the heap.
class ByteBuffer {
public:
    ByteBuffer() = default;
    ByteBuffer(const ByteBuffer& other) { append(other.data(), other.size()); }
    ByteBuffer& operator=(const ByteBuffer& other) {
        if (this != &other) {
            size_ = 0;
            append(other.data(), other.size());
        }
        return *this;
    }
    ByteBuffer(ByteBuffer&& other) noexcept
        : bytes_(std::exchange(other.bytes_, nullptr)), chunk_(std::exchange(other.chunk_, nullptr)),
          size_(std::exchange(other.size_, 0)), capacity_(std::exchange(other.capacity_, 0)) {}
    ByteBuffer& operator=(ByteBuffer&& other) noexcept {
        std::swap(bytes_, other.bytes_);
        std::swap(chunk_, other.chunk_);
        std::swap(size_, other.size_);
        std::swap(capacity_, other.capacity_);
        return *this;
    }
    ~ByteBuffer() { releaseStorage(); }

    const uint8_t* data() const noexcept { return bytes_; }
    size_t size() const noexcept { return size_; }
    size_t capacity() const noexcept { return capacity_; }

    void reserve(size_t n) {
        if (n <= capacity_) return;
        uint8_t* bigger = new uint8_t[n];
        if (size_) std::memcpy(bigger, bytes_, size_);
        releaseStorage();
        bytes_ = bigger;
        capacity_ = n;
    }
    // reserve(n), in the arena when the buffer is still empty and the arena can help.
    void reserveIn(detail::ByteArena& arena, size_t n) {
        if (n <= capacity_) return;
        detail::ArenaChunk* chunk = nullptr;
        uint8_t* storage = size_ == 0 ? arena.allocate(n, chunk) : nullptr;
        if (!storage) return reserve(n);
        releaseStorage();
        bytes_ = storage;
        chunk_ = chunk;
        capacity_ = n;
    }
    void append(const uint8_t* p, size_t n) {
        if (n == 0) return;
        std::memcpy(grow(n), p, n);
    }
    // Makes the buffer n bytes longer and returns where the new bytes start, for the caller to write (they are
    // not initialized).
    uint8_t* grow(size_t n) {
        if (size_ + n > capacity_) reserve(std::max(size_ + n, capacity_ * 2));
        uint8_t* at = bytes_ + size_;
        size_ += n;
        return at;
    }

private:
    void releaseStorage() noexcept {
        if (chunk_)
            chunk_->release();
        else
            delete[] bytes_;
        bytes_ = nullptr;
        chunk_ = nullptr;
    }

    uint8_t* bytes_ = nullptr;
    detail::ArenaChunk* chunk_ = nullptr;  // the arena chunk bytes_ lies in; null: bytes_ is the heap's
    size_t size_ = 0;
    size_t capacity_ = 0;
};

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
