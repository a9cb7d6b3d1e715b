// Topics and partitions as brokers hold them, topic configs (TopicConfig) and topic-name rules.
//
// A partition has replicas, a leader, an in-sync replica set, a log and a high watermark.
#pragma once

#include <cstdint>
#include <climits>
#include <map>
#include <string>
#include <vector>

#include "../core/config.hpp"
#include "../core/errors.hpp"
#include "partition_log.hpp"

namespace kstream_sim {

// Topic-level config names (org.apache.kafka.common.config.TopicConfig).
struct TopicConfig {
    static constexpr const char* CLEANUP_POLICY_CONFIG = "cleanup.policy";
    static constexpr const char* CLEANUP_POLICY_COMPACT = "compact";
    static constexpr const char* CLEANUP_POLICY_DELETE = "delete";
    static constexpr const char* COMPRESSION_TYPE_CONFIG = "compression.type";
    static constexpr const char* DELETE_RETENTION_MS_CONFIG = "delete.retention.ms";
    static constexpr const char* FILE_DELETE_DELAY_MS_CONFIG = "file.delete.delay.ms";
    static constexpr const char* FLUSH_MESSAGES_INTERVAL_CONFIG = "flush.messages";
    static constexpr const char* FLUSH_MS_CONFIG = "flush.ms";
    static constexpr const char* INDEX_INTERVAL_BYTES_CONFIG = "index.interval.bytes";
    static constexpr const char* LOCAL_LOG_RETENTION_BYTES_CONFIG = "local.retention.bytes";
    static constexpr const char* LOCAL_LOG_RETENTION_MS_CONFIG = "local.retention.ms";
    static constexpr const char* MAX_COMPACTION_LAG_MS_CONFIG = "max.compaction.lag.ms";
    static constexpr const char* MAX_MESSAGE_BYTES_CONFIG = "max.message.bytes";
    static constexpr const char* MESSAGE_TIMESTAMP_TYPE_CONFIG = "message.timestamp.type";
    static constexpr const char* MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG = "message.timestamp.before.max.ms";
    static constexpr const char* MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG = "message.timestamp.after.max.ms";
    static constexpr const char* MIN_CLEANABLE_DIRTY_RATIO_CONFIG = "min.cleanable.dirty.ratio";
    static constexpr const char* MIN_COMPACTION_LAG_MS_CONFIG = "min.compaction.lag.ms";
    static constexpr const char* MIN_IN_SYNC_REPLICAS_CONFIG = "min.insync.replicas";
    static constexpr const char* PREALLOCATE_CONFIG = "preallocate";
    static constexpr const char* REMOTE_LOG_STORAGE_ENABLE_CONFIG = "remote.storage.enable";
    static constexpr const char* REMOTE_LOG_COPY_DISABLE_CONFIG = "remote.log.copy.disable";
    static constexpr const char* REMOTE_LOG_DELETE_ON_DISABLE_CONFIG = "remote.log.delete.on.disable";
    static constexpr const char* RETENTION_BYTES_CONFIG = "retention.bytes";
    static constexpr const char* RETENTION_MS_CONFIG = "retention.ms";
    static constexpr const char* SEGMENT_BYTES_CONFIG = "segment.bytes";
    static constexpr const char* SEGMENT_INDEX_BYTES_CONFIG = "segment.index.bytes";
    static constexpr const char* SEGMENT_JITTER_MS_CONFIG = "segment.jitter.ms";
    static constexpr const char* SEGMENT_MS_CONFIG = "segment.ms";
    static constexpr const char* UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG = "unclean.leader.election.enable";

