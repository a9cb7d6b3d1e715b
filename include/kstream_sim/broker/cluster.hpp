// The cluster: brokers, topics and partitions on one virtual clock, and the broker side of every request.
//
// Clients never call a broker directly: a request travels for the network latency, is handled at the
// broker when it arrives, and the response travels back. Everything runs on the cluster's one scheduler.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../core/errors.hpp"
#include "../core/hashing.hpp"
#include "../core/random.hpp"
#include "../core/scheduler.hpp"
#include "../core/trace.hpp"
#include "group_coordinator.hpp"
#include "topic.hpp"

namespace kstream_sim {

class ClusterConfig {
public:
    ClusterConfig& brokers(int32_t n) { brokers_ = n; return *this; }
    ClusterConfig& seed(uint64_t s) { seed_ = s; return *this; }
    ClusterConfig& epoch(Millis t) { epoch_ms_ = t.count(); return *this; }
    // One-way client<->broker delay, and the most a seeded draw adds to it.
    ClusterConfig& networkLatency(Millis d) { latency_ms_ = d.count(); return *this; }
    ClusterConfig& networkJitter(Millis d) { jitter_ms_ = d.count(); return *this; }
    // auto.create.topics.enable, num.partitions, default.replication.factor
    ClusterConfig& autoCreateTopics(bool on) { auto_create_ = on; return *this; }
    ClusterConfig& defaultPartitions(int32_t n) { default_partitions_ = n; return *this; }
    ClusterConfig& defaultReplicationFactor(int16_t n) { default_rf_ = n; return *this; }
    // Keep the trace's readable lines (the hash is always kept).
    ClusterConfig& trace(bool keep_lines) { trace_lines_ = keep_lines; return *this; }
    // group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for more members
    // (Kafka's default 3 s; Kafka's shipped config/server.properties sets 0).
    ClusterConfig& groupInitialRebalanceDelay(Millis d) { group_initial_rebalance_delay_ms_ = d.count(); return *this; }

    int32_t brokers() const noexcept { return brokers_; }
    uint64_t seed() const noexcept { return seed_; }
    int64_t epochMs() const noexcept { return epoch_ms_; }
    int64_t networkLatencyMs() const noexcept { return latency_ms_; }
    int64_t networkJitterMs() const noexcept { return jitter_ms_; }
    bool autoCreateTopics() const noexcept { return auto_create_; }
    int32_t defaultPartitions() const noexcept { return default_partitions_; }
    int16_t defaultReplicationFactor() const noexcept { return default_rf_; }
    bool trace() const noexcept { return trace_lines_; }
    int64_t groupInitialRebalanceDelayMs() const noexcept { return group_initial_rebalance_delay_ms_; }

private:
    int32_t brokers_ = 1;
    uint64_t seed_ = 0;
    int64_t epoch_ms_ = 0;
    int64_t latency_ms_ = 1;
    int64_t jitter_ms_ = 0;
    bool auto_create_ = true;
    int32_t default_partitions_ = 1;
    int16_t default_rf_ = 1;
    bool trace_lines_ = false;
    int64_t group_initial_rebalance_delay_ms_ = 3000;
};

struct BrokerState {
    int32_t id = 0;
    bool alive = true;
};

// What a fetch returns for one partition.
struct FetchPartitionData {
    enum class Error { None, OffsetOutOfRange, UnknownTopicOrPartition, NotLeaderOrFollower };
    TopicPartition tp;
    int64_t fetch_offset = 0;
    Error error = Error::None;
    int64_t high_watermark = 0;
    int64_t log_start_offset = 0;
    std::vector<StoredBatch> batches;
};

struct FetchParams {
    int32_t min_bytes = 1;
    int64_t max_wait_ms = 500;
    int32_t max_bytes = 52428800;
    int32_t partition_max_bytes = 1048576;
};

struct ProducePartitionResult {
    int64_t base_offset = -1;
    int64_t log_append_time = -1;
    std::exception_ptr error;
};

namespace detail {
template <class D = void>
class ClusterImpl;
}  // namespace detail

// The cluster. A class template only so that it is compiled when used (see SchedulerImpl in
// core/scheduler.hpp): users write Cluster; compiler messages say kstream_sim::detail::ClusterImpl<>.
using Cluster = detail::ClusterImpl<>;

namespace detail {

template <class D>
class ClusterImpl {
    // The parts, named through this template's parameter so that they too are compiled only when used.
    using Scheduler = SchedulerImpl<D>;
    using Trace = TraceImpl<D>;
    using GroupCoordinator = GroupCoordinatorImpl<D>;

public:
    explicit ClusterImpl(ClusterConfig config = ClusterConfig())
        : config_(config), scheduler_(config.epochMs()), random_(config.seed()), network_random_(random_.fork("network")) {
        if (config.brokers() < 1) throw ConfigException("A cluster needs at least one broker (got " + std::to_string(config.brokers()) + ")");
        trace_.keepLines(config.trace());
        if (config.groupInitialRebalanceDelayMs() < 0 || config.groupInitialRebalanceDelayMs() > INT32_MAX)
            throw ConfigException("Invalid value " + std::to_string(config.groupInitialRebalanceDelayMs()) +
                                  " ms for configuration group.initial.rebalance.delay.ms: it must be at least 0 and fit an "
                                  "int (at most 2147483647 ms)");
        groups_.config().initial_rebalance_delay_ms = static_cast<int32_t>(config.groupInitialRebalanceDelayMs());
        for (int32_t id = 0; id < config.brokers(); ++id) brokers_.push_back(BrokerState{id, true});
    }
    ClusterImpl(const ClusterImpl&) = delete;
    ClusterImpl& operator=(const ClusterImpl&) = delete;

