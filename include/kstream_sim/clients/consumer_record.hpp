// ConsumerRecord, ConsumerRecords and OffsetAndMetadata: what a consumer reads and commits.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "../broker/record.hpp"
#include "../core/dependent.hpp"

namespace kstream_sim {

template <class K, class V>
class ConsumerRecord {
public:
    ConsumerRecord(std::string topic, int32_t partition, int64_t offset, int64_t timestamp, TimestampType timestamp_type,
                   int32_t serialized_key_size, int32_t serialized_value_size, K key, V value, Headers headers,
                   std::optional<int32_t> leader_epoch)
        : topic_(std::move(topic)), partition_(partition), offset_(offset), timestamp_(timestamp), timestamp_type_(timestamp_type),
          key_size_(serialized_key_size), value_size_(serialized_value_size), key_(std::move(key)), value_(std::move(value)),
          headers_(std::move(headers)), leader_epoch_(leader_epoch) {}

    const std::string& topic() const noexcept { return topic_; }
    int32_t partition() const noexcept { return partition_; }
    int64_t offset() const noexcept { return offset_; }
    int64_t timestamp() const noexcept { return timestamp_; }
    TimestampType timestampType() const noexcept { return timestamp_type_; }
    // -1 for a null key or value (use std::optional<K>/<V> to receive nulls as nullopt).
    int32_t serializedKeySize() const noexcept { return key_size_; }
    int32_t serializedValueSize() const noexcept { return value_size_; }
    const K& key() const noexcept { return key_; }
    const V& value() const noexcept { return value_; }
    const Headers& headers() const noexcept { return headers_; }
    const std::optional<int32_t>& leaderEpoch() const noexcept { return leader_epoch_; }

private:
    std::string topic_;
    int32_t partition_;
    int64_t offset_;
    int64_t timestamp_;
    TimestampType timestamp_type_;
    int32_t key_size_, value_size_;
    K key_;
    V value_;
    Headers headers_;
    std::optional<int32_t> leader_epoch_;
};

// The records one poll() returned, in the order they were fetched; iterable.
template <class K, class V>
class ConsumerRecords {
public:
    ConsumerRecords() = default;
    explicit ConsumerRecords(std::vector<ConsumerRecord<K, V>> records) : records_(std::move(records)) {}

    int count() const noexcept { return static_cast<int>(records_.size()); }
    bool isEmpty() const noexcept { return records_.empty(); }
    std::vector<ConsumerRecord<K, V>> records(const TopicPartition& tp) const {
        std::vector<ConsumerRecord<K, V>> out;
        for (const auto& r : records_)
            if (r.partition() == tp.partition() && r.topic() == tp.topic()) out.push_back(r);
        return out;
    }
    std::vector<ConsumerRecord<K, V>> records(const std::string& topic) const {
        std::vector<ConsumerRecord<K, V>> out;
        for (const auto& r : records_)
            if (r.topic() == topic) out.push_back(r);
        return out;
    }
    std::set<detail::Dependent<TopicPartition, K>> partitions() const {  // through K: built only when used
        std::set<detail::Dependent<TopicPartition, K>> out;
        for (const auto& r : records_) out.emplace(r.topic(), r.partition());
        return out;
    }
    auto begin() const noexcept { return records_.begin(); }
    auto end() const noexcept { return records_.end(); }

private:
    std::vector<ConsumerRecord<K, V>> records_;
};

class OffsetAndMetadata {
public:
    OffsetAndMetadata(int64_t offset, std::string metadata = "") : offset_(offset), metadata_(std::move(metadata)) {}
    OffsetAndMetadata(int64_t offset, std::optional<int32_t> leader_epoch, std::string metadata)
        : offset_(offset), leader_epoch_(leader_epoch), metadata_(std::move(metadata)) {}

    int64_t offset() const noexcept { return offset_; }
    const std::optional<int32_t>& leaderEpoch() const noexcept { return leader_epoch_; }
    const std::string& metadata() const noexcept { return metadata_; }
    friend bool operator==(const OffsetAndMetadata& a, const OffsetAndMetadata& b) {
        return a.offset_ == b.offset_ && a.leader_epoch_ == b.leader_epoch_ && a.metadata_ == b.metadata_;
    }
    std::string toString() const {
        return "OffsetAndMetadata{offset=" + std::to_string(offset_) + ", leaderEpoch=" +
               (leader_epoch_ ? std::to_string(*leader_epoch_) : std::string("null")) + ", metadata='" + metadata_ + "'}";
    }
    friend std::ostream& operator<<(std::ostream& out, const OffsetAndMetadata& o) { return out << o.toString(); }

private:
    int64_t offset_;
    std::optional<int32_t> leader_epoch_;
    std::string metadata_;
};

class OffsetAndTimestamp {
public:
    OffsetAndTimestamp(int64_t offset, int64_t timestamp) : offset_(offset), timestamp_(timestamp) {}
    int64_t offset() const noexcept { return offset_; }
    int64_t timestamp() const noexcept { return timestamp_; }

private:
    int64_t offset_, timestamp_;
};

// Kafka's ConsumerRebalanceListener: override what you need.
class ConsumerRebalanceListener {
public:
    virtual ~ConsumerRebalanceListener() = default;
    virtual void onPartitionsRevoked(const std::set<TopicPartition>& partitions) = 0;
    virtual void onPartitionsAssigned(const std::set<TopicPartition>& partitions) = 0;
    // Default as in Kafka: treat lost partitions as revoked.
    virtual void onPartitionsLost(const std::set<TopicPartition>& partitions) { onPartitionsRevoked(partitions); }
};

// Kafka's OffsetCommitCallback.onComplete(offsets, exception): exception is nullptr on success.
using OffsetCommitCallback =
    std::function<void(const std::map<TopicPartition, OffsetAndMetadata>&, const KafkaException*)>;

// ConsumerGroupMetadata: what a transactional producer needs to commit a group's offsets.
class ConsumerGroupMetadata {
public:
    ConsumerGroupMetadata(std::string group_id, int32_t generation, std::string member_id, std::optional<std::string> instance_id)
        : group_id_(std::move(group_id)), generation_(generation), member_id_(std::move(member_id)), instance_id_(std::move(instance_id)) {}
    const std::string& groupId() const noexcept { return group_id_; }
    int32_t generationId() const noexcept { return generation_; }
    const std::string& memberId() const noexcept { return member_id_; }
    const std::optional<std::string>& groupInstanceId() const noexcept { return instance_id_; }

private:
    std::string group_id_;
    int32_t generation_;
    std::string member_id_;
    std::optional<std::string> instance_id_;
};

}  // namespace kstream_sim
