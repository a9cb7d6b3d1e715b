// ProducerRecord and RecordMetadata: what a producer sends, and where it landed.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <type_traits>

#include "../broker/record.hpp"
#include "serdes.hpp"

namespace kstream_sim {

namespace detail {
// Java references may be null: a plain K is stored as std::optional<K>; an optional K stays as it is.
template <class T>
struct Nullable {
    using type = std::optional<T>;
};
template <class T>
struct Nullable<std::optional<T>> {
    using type = std::optional<T>;
};
template <class T>
using NullableT = typename Nullable<T>::type;
}  // namespace detail

template <class K, class V>
class ProducerRecord {
public:
    using KeyType = detail::NullableT<K>;
    using ValueType = detail::NullableT<V>;

    // (topic, value): a null key. The arguments are forwarded, so each is copied at most once.
    template <class T, class VV, std::enable_if_t<std::is_constructible<ValueType, VV&&>::value, int> = 0>
    ProducerRecord(T&& topic, VV&& value) : topic_(std::forward<T>(topic)), value_(std::forward<VV>(value)) {}
    // (topic, key, value)
    template <class T, class KK, class VV,
              std::enable_if_t<std::is_constructible<KeyType, KK&&>::value && std::is_constructible<ValueType, VV&&>::value, int> = 0>
    ProducerRecord(T&& topic, KK&& key, VV&& value)
        : topic_(std::forward<T>(topic)), key_(std::forward<KK>(key)), value_(std::forward<VV>(value)) {}
    ProducerRecord(std::string topic, std::optional<int32_t> partition, KeyType key, ValueType value)
        : ProducerRecord(std::move(topic), partition, std::nullopt, std::move(key), std::move(value)) {}
    ProducerRecord(std::string topic, std::optional<int32_t> partition, std::optional<int64_t> timestamp, KeyType key,
                   ValueType value, Headers headers = {})
        : topic_(std::move(topic)), partition_(partition), timestamp_(timestamp), key_(std::move(key)),
          value_(std::move(value)), headers_(std::move(headers)) {
        if (timestamp && *timestamp < 0)
            throw IllegalArgumentException("Invalid timestamp: " + std::to_string(*timestamp) +
                                           ". Timestamp should always be non-negative or null.");
        if (partition && *partition < 0)
            throw IllegalArgumentException("Invalid partition: " + std::to_string(*partition) +
                                           ". Partition number should always be non-negative or null.");
    }

    const std::string& topic() const noexcept { return topic_; }
    const std::optional<int32_t>& partition() const noexcept { return partition_; }
    const std::optional<int64_t>& timestamp() const noexcept { return timestamp_; }
    const KeyType& key() const noexcept { return key_; }
    const ValueType& value() const noexcept { return value_; }
    const Headers& headers() const noexcept { return headers_; }
    Headers& headers() noexcept { return headers_; }

private:
    std::string topic_;
    std::optional<int32_t> partition_;
    std::optional<int64_t> timestamp_;
    KeyType key_;
    ValueType value_;
    Headers headers_;
};

class RecordMetadata {
public:
    RecordMetadata() = default;
    RecordMetadata(TopicPartition tp, int64_t offset, int64_t timestamp, int32_t key_size, int32_t value_size)
        : tp_(std::move(tp)), offset_(offset), timestamp_(timestamp), key_size_(key_size), value_size_(value_size) {}

    const std::string& topic() const noexcept { return tp_.topic(); }
    int32_t partition() const noexcept { return tp_.partition(); }
    // -1 when unknown: acks=0, or the send failed.
    int64_t offset() const noexcept { return offset_; }
    bool hasOffset() const noexcept { return offset_ >= 0; }
    int64_t timestamp() const noexcept { return timestamp_; }
    bool hasTimestamp() const noexcept { return timestamp_ >= 0; }
    // -1 for a null key or value.
    int32_t serializedKeySize() const noexcept { return key_size_; }
    int32_t serializedValueSize() const noexcept { return value_size_; }
    // "topic-partition@offset", as Java's toString().
    std::string toString() const { return tp_.toString() + "@" + std::to_string(offset_); }
    friend std::ostream& operator<<(std::ostream& out, const RecordMetadata& md) { return out << md.toString(); }

private:
    TopicPartition tp_;
    int64_t offset_ = -1;
    int64_t timestamp_ = -1;
    int32_t key_size_ = -1;
    int32_t value_size_ = -1;
};

}  // namespace kstream_sim