    // ---- time ----
    Millis now() const noexcept { return scheduler_.clock().now(); }
    int64_t nowMs() const noexcept { return scheduler_.nowMs(); }
    // Lets `d` of virtual time pass, running everything due meanwhile.
    void advance(Millis d) { scheduler_.advanceTo(nowMs() + d.count()); }
    void advanceTo(Millis t) { scheduler_.advanceTo(t.count()); }
    void runUntilIdle() { scheduler_.runUntilIdle(); }

    Scheduler& scheduler() noexcept { return scheduler_; }
    Trace& trace() noexcept { return trace_; }
    const Trace& trace() const noexcept { return trace_; }
    const ClusterConfig& config() const noexcept { return config_; }
    // An independent generator for a component, derived from the cluster seed.
    Random randomFor(const std::string& component) const { return random_.fork(component); }

    // ---- brokers ----
    int32_t brokerCount() const noexcept { return static_cast<int32_t>(brokers_.size()); }
    const BrokerState& broker(int32_t id) const { return brokers_.at(static_cast<size_t>(id)); }
    std::vector<int32_t> aliveBrokerIds() const {
        std::vector<int32_t> ids;
        for (const auto& b : brokers_)
            if (b.alive) ids.push_back(b.id);
        return ids;
    }

    // A fresh client.id such as "producer-1" (Kafka numbers clients per process; here per cluster).
    std::string nextClientId(const std::string& prefix) { return prefix + "-" + std::to_string(++client_counter_[prefix]); }

    // ---- topics, for inspection ----
    bool topicExists(const std::string& name) const { return topics_.count(name) != 0; }
    const TopicState& topic(const std::string& name) const { return const_cast<ClusterImpl*>(this)->topicOrThrow(name); }
    const PartitionState& partition(const TopicPartition& tp) const {
        return const_cast<ClusterImpl*>(this)->partitionOrThrow(tp);
    }
    std::vector<std::string> topicNames(bool include_internal = false) const {
        std::vector<std::string> names;
        for (const auto& kv : topics_)
            if (include_internal || !kv.second->internal) names.push_back(kv.first);
        return names;
    }

    // Every partition's leader, replicas, ISR, log end offset and high watermark.
    std::string describe() const {
        auto n = [](int64_t v) { return std::to_string(v); };
        std::string out = "Cluster: " + n(brokerCount()) + " broker(s), time " + n(nowMs()) + " ms\n";
        for (const auto& b : brokers_) out += "  broker " + n(b.id) + (b.alive ? " up" : " DOWN") + "\n";
        for (const auto& kv : topics_) {
            const TopicState& t = *kv.second;
            out += "Topic: " + t.name + "\tPartitionCount: " + n(t.partitionCount()) +
                   "\tReplicationFactor: " + n(t.partitions.empty() ? 0 : static_cast<int64_t>(t.partitions[0].replicas.size())) + "\n";
            for (const auto& p : t.partitions) {
                out += "\tPartition: " + n(p.partition) + "\tLeader: " + n(p.leader) + "\tReplicas: " + joinIds(p.replicas) +
                       "\tIsr: " + joinIds(p.isr) + "\tLogStartOffset: " + n(p.log.logStartOffset()) +
                       "\tLogEndOffset: " + n(p.log.logEndOffset()) + "\tHighWatermark: " + n(p.high_watermark) + "\n";
            }
        }
        return out;
    }

