// Records as the broker stores them: TopicPartition, headers, and record batches of serialized bytes.
//
// As in Kafka, a partition's log is a sequence of record batches; a batch has a base offset and each
// record in it an offset delta. The bytes of a batch (its payload) are immutable once the producer sends
// it, so a retry, a replica and a consumer all share one payload instead of copying it.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "../core/bytes.hpp"
#include "../core/dependent.hpp"
#include "../core/errors.hpp"

namespace kstream_sim {

class TopicPartition {
public:
    TopicPartition() = default;
    TopicPartition(std::string topic, int32_t partition) : topic_(std::move(topic)), partition_(partition) {}

    const std::string& topic() const noexcept { return topic_; }
    int32_t partition() const noexcept { return partition_; }
    std::string toString() const { return topic_ + "-" + std::to_string(partition_); }

    friend bool operator==(const TopicPartition& a, const TopicPartition& b) {
        return a.partition_ == b.partition_ && a.topic_ == b.topic_;
    }
    friend bool operator!=(const TopicPartition& a, const TopicPartition& b) { return !(a == b); }
    friend bool operator<(const TopicPartition& a, const TopicPartition& b) {
        return a.topic_ != b.topic_ ? a.topic_ < b.topic_ : a.partition_ < b.partition_;
    }
    friend std::ostream& operator<<(std::ostream& out, const TopicPartition& tp) { return out << tp.toString(); }

private:
    std::string topic_;
    int32_t partition_ = 0;
};

enum class TimestampType { NoTimestampType, CreateTime, LogAppendTime };

inline const char* toString(TimestampType t) noexcept {
    switch (t) {
        case TimestampType::CreateTime: return "CreateTime";
        case TimestampType::LogAppendTime: return "LogAppendTime";
        default: return "NoTimestampType";
    }
}
inline std::ostream& operator<<(std::ostream& out, TimestampType t) { return out << toString(t); }

// A class template only so that it (its std::optional<Bytes>) is compiled when used (see "Include cost" in
// docs/performance.md); the type is Header.
namespace detail {
template <class D = void>
class HeaderImpl {
    using Bytes = Dependent<kstream_sim::Bytes, D>;

public:
    HeaderImpl(std::string key, std::optional<Bytes> value) : key_(std::move(key)), value_(std::move(value)) {}
    HeaderImpl(std::string key, const std::string& value) : key_(std::move(key)), value_(Bytes(value.begin(), value.end())) {}
    HeaderImpl(std::string key, const char* value) : HeaderImpl(std::move(key), std::string(value)) {}

    const std::string& key() const noexcept { return key_; }
    // Java returns null for a null header value; here that is nullopt.
    const std::optional<Bytes>& value() const noexcept { return value_; }
    std::string valueString() const { return value_ ? std::string(value_->begin(), value_->end()) : std::string(); }

    friend bool operator==(const HeaderImpl& a, const HeaderImpl& b) { return a.key_ == b.key_ && a.value_ == b.value_; }

private:
    std::string key_;
    std::optional<Bytes> value_;
};
}  // namespace detail

using Header = detail::HeaderImpl<>;

// Kafka's Headers: an ordered list where a key may repeat; lastHeader() finds the newest.
// The members that build, copy, search or compare the list are member templates, called as usual, naming Header
// through their parameter, so that they (and the std::vector<Header> and Header functions they use) compile
// only in programs that call them (docs/performance.md).
class Headers {
public:
    Headers() = default;
    template <class D = void>
    Headers(std::initializer_list<detail::Dependent<Header, D>> headers) : headers_(headers) {}

