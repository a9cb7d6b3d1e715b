// Records as the broker stores them: TopicPartition, headers, and record batches of serialized bytes.
//
// As in Kafka, a partition's log is a sequence of record batches; a batch has a base offset and each
// record in it an offset delta. A batch's records are bytes in Kafka's v2 record format (DefaultRecord: a length,
// timestamp and offset deltas, key, value and headers, with varint lengths), decoded when read. The bytes of a batch
// (its payload) are immutable once the producer sends it, so a retry, a replica and a consumer all share one
// payload instead of copying it.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>
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

// The encoded size of a length-prefixed byte array of the record format (-1: null, one byte).
inline int32_t sizedBytesSize(int32_t size) noexcept { return size < 0 ? 1 : varintSize(size) + size; }
// The encoded size of a record's headers: their count, then each key and value. (Never inlined: records without
// headers are the common case, and recordBodySize() stays small enough to inline.)
template <class D = void>
[[gnu::noinline]] int32_t headersSize(const Dependent<Headers, D>& headers) noexcept {
    int32_t size = varintSize(static_cast<int64_t>(headers.size()));
    for (const auto& h : headers)
        size += sizedBytesSize(static_cast<int32_t>(h.key().size())) + (h.value() ? sizedBytesSize(static_cast<int32_t>(h.value()->size())) : 1);
    return size;
}
// Kafka's DefaultRecord.sizeInBodyBytes for the v2 record format (uncompressed): what the record's length prefix
// counts (attributes, timestamp and offset deltas, key, value, headers). The whole record is that plus the prefix.
template <class D = void>
int32_t recordBodySize(int32_t offset_delta, int64_t timestamp_delta, int32_t key_size, int32_t value_size,
                       const Dependent<Headers, D>* headers) noexcept {
    const int32_t body = 1 + varintSize(timestamp_delta) + varintSize(offset_delta) + sizedBytesSize(key_size) + sizedBytesSize(value_size);
    return body + (headers ? headersSize<D>(*headers) : 1);  // (no headers: a count of 0)
}
inline int32_t recordSizeFromBody(int32_t body) noexcept { return varintSize(body) + body; }

// DefaultRecordBatch.RECORD_BATCH_OVERHEAD: the v2 batch header.
constexpr int kRecordBatchOverhead = 61;

// A length-prefixed byte array of the record format (a key, a value, a header's key or value): -1 is null.
inline uint8_t* writeSizedBytes(uint8_t* p, ByteView bytes) noexcept {
    p = writeVarint(p, bytes.size);
    if (bytes.size > 0) {
        copyBytes(p, bytes.data, static_cast<size_t>(bytes.size));
        p += bytes.size;
    }
    return p;
}
// Reads a varint of the record format from a batch's own bytes; a malformed one cannot come from the producer, so
// it is reported as Kafka reports a corrupt record.
inline const uint8_t* readRecordVarint(const uint8_t* p, const uint8_t* end, int64_t& value) {
    p = readVarint(p, end, value);
    if (!p) throw CorruptRecordException("Found invalid varint in a record batch");
    return p;
}
inline const uint8_t* readSizedBytes(const uint8_t* p, const uint8_t* end, ByteView& bytes) {
    int64_t size = 0;
    p = readRecordVarint(p, end, size);
    if (size > end - p) throw CorruptRecordException("Found a record field longer than its record");
    bytes = size < 0 ? ByteView{} : ByteView{p, static_cast<int32_t>(size)};
    return size < 0 ? p : p + size;
}

}  // namespace detail

// One record of a stored batch (Kafka's Record), decoded from the batch's bytes: key, value and headers are views
// into them, valid as long as the batch (a StoredBatch shares its payload).
class StoredRecord {
public:
    int64_t offset() const noexcept { return offset_; }
    // The record's timestamp (the batch's LogAppendTime when the topic uses it).
    int64_t timestamp() const noexcept { return timestamp_; }
    ByteView key() const noexcept { return key_; }      // isNull(): a null key
    ByteView value() const noexcept { return value_; }  // isNull(): a null value (a tombstone)
    bool hasKey() const noexcept { return !key_.isNull(); }
    bool hasValue() const noexcept { return !value_.isNull(); }
    int32_t headerCount() const noexcept { return header_count_; }
    // The headers, decoded from the record's bytes (a member template: compiled only where called).
    template <class D = void>
    detail::Dependent<Headers, D> headers() const {
        detail::Dependent<Headers, D> out;
        const uint8_t* p = header_bytes_.data;
        const uint8_t* end = p + header_bytes_.size;
        for (int32_t i = 0; i < header_count_; ++i) {
            ByteView key, value;
            p = detail::readSizedBytes(p, end, key);
            p = detail::readSizedBytes(p, end, value);
            out.add(key.str(), value.isNull() ? std::nullopt : std::optional<Bytes>(value.bytes()));
        }
        return out;
    }

private:
    friend class StoredRecordIterator;
    int64_t offset_ = 0;
    int64_t timestamp_ = -1;
    ByteView key_, value_;
    ByteView header_bytes_{nullptr, 0};
    int32_t header_count_ = 0;
};

// Walks a batch's records in offset order, decoding each as it comes (as iterating Kafka's RecordBatch does).
class StoredRecordIterator {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = StoredRecord;
    using difference_type = std::ptrdiff_t;
    using pointer = const StoredRecord*;
    using reference = const StoredRecord&;