    // ---- the network ----
    // One-way delay for a message, with seeded jitter.
    int64_t networkDelayMs() {
        const int64_t jitter = config_.networkJitterMs();
        return config_.networkLatencyMs() + (jitter > 0 ? network_random_.nextBetween(0, jitter) : 0);
    }
    // When a message sent now on `link` (2*broker to it, 2*broker+1 from it) arrives.
    int64_t linkArrival(int64_t link) {
        int64_t& last = link_last_arrival_[link];
        last = std::max(last, nowMs() + networkDelayMs());
        return last;
    }
    // Delivers `on_arrival` at broker `broker_id` after the network delay.
    // Messages on one link arrive in the order they were sent, as over TCP: jitter delays them, never
    // reorders them (a message arrives no earlier than the one sent before it on the same link).
    void toBroker(int32_t broker_id, std::function<void()> on_arrival) {
        scheduler_.at(linkArrival(2 * static_cast<int64_t>(broker_id)), std::move(on_arrival));
    }
    // Delivers a response to a client after the network delay.
    void toClient(std::function<void()> on_arrival, int32_t from_broker = -1) {
        scheduler_.at(linkArrival(2 * static_cast<int64_t>(from_broker) + 1), std::move(on_arrival));
    }
    // A request/response round trip: `handle` runs at the broker, `deliver` at the client.
    void roundTrip(int32_t broker_id, std::function<std::function<void()>()> handle) {
        toBroker(broker_id, [this, broker_id, handle = std::move(handle)] { toClient(handle(), broker_id); });
    }

    // ---- controller: topic administration (runs at the broker when the request arrives) ----
    void createTopic(const std::string& name, std::optional<int32_t> partitions, std::optional<int16_t> replication_factor,
                     const std::map<std::string, std::string>& configs, bool internal = false) {
        validateTopicName(name);
        if (topicExists(name)) throw TopicExistsException("Topic '" + name + "' already exists.");
        const int32_t n = partitions.value_or(config_.defaultPartitions());
        const int16_t rf = replication_factor.value_or(config_.defaultReplicationFactor());
        if (n <= 0) throw InvalidPartitionsException("Number of partitions was set to an invalid non-positive value.");
        if (rf <= 0) throw InvalidReplicationFactorException("Replication factor must be larger than 0.");
        if (rf > brokerCount())
            throw InvalidReplicationFactorException("Unable to replicate the partition " + std::to_string(rf) +
                                                    " time(s): The target replication factor of " + std::to_string(rf) +
                                                    " cannot be reached because only " + std::to_string(brokerCount()) +
                                                    " broker(s) are registered.");
        for (const auto& kv : topics_)
            if (topicNamesCollide(name, kv.first))
                throw InvalidTopicException("Topic '" + name + "' collides with existing topic: " + kv.first);
        auto topic = std::make_unique<TopicState>();
        topic->name = name;
        topic->internal = internal;
        topic->configs = validateTopicConfigs(configs);
        auto numeric = [&](const char* key, int64_t fallback) {
            auto it = topic->configs.find(key);
            return it == topic->configs.end() ? fallback : std::stoll(it->second);
        };
        topic->timestamp_before_max_ms = numeric(TopicConfig::MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, INT64_MAX);
        topic->timestamp_after_max_ms = numeric(TopicConfig::MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, 3600000);
        topic->max_message_bytes = static_cast<int32_t>(numeric(TopicConfig::MAX_MESSAGE_BYTES_CONFIG, 1048588));
        auto ts = topic->configs.find(TopicConfig::MESSAGE_TIMESTAMP_TYPE_CONFIG);
        topic->timestamp_type =
            ts != topic->configs.end() && ts->second == "LogAppendTime" ? TimestampType::LogAppendTime : TimestampType::CreateTime;
        topic->topic_id = makeTopicId();
        addPartitions(*topic, n, rf);
        trace_.record(nowMs(), "create-topic", name, {{"partitions", n}, {"rf", rf}});
        topics_.emplace(name, std::move(topic));
    }