    template <class D = void>
    Headers& add(detail::Dependent<Header, D> header) {
        headers_.push_back(std::move(header));
        return *this;
    }
    template <class D = void>
    Headers& add(const std::string& key, const std::string& value) { return add<D>(detail::Dependent<Header, D>(key, value)); }
    template <class D = void>
    Headers& add(const std::string& key, std::optional<detail::Dependent<Bytes, D>> value) { return add<D>(detail::Dependent<Header, D>(key, std::move(value))); }
    template <class D = void>
    Headers& remove(const std::string& key) {
        std::vector<detail::Dependent<Header, D>> kept;
        for (auto& h : headers_)
            if (h.key() != key) kept.push_back(std::move(h));
        headers_.swap(kept);
        return *this;
    }
    template <class D = void>
    const detail::Dependent<Header, D>* lastHeader(const std::string& key) const {
        for (auto it = headers_.rbegin(); it != headers_.rend(); ++it)
            if (it->key() == key) return &*it;
        return nullptr;
    }
    template <class D = void>
    std::vector<detail::Dependent<Header, D>> headers(const std::string& key) const {
        std::vector<detail::Dependent<Header, D>> out;
        for (const auto& h : headers_)
            if (h.key() == key) out.push_back(h);
        return out;
    }
    const std::vector<Header>& toArray() const noexcept { return headers_; }
    size_t size() const noexcept { return headers_.size(); }
    bool empty() const noexcept { return headers_.empty(); }
    auto begin() const { return headers_.begin(); }
    auto end() const { return headers_.end(); }

    template <class D = void>
    friend bool operator==(const Headers& a, const detail::Dependent<Headers, D>& b) { return a.headers_ == b.headers_; }

private:
    std::vector<Header> headers_;
};

namespace detail {

// Zig-zag varint sizes, as Kafka's ByteUtils computes them; used for exact batch-size accounting.
// Small values (the common case: offset deltas, short keys) take the first, predictable branches.
inline int varintSize(int64_t value) noexcept {
    uint64_t v = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
    if (v < (1u << 7)) return 1;
    if (v < (1u << 14)) return 2;
    int bytes = 3;
    for (v >>= 21; v != 0; v >>= 7) ++bytes;
    return bytes;
}

// Kafka's DefaultRecord.sizeInBytes for the v2 record format (uncompressed).
template <class D = void>
int recordSizeInBytes(int32_t offset_delta, int64_t timestamp_delta, int32_t key_size, int32_t value_size,
                      const Dependent<Headers, D>* headers) noexcept {
    int body = 1 + varintSize(timestamp_delta) + varintSize(offset_delta);
    body += key_size < 0 ? 1 : varintSize(key_size) + key_size;
    body += value_size < 0 ? 1 : varintSize(value_size) + value_size;
    const int header_count = headers ? static_cast<int>(headers->size()) : 0;
    body += varintSize(header_count);
    if (headers)
        for (const auto& h : *headers) {
            body += varintSize(static_cast<int64_t>(h.key().size())) + static_cast<int>(h.key().size());
            body += h.value() ? varintSize(static_cast<int64_t>(h.value()->size())) + static_cast<int>(h.value()->size()) : 1;
        }
    return body + varintSize(body);
}

// DefaultRecordBatch.RECORD_BATCH_OVERHEAD: the v2 batch header.
constexpr int kRecordBatchOverhead = 61;

}  // namespace detail

// One record inside a batch payload: where its bytes are, and its own timestamp (24 bytes).
struct RecordEntry {
    int64_t timestamp;
    int32_t key_offset;     // the value follows the key
    int32_t key_size;       // -1: null key
    int32_t value_size;     // -1: null value (a tombstone)
    int32_t headers_index;  // -1: no headers
    int32_t valueOffset() const noexcept { return key_offset + (key_size > 0 ? key_size : 0); }
};

// The immutable contents of a record batch as a producer built it.
struct BatchPayload {
    std::vector<RecordEntry> records;
    ByteBuffer data;
    std::vector<Headers> headers;
    int32_t size_in_bytes = detail::kRecordBatchOverhead;  // v2 encoded size, uncompressed