    StoredRecordIterator(const uint8_t* at, const uint8_t* end, int64_t base_offset, int64_t first_timestamp, int64_t log_append_time)
        : at_(at), end_(end), base_offset_(base_offset), first_timestamp_(first_timestamp), log_append_time_(log_append_time) {
        decode();
    }
    reference operator*() const noexcept { return record_; }
    pointer operator->() const noexcept { return &record_; }
    StoredRecordIterator& operator++() {
        at_ = next_;
        decode();
        return *this;
    }
    friend bool operator==(const StoredRecordIterator& a, const StoredRecordIterator& b) noexcept { return a.at_ == b.at_; }
    friend bool operator!=(const StoredRecordIterator& a, const StoredRecordIterator& b) noexcept { return a.at_ != b.at_; }

private:
    // DefaultRecord: length, attributes, timestampDelta, offsetDelta, key, value, header count, headers.
    void decode() {
        if (at_ == end_) return;
        int64_t length = 0, timestamp_delta = 0, offset_delta = 0, header_count = 0;
        const uint8_t* p = detail::readRecordVarint(at_, end_, length);
        if (length < 1 || length > end_ - p) throw CorruptRecordException("Found a record whose length runs past its batch");
        next_ = p + length;
        p = detail::readRecordVarint(p + 1, next_, timestamp_delta);  // (attributes: unused in v2 records)
        p = detail::readRecordVarint(p, next_, offset_delta);
        p = detail::readSizedBytes(p, next_, record_.key_);
        p = detail::readSizedBytes(p, next_, record_.value_);
        p = detail::readRecordVarint(p, next_, header_count);
        record_.offset_ = base_offset_ + offset_delta;
        record_.timestamp_ = log_append_time_ >= 0 ? log_append_time_ : first_timestamp_ + timestamp_delta;
        record_.header_count_ = static_cast<int32_t>(header_count);
        record_.header_bytes_ = ByteView{p, static_cast<int32_t>(next_ - p)};
    }

    const uint8_t* at_;
    const uint8_t* end_;
    const uint8_t* next_ = nullptr;
    int64_t base_offset_, first_timestamp_, log_append_time_;
    StoredRecord record_;
};

// A batch's records, for range-for.
struct StoredRecords {
    StoredRecordIterator first, last;
    StoredRecordIterator begin() const { return first; }
    StoredRecordIterator end() const { return last; }
};

// The immutable contents of a record batch as a producer built it: its records in Kafka's v2 format
// (DefaultRecord), back to back, and what the batch header says about them.
struct BatchPayload {
    ByteBuffer data;
    int32_t record_count = 0;
    int64_t first_timestamp = -1;  // the batch header's baseTimestamp: timestamps are stored as deltas from it
    int64_t max_timestamp = -1;    // the header's maxTimestamp
    int64_t min_timestamp = -1;    // (not in Kafka's header: lets the broker check CreateTime bounds without decoding)
    int32_t size_in_bytes = detail::kRecordBatchOverhead;  // the encoded batch: header and records

    int32_t count() const noexcept { return record_count; }
    StoredRecords records(int64_t base_offset = 0, int64_t log_append_time = -1) const {
        const uint8_t* begin = data.data();
        const uint8_t* end = begin + data.size();
        return {{begin, end, base_offset, first_timestamp, log_append_time}, {end, end, base_offset, first_timestamp, log_append_time}};
    }

    // Appends one record, encoded, if the batch then holds at most `limit` bytes (the first record of a batch
    // always goes in); returns the record's size in bytes, or 0 when it would not fit (nothing is appended).
    // Member templates, like Headers' members, so that they compile only in programs that produce.
    template <class D = void>
    int32_t tryAppend(int64_t timestamp, ByteView key, ByteView value, const Headers* record_headers, int64_t limit) {
        const int64_t timestamp_delta = timestamp - timestampBase(timestamp);
        const int32_t body = detail::recordBodySize<D>(record_count, timestamp_delta, key.size, value.size, record_headers);
        const int32_t size = detail::recordSizeFromBody(body);
        if (record_count > 0 && size_in_bytes + int64_t{size} > limit) return 0;
        uint8_t* p = data.grow(static_cast<size_t>(size));
        p = detail::writeVarint(p, body);
        *p++ = 0;  // attributes
        p = detail::writeVarint(p, timestamp_delta);
        p = detail::writeVarint(p, record_count);
        p = detail::writeSizedBytes(p, key);
        p = detail::writeSizedBytes(p, value);
        p = detail::writeVarint(p, record_headers ? static_cast<int64_t>(record_headers->size()) : 0);
        if (record_headers)
            for (const auto& h : *record_headers) {
                p = detail::writeSizedBytes(p, {reinterpret_cast<const uint8_t*>(h.key().data()), static_cast<int32_t>(h.key().size())});
                p = detail::writeSizedBytes(p, h.value() ? ByteView{h.value()->data(), static_cast<int32_t>(h.value()->size())} : ByteView{});
            }
        if (record_count == 0) first_timestamp = max_timestamp = min_timestamp = timestamp;
        max_timestamp = timestamp > max_timestamp ? timestamp : max_timestamp;
        min_timestamp = timestamp < min_timestamp ? timestamp : min_timestamp;
        ++record_count;
        size_in_bytes += size;
        return size;
    }
    // Appends one record, encoded, whatever the batch's size.
    template <class D = void>
    void append(int64_t timestamp, ByteView key, ByteView value, const Headers* record_headers) {
        tryAppend<D>(timestamp, key, value, record_headers, INT64_MAX);
    }

private:
    int64_t timestampBase(int64_t timestamp) const noexcept { return record_count == 0 ? timestamp : first_timestamp; }
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
    // The records with their offsets and timestamps (LogAppendTime applied), in offset order.
    StoredRecords records() const { return payload->records(base_offset, log_append_time); }
    int64_t maxTimestamp() const noexcept { return log_append_time >= 0 ? log_append_time : payload->max_timestamp; }
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