    void deleteTopic(const std::string& name) {
        topicOrThrow(name);
        topics_.erase(name);
        trace_.record(nowMs(), "delete-topic", name);
    }

    void createPartitions(const std::string& name, int32_t total) {
        TopicState& t = topicOrThrow(name);
        if (total == t.partitionCount())
            throw InvalidPartitionsException("Topic already has " + std::to_string(total) + " partition(s).");
        if (total < t.partitionCount())
            throw InvalidPartitionsException("Topic currently has " + std::to_string(t.partitionCount()) +
                                             " partitions, which is higher than the requested " + std::to_string(total) + ".");
        addPartitions(t, total - t.partitionCount(), static_cast<int16_t>(t.partitions[0].replicas.size()));
        trace_.record(nowMs(), "create-partitions", name, {{"partitions", total}});
    }

    // Metadata lookup with broker-side auto-creation (auto.create.topics.enable, num.partitions).
    TopicState* metadataFor(const std::string& name, bool allow_auto_create) {
        auto it = topics_.find(name);
        if (it != topics_.end()) return it->second.get();
        if (!allow_auto_create || !config_.autoCreateTopics()) return nullptr;
        validateTopicName(name);
        createTopic(name, std::nullopt, static_cast<int16_t>(std::min<int32_t>(config_.defaultReplicationFactor(), brokerCount())), {});
        return topics_.at(name).get();
    }
    TopicState* findTopic(const std::string& name) {
        auto it = topics_.find(name);
        return it == topics_.end() ? nullptr : it->second.get();
    }

    // ---- produce (at the partition leader) ----
    ProducePartitionResult appendAsLeader(int32_t broker_id, const TopicPartition& tp, std::shared_ptr<const BatchPayload> payload,
                                          const ProducerIdentity& producer) {
        ProducePartitionResult result;
        PartitionState* p = findPartition(tp);
        if (!p) {
            result.error = std::make_exception_ptr(UnknownTopicOrPartitionException("This server does not host this topic-partition."));
            return result;
        }
        if (p->leader != broker_id) {
            result.error = std::make_exception_ptr(NotLeaderOrFollowerException(
                "For requests intended only for the leader, this error indicates that the broker is not the current leader."));
            return result;
        }
        const TopicState& t = *topics_.at(tp.topic());
        if (payload->size_in_bytes > t.max_message_bytes) {
            result.error = std::make_exception_ptr(RecordTooLargeException(
                "The request included a message larger than the max message size the server will accept."));
            return result;
        }
        if (t.timestamp_type == TimestampType::CreateTime) {
            // LogValidator: CreateTime timestamps must lie within [now - before.max.ms, now + after.max.ms].
            const int64_t lowest = t.timestamp_before_max_ms > nowMs() ? INT64_MIN : nowMs() - t.timestamp_before_max_ms;
            const int64_t highest = nowMs() + t.timestamp_after_max_ms;
            for (size_t i = 0; i < payload->records.size(); ++i) {
                const int64_t ts = payload->records[i].timestamp;
                if (ts < lowest || ts > highest) {
                    result.error = std::make_exception_ptr(InvalidTimestampException(
                        "Timestamp " + std::to_string(ts) + " of message with offset " + std::to_string(i) +
                        " is out of range. The timestamp should be within [" + std::to_string(lowest) + ", " +
                        std::to_string(highest) + "]"));
                    return result;
                }
            }
        }
        StoredBatch batch;
        batch.producer = producer;
        batch.partition_leader_epoch = p->leader_epoch;
        if (t.timestamp_type == TimestampType::LogAppendTime) batch.log_append_time = nowMs();
        batch.payload = std::move(payload);
        result.base_offset = p->log.append(std::move(batch));
        result.log_append_time = t.timestamp_type == TimestampType::LogAppendTime ? nowMs() : -1;
        // Replication arrives with the replication issue; until then every replica is in sync at once.
        p->high_watermark = p->log.logEndOffset();
        trace_.record(nowMs(), "append", tp.toString(),
                      {{"base", result.base_offset}, {"count", p->log.batches().back().count()}, {"leo", p->log.logEndOffset()}});
        wakeParkedFetches(tp);
        return result;
    }