    // Names, types and defaults (LogConfig).
    // A template (called as configDef()) so that the table is compiled only by programs that use it.
    template <class D = void>
    static const detail::ConfigDefImpl<D>& configDef() {
        static const detail::ConfigDefImpl<D> def = [] {
            detail::ConfigDefImpl<D> d;
            using T = ConfigType;
            d.define(ConfigKey{CLEANUP_POLICY_CONFIG, T::LIST, std::string("delete"), {}, {}, {}, false, {}});
            d.define(COMPRESSION_TYPE_CONFIG, T::STRING, std::string("producer"));
            d.defineRange(DELETE_RETENTION_MS_CONFIG, T::LONG, "86400000", 0);
            d.defineRange(FILE_DELETE_DELAY_MS_CONFIG, T::LONG, "60000", 0);
            d.defineRange(FLUSH_MESSAGES_INTERVAL_CONFIG, T::LONG, "9223372036854775807", 1);
            d.defineRange(FLUSH_MS_CONFIG, T::LONG, "9223372036854775807", 0);
            d.defineRange(INDEX_INTERVAL_BYTES_CONFIG, T::INT, "4096", 0);
            d.defineRange(LOCAL_LOG_RETENTION_BYTES_CONFIG, T::LONG, "-2", -2);
            d.defineRange(LOCAL_LOG_RETENTION_MS_CONFIG, T::LONG, "-2", -2);
            d.defineRange(MAX_COMPACTION_LAG_MS_CONFIG, T::LONG, "9223372036854775807", 1);
            d.defineRange(MAX_MESSAGE_BYTES_CONFIG, T::INT, "1048588", 0);
            d.defineIn(MESSAGE_TIMESTAMP_TYPE_CONFIG, std::string("CreateTime"), {"CreateTime", "LogAppendTime"});
            d.defineRange(MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, T::LONG, "9223372036854775807", 0);
            d.defineRange(MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, T::LONG, "3600000", 0);
            d.define(MIN_CLEANABLE_DIRTY_RATIO_CONFIG, T::DOUBLE, std::string("0.5"));
            d.defineRange(MIN_COMPACTION_LAG_MS_CONFIG, T::LONG, "0", 0);
            d.defineRange(MIN_IN_SYNC_REPLICAS_CONFIG, T::INT, "1", 1);
            d.define(PREALLOCATE_CONFIG, T::BOOLEAN, std::string("false"));
            d.define(REMOTE_LOG_STORAGE_ENABLE_CONFIG, T::BOOLEAN, std::string("false"));
            d.define(REMOTE_LOG_COPY_DISABLE_CONFIG, T::BOOLEAN, std::string("false"));
            d.define(REMOTE_LOG_DELETE_ON_DISABLE_CONFIG, T::BOOLEAN, std::string("false"));
            d.defineRange(RETENTION_BYTES_CONFIG, T::LONG, "-1", std::nullopt);
            d.defineRange(RETENTION_MS_CONFIG, T::LONG, "604800000", -1);
            d.defineRange(SEGMENT_BYTES_CONFIG, T::INT, "1073741824", 14);
            d.defineRange(SEGMENT_INDEX_BYTES_CONFIG, T::INT, "10485760", 4);
            d.defineRange(SEGMENT_JITTER_MS_CONFIG, T::LONG, "0", 0);
            d.defineRange(SEGMENT_MS_CONFIG, T::LONG, "604800000", 1);
            d.define(UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, T::BOOLEAN, std::string("false"));
            return d;
        }();
        return def;
    }
};

// Kafka's org.apache.kafka.common.internals.Topic.validate rules.
inline void validateTopicName(const std::string& name) {
    if (name.empty()) throw InvalidTopicException("Topic name is illegal, it can't be empty");
    if (name == "." || name == "..") throw InvalidTopicException("Topic name cannot be \".\" or \"..\"");
    if (name.size() > 249)
        throw InvalidTopicException("Topic name is illegal, it can't be longer than 249 characters, topic name: " + name);
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '_' || c == '-';
        if (!ok)
            throw InvalidTopicException("Topic name \"" + name +
                                        "\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'");
    }
}

// Kafka treats '.' and '_' alike in topic names when it names metrics, so two topics that differ only there
// collide (Topic.hasCollision).
inline bool topicNamesCollide(const std::string& a, const std::string& b) {
    if (a.size() != b.size() || a == b) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        const char x = a[i] == '.' ? '_' : a[i], y = b[i] == '.' ? '_' : b[i];
        if (x != y) return false;
    }
    return true;
}

namespace detail {
template <class D = void>
struct ReplicaStateImpl;
template <class D = void>
struct PartitionStateImpl;
template <class D = void>
struct TopicStateImpl;
}  // namespace detail

// The broker's state of replicas, partitions and topics. Class templates only so that they (and the partition
// logs they hold) are compiled when used (docs/performance.md, "Include cost"); the broker writes PartitionState.
using ReplicaState = detail::ReplicaStateImpl<>;
using PartitionState = detail::PartitionStateImpl<>;
using TopicState = detail::TopicStateImpl<>;