    int32_t count() const noexcept { return static_cast<int32_t>(records.size()); }
    ByteView key(const RecordEntry& r) const noexcept { return {data.data() + r.key_offset, r.key_size}; }
    ByteView value(const RecordEntry& r) const noexcept { return {data.data() + r.valueOffset(), r.value_size}; }
    const Headers* headersOf(const RecordEntry& r) const noexcept {
        return r.headers_index < 0 ? nullptr : &headers[static_cast<size_t>(r.headers_index)];
    }

    // The encoded size the next record would take in this batch (Kafka's DefaultRecord.sizeInBytes).
    int32_t recordSize(int64_t timestamp, int32_t key_size, int32_t value_size, const Headers* h) const noexcept {
        const int64_t first_ts = records.empty() ? timestamp : records.front().timestamp;
        return detail::recordSizeInBytes(count(), timestamp - first_ts, key_size, value_size, h);
    }

    // Appends one record whose encoded size the caller computed with recordSize(). Member templates, like
    // Headers' members, so that they compile only in programs that produce.
    template <class D = void>
    void append(int64_t timestamp, ByteView key, ByteView value, const Headers* record_headers, int32_t encoded_size) {
        const size_t at = data.size();
        if (!key.isNull()) data.append(key.data, static_cast<size_t>(key.size));
        if (!value.isNull()) data.append(value.data, static_cast<size_t>(value.size));
        int32_t headers_index = -1;
        if (record_headers && !record_headers->empty()) {
            headers_index = static_cast<int32_t>(headers.size());
            headers.push_back(*record_headers);
        }
        records.push_back(RecordEntry{timestamp, static_cast<int32_t>(at), key.size, value.size, headers_index});
        size_in_bytes += encoded_size;
    }
    template <class D = void>
    void append(int64_t timestamp, ByteView key, ByteView value, const Headers* record_headers) {
        append(timestamp, key, value, record_headers, recordSize(timestamp, key.size, value.size, record_headers));
    }
};

// Producer identity on a batch (idempotence and transactions); -1 when absent.
struct ProducerIdentity {
    int64_t producer_id = -1;
    int16_t producer_epoch = -1;
    int32_t base_sequence = -1;
    bool transactional = false;
};

enum class ControlType : int8_t { None = -1, Abort = 0, Commit = 1 };

// A batch as stored in a partition log: offsets and broker-side metadata around a shared payload.
struct StoredBatch {
    int64_t base_offset = 0;
    int64_t log_append_time = -1;      // set when the topic uses LogAppendTime
    int32_t partition_leader_epoch = 0;
    ProducerIdentity producer;
    ControlType control = ControlType::None;  // a transaction marker when not None
    std::shared_ptr<const BatchPayload> payload;

    int32_t count() const noexcept { return payload->count(); }
    int64_t lastOffset() const noexcept { return base_offset + count() - 1; }
    int64_t nextOffset() const noexcept { return base_offset + count(); }
    int32_t sizeInBytes() const noexcept { return payload->size_in_bytes; }
    bool isControl() const noexcept { return control != ControlType::None; }
    TimestampType timestampType() const noexcept {
        return log_append_time >= 0 ? TimestampType::LogAppendTime : TimestampType::CreateTime;
    }
    int64_t timestampOf(const RecordEntry& r) const noexcept { return log_append_time >= 0 ? log_append_time : r.timestamp; }
    int64_t maxTimestamp() const noexcept {
        if (log_append_time >= 0) return log_append_time;
        int64_t m = -1;
        for (const auto& r : payload->records) m = r.timestamp > m ? r.timestamp : m;
        return m;
    }
};

}  // namespace kstream_sim

namespace std {
template <>
struct hash<kstream_sim::TopicPartition> {
    size_t operator()(const kstream_sim::TopicPartition& tp) const noexcept {
        return hash<string>()(tp.topic()) * 31 + static_cast<size_t>(tp.partition());
    }
};
}  // namespace std