    // ---- list offsets: -2 earliest, -1 latest, otherwise the first offset with timestamp >= ts ----
    static constexpr int64_t kEarliestTimestamp = -2;
    static constexpr int64_t kLatestTimestamp = -1;
    PartitionLog::TimestampAndOffset listOffset(const TopicPartition& tp, int64_t spec) {
        PartitionState& p = partitionOrThrow(tp);
        if (spec == kEarliestTimestamp) return {-1, p.log.logStartOffset()};
        if (spec == kLatestTimestamp) return {-1, p.high_watermark};
        auto found = p.log.offsetForTimestamp(spec);
        if (found.offset >= p.high_watermark) return {};
        return found;
    }

    // ---- fetch: long-polls until fetch.min.bytes are there or fetch.max.wait.ms passes ----
    using FetchCallback = std::function<void(std::vector<FetchPartitionData>)>;
    void fetch(int32_t broker_id, std::vector<std::pair<TopicPartition, int64_t>> partitions, FetchParams params,
               FetchCallback on_response) {
        auto request = std::make_shared<ParkedFetch>();
        request->broker_id = broker_id;
        request->partitions = std::move(partitions);
        request->params = params;
        request->on_response = std::move(on_response);
        toBroker(broker_id, [this, request] {
            if (fetchIsSatisfied(*request) || request->params.max_wait_ms <= 0) return completeFetch(request);
            parked_fetches_.push_back(request);
            scheduler_.after(request->params.max_wait_ms, [this, request] { completeFetch(request); });
        });
    }

    // ---- consumer groups ----
    static constexpr const char* kConsumerOffsetsTopic = "__consumer_offsets";
    static constexpr int32_t kOffsetsTopicPartitions = 50;  // offsets.topic.num.partitions

    GroupCoordinator& groupCoordinator() noexcept { return groups_; }
    const GroupCoordinator& groupCoordinator() const noexcept { return groups_; }

    // The partition of __consumer_offsets that holds a group: abs(hashCode(group.id)) % 50.
    static int32_t offsetsPartitionFor(const std::string& group_id) {
        // Kafka's Utils.abs (Math.abs, with 0 for Integer.MIN_VALUE) -- not toPositive, which the partitioner uses.
        const int32_t h = javaStringHashCode(group_id);
        const int32_t abs = h == INT32_MIN ? 0 : (h < 0 ? -h : h);
        return abs % kOffsetsTopicPartitions;
    }
    // The group's coordinator: the leader of its __consumer_offsets partition (created on first use,
    // replication factor min(3, brokers), as offsets.topic.replication.factor with a small cluster).
    int32_t coordinatorFor(const std::string& group_id) {
        if (!topicExists(kConsumerOffsetsTopic))
            createTopic(kConsumerOffsetsTopic, kOffsetsTopicPartitions, static_cast<int16_t>(std::min<int32_t>(3, brokerCount())),
                        {{TopicConfig::CLEANUP_POLICY_CONFIG, TopicConfig::CLEANUP_POLICY_COMPACT}}, true);
        return leaderFor(TopicPartition(kConsumerOffsetsTopic, offsetsPartitionFor(group_id)));
    }

    // An OffsetCommit request at the coordinator: checks who commits (member id and generation, see
    // GroupCoordinator::validateOffsetCommit) and that the partitions exist, then stores the offsets.
    GroupError commitGroupOffsets(const std::string& group_id, const std::string& member_id, const std::optional<std::string>& instance_id,
                                  int32_t generation, const std::map<TopicPartition, CommittedOffset>& offsets, bool transactional = false) {
        const GroupError e = groups_.validateOffsetCommit(group_id, member_id, instance_id, generation, transactional);
        if (e != GroupError::NONE) return e;
        for (const auto& kv : offsets)
            if (!findPartition(kv.first)) return GroupError::UNKNOWN_TOPIC_OR_PARTITION;
        commitOffsets(group_id, offsets);
        return GroupError::NONE;
    }