namespace detail {

// One replica of a partition as its broker holds it, plus what the leader knows of it as a follower.
template <class D>
struct ReplicaStateImpl {
    int32_t broker = -1;
    PartitionLogImpl<D> log;             // this replica's log; the leader's own lives in PartitionState::log
    int64_t high_watermark = 0;   // the high watermark this replica last learned (its own when it leads)
    // Kept by the leader, from the follower's fetches (Kafka's Replica state):
    int64_t fetch_offset = 0;     // the follower's log end offset as of its last fetch
    int64_t last_caught_up_ms = 0;
    int64_t last_fetch_ms = 0;
    int64_t leader_leo_at_last_fetch = 0;
};

template <class D>
struct PartitionStateImpl {
    using PartitionLog = PartitionLogImpl<D>;
    using ReplicaState = ReplicaStateImpl<D>;

    const TopicStateImpl<D>* topic = nullptr;  // the topic it belongs to (topics live as long as their partitions)
    int32_t partition = 0;
    std::string name;  // "<topic>-<partition>", as TopicPartition::toString() (the trace names partitions so)
    std::vector<int32_t> replicas;  // broker ids; the first is the preferred leader
    int32_t leader = -1;            // -1: no leader (offline)
    int32_t leader_epoch = 0;
    int64_t leader_epoch_start_offset = 0;  // the leader's log end offset when it was elected
    std::vector<int32_t> isr;
    PartitionLog log;  // the leader's log (or, while offline, the last leader's)
    int32_t log_owner = -1;  // the broker whose log `log` is
    int64_t high_watermark = 0;
    std::vector<ReplicaState> replica_states;  // one per entry of `replicas`, same order

    bool inIsr(int32_t broker) const noexcept {
        for (int32_t b : isr)
            if (b == broker) return true;
        return false;
    }
    bool hasReplica(int32_t broker) const noexcept {
        for (const auto& r : replica_states)
            if (r.broker == broker) return true;
        return false;
    }
    ReplicaState& replica(int32_t broker) {
        for (auto& r : replica_states)
            if (r.broker == broker) return r;
        return replica_states.front();  // callers ask only for replicas of this partition
    }
    const ReplicaState& replica(int32_t broker) const { return const_cast<PartitionStateImpl*>(this)->replica(broker); }
    // The log that broker `broker` holds for this partition.
    PartitionLog& logOf(int32_t broker) { return broker == log_owner ? log : replica(broker).log; }
    const PartitionLog& logOf(int32_t broker) const { return broker == log_owner ? log : replica(broker).log; }
    // Makes `broker`'s log the one in `log` (when it becomes leader).
    void takeLogOf(int32_t broker) {
        if (broker == log_owner) return;
        if (log_owner >= 0) std::swap(log, replica(log_owner).log);
        std::swap(log, replica(broker).log);
        log_owner = broker;
    }
};

template <class D>
struct TopicStateImpl {
    std::string name;
    std::string topic_id;  // deterministic, derived from the seed (Kafka uses a random UUID)
    bool internal = false;
    std::map<std::string, std::string> configs;  // explicitly set topic configs
    TimestampType timestamp_type = TimestampType::CreateTime;
    // message.timestamp.before.max.ms / after.max.ms: how far a CreateTime timestamp may lie from the
    // broker's clock (after: 1 hour by default since Kafka 4.0); max.message.bytes per batch.
    int64_t timestamp_before_max_ms = INT64_MAX;
    int64_t timestamp_after_max_ms = 3600000;
    int32_t max_message_bytes = 1048588;
    int32_t min_insync_replicas = 1;           // min.insync.replicas (topic, else the broker default)
    bool unclean_leader_election = false;      // unclean.leader.election.enable (topic, else the broker default)
    std::vector<PartitionStateImpl<D>> partitions;

    int32_t partitionCount() const noexcept { return static_cast<int32_t>(partitions.size()); }
    // Partition `id`, or nullptr when there is none.
    PartitionStateImpl<D>* partition(int32_t id) noexcept {
        return id >= 0 && id < partitionCount() ? &partitions[static_cast<size_t>(id)] : nullptr;
    }
};

}  // namespace detail

}  // namespace kstream_sim