    // Stores committed offsets: in the coordinator's memory and as records in __consumer_offsets, keyed
    // (group, topic, partition) as Kafka's OffsetCommitKey, so compaction keeps the latest commit.
    void commitOffsets(const std::string& group_id, const std::map<TopicPartition, CommittedOffset>& offsets) {
        groups_.commit(group_id, offsets);
        const TopicPartition log_tp(kConsumerOffsetsTopic, offsetsPartitionFor(group_id));
        auto payload = std::make_shared<BatchPayload>();
        for (const auto& [tp, o] : offsets) {
            Bytes key, value;
            detail::appendBigEndian(key, 1, 2);  // OffsetCommitKey version 1
            appendShortString(key, group_id);
            appendShortString(key, tp.topic());
            detail::appendBigEndian(key, static_cast<uint32_t>(tp.partition()), 4);
            detail::appendBigEndian(value, 3, 2);  // OffsetCommitValue version 3
            detail::appendBigEndian(value, static_cast<uint64_t>(o.offset), 8);
            detail::appendBigEndian(value, static_cast<uint32_t>(o.leader_epoch.value_or(-1)), 4);
            appendShortString(value, o.metadata);
            detail::appendBigEndian(value, static_cast<uint64_t>(o.commit_timestamp), 8);
            payload->append(nowMs(), {key.data(), static_cast<int32_t>(key.size())}, {value.data(), static_cast<int32_t>(value.size())}, nullptr);
            trace_.record(nowMs(), "commit", group_id + "/" + tp.toString(), {{"offset", o.offset}});
        }
        if (PartitionState* p = findPartition(log_tp)) {
            StoredBatch batch;
            batch.payload = std::move(payload);
            p->log.append(std::move(batch));
            p->high_watermark = p->log.logEndOffset();
        }
    }

    // The leader of a partition, or -1.
    int32_t leaderFor(const TopicPartition& tp) const {
        auto it = topics_.find(tp.topic());
        if (it == topics_.end() || tp.partition() < 0 || tp.partition() >= it->second->partitionCount()) return -1;
        return it->second->partitions[static_cast<size_t>(tp.partition())].leader;
    }

    PartitionState* findPartition(const TopicPartition& tp) {
        auto it = topics_.find(tp.topic());
        if (it == topics_.end() || tp.partition() < 0 || tp.partition() >= it->second->partitionCount()) return nullptr;
        return &it->second->partitions[static_cast<size_t>(tp.partition())];
    }

    TopicState& topicOrThrow(const std::string& name) {
        auto it = topics_.find(name);
        if (it == topics_.end())
            throw UnknownTopicOrPartitionException("This server does not host this topic-partition. (topic '" + name + "')");
        return *it->second;
    }
    PartitionState& partitionOrThrow(const TopicPartition& tp) {
        PartitionState* p = findPartition(tp);
        if (!p) throw UnknownTopicOrPartitionException("This server does not host this topic-partition. (" + tp.toString() + ")");
        return *p;
    }

private:
    struct ParkedFetch {
        int32_t broker_id = 0;
        std::vector<std::pair<TopicPartition, int64_t>> partitions;
        FetchParams params;
        FetchCallback on_response;
        bool completed = false;
    };

    static void appendShortString(Bytes& out, const std::string& s) {
        detail::appendBigEndian(out, static_cast<uint16_t>(s.size()), 2);
        detail::appendString(out, s);
    }

    static std::string joinIds(const std::vector<int32_t>& ids) {
        std::string s;
        for (size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
        return s;
    }

    std::map<std::string, std::string> validateTopicConfigs(const std::map<std::string, std::string>& configs) const {
        const ConfigDefImpl<D>& def = TopicConfig::configDef<D>();
        for (const auto& [name, value] : configs) {
            const ConfigKey* key = def.find(name);
            if (!key) {
                std::string message = "Unknown topic config name: " + name;
                if (auto s = closestName(name, def.names())) message += " (did you mean '" + *s + "'?)";
                throw InvalidConfigurationException(message);
            }
            try {
                ConfigDefImpl<D>::parse(*key, ConfigValue(value));
            } catch (const ConfigException& e) {
                throw InvalidConfigurationException(e.what());
            }
        }
        return configs;
    }

    std::string makeTopicId() {
        static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        std::string id;
        for (int i = 0; i < 22; ++i) id.push_back(alphabet[topic_id_random_.nextBelow(64)]);
        return id;
    }

    // Kafka's rack-unaware replica placement: a random start broker and shift, then round robin.
    void addPartitions(TopicState& t, int32_t count, int16_t rf) {
        const int32_t n = brokerCount();
        const int32_t start_index = static_cast<int32_t>(placement_random_.nextBelow(static_cast<uint64_t>(n)));
        int32_t shift = static_cast<int32_t>(placement_random_.nextBelow(static_cast<uint64_t>(n)));
        const int32_t first_new = t.partitionCount();
        for (int32_t i = 0; i < count; ++i) {
            const int32_t pid = first_new + i;
            if (i > 0 && i % n == 0) ++shift;
            const int32_t first = (i + start_index) % n;
            PartitionState p;
            p.partition = pid;
            p.replicas.push_back(first);
            for (int32_t j = 0; j < rf - 1; ++j) p.replicas.push_back((first + 1 + (shift + j) % (n - 1)) % n);
            p.leader = p.replicas.front();
            p.isr = p.replicas;
            t.partitions.push_back(std::move(p));
        }
    }

    bool fetchIsSatisfied(const ParkedFetch& f) {
        int64_t bytes = 0;
        for (const auto& [tp, offset] : f.partitions) {
            PartitionState* p = findPartition(tp);
            if (!p || p->leader != f.broker_id) return true;  // an error is returned at once
            if (offset < p->log.logStartOffset() || offset > p->log.logEndOffset()) return true;
            bytes += p->log.bytesBetween(offset, p->high_watermark);
        }
        return bytes >= f.params.min_bytes;
    }

    void completeFetch(const std::shared_ptr<ParkedFetch>& f) {
        if (f->completed) return;
        f->completed = true;
        std::vector<FetchPartitionData> response;
        int64_t budget = f->params.max_bytes;
        for (const auto& [tp, offset] : f->partitions) {
            FetchPartitionData d;
            d.tp = tp;
            d.fetch_offset = offset;
            PartitionState* p = findPartition(tp);
            if (!p) {
                d.error = FetchPartitionData::Error::UnknownTopicOrPartition;
            } else if (p->leader != f->broker_id) {
                d.error = FetchPartitionData::Error::NotLeaderOrFollower;
            } else {
                d.high_watermark = p->high_watermark;
                d.log_start_offset = p->log.logStartOffset();
                if (offset < p->log.logStartOffset() || offset > p->log.logEndOffset()) {
                    d.error = FetchPartitionData::Error::OffsetOutOfRange;
                } else if (budget > 0) {
                    d.batches = p->log.read(offset, p->high_watermark, std::min<int64_t>(budget, f->params.partition_max_bytes));
                    for (const auto& b : d.batches) budget -= b.sizeInBytes();
                }
            }
            response.push_back(std::move(d));
        }
        trace_.record(nowMs(), "fetch", "broker-" + std::to_string(f->broker_id), {{"partitions", static_cast<int64_t>(response.size())}});
        toClient([f, response = std::move(response)]() mutable { f->on_response(std::move(response)); }, f->broker_id);
        parked_fetches_.erase(std::remove(parked_fetches_.begin(), parked_fetches_.end(), f), parked_fetches_.end());
    }

    void wakeParkedFetches(const TopicPartition& tp) {
        if (parked_fetches_.empty()) return;
        auto parked = parked_fetches_;  // completing one edits the list
        for (const auto& f : parked) {
            bool interested = false;
            for (const auto& entry : f->partitions) interested = interested || entry.first == tp;
            if (interested && fetchIsSatisfied(*f)) completeFetch(f);
        }
    }

    ClusterConfig config_;
    Scheduler scheduler_;
    Trace trace_;
    Random random_;
    Random network_random_;
    Random placement_random_ = random_.fork("replica-placement");
    Random topic_id_random_ = random_.fork("topic-id");
    std::vector<BrokerState> brokers_;
    std::map<std::string, std::unique_ptr<TopicState>> topics_;
    std::vector<std::shared_ptr<ParkedFetch>> parked_fetches_;
    std::map<std::string, int> client_counter_;
    std::map<int64_t, int64_t> link_last_arrival_;  // per link: the arrival time of its latest message
    GroupCoordinator groups_{random_.fork("group-coordinator"), scheduler_};
};

}  // namespace detail

}  // namespace kstream_sim
