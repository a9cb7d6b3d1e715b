// Admin: create, delete, list and describe topics, add partitions, list offsets (Kafka's Admin client).
//
// Each call is a request to a broker: the result's futures complete after a network round trip, and
// get() runs the virtual clock until they do. Errors carry Kafka's exception classes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "../broker/cluster.hpp"
#include "client_configs.hpp"
#include "future.hpp"

namespace kstream_sim {

class NewTopic {
public:
    // Unset partitions or replication factor take the broker's defaults (num.partitions, default.replication.factor).
    explicit NewTopic(std::string name, std::optional<int32_t> partitions = std::nullopt,
                      std::optional<int16_t> replication_factor = std::nullopt)
        : name_(std::move(name)), partitions_(partitions), replication_factor_(replication_factor) {}

    NewTopic& configs(std::map<std::string, std::string> configs) {
        configs_ = std::move(configs);
        return *this;
    }
    const std::string& name() const noexcept { return name_; }
    std::optional<int32_t> numPartitions() const noexcept { return partitions_; }
    std::optional<int16_t> replicationFactor() const noexcept { return replication_factor_; }
    const std::map<std::string, std::string>& configs() const noexcept { return configs_; }

private:
    std::string name_;
    std::optional<int32_t> partitions_;
    std::optional<int16_t> replication_factor_;
    std::map<std::string, std::string> configs_;
};

class Node {
public:
    Node() = default;
    explicit Node(int32_t id) : id_(id) {}
    int32_t id() const noexcept { return id_; }
    std::string host() const { return "localhost"; }
    int32_t port() const noexcept { return 9092 + id_; }
    std::string idString() const { return std::to_string(id_); }
    friend bool operator==(const Node& a, const Node& b) { return a.id_ == b.id_; }

private:
    int32_t id_ = -1;
};

class TopicPartitionInfo {
public:
    TopicPartitionInfo(int32_t partition, std::optional<Node> leader, std::vector<Node> replicas, std::vector<Node> isr)
        : partition_(partition), leader_(leader), replicas_(std::move(replicas)), isr_(std::move(isr)) {}
    int32_t partition() const noexcept { return partition_; }
    // Java returns null when the partition has no leader.
    const std::optional<Node>& leader() const noexcept { return leader_; }
    // Collections are returned by value, so chained calls on temporaries are safe in range-for loops.
    std::vector<Node> replicas() const { return replicas_; }
    std::vector<Node> isr() const { return isr_; }

private:
    int32_t partition_;
    std::optional<Node> leader_;
    std::vector<Node> replicas_, isr_;
};

class TopicDescription {
public:
    TopicDescription(std::string name, bool internal, std::vector<TopicPartitionInfo> partitions, std::string topic_id)
        : name_(std::move(name)), internal_(internal), partitions_(std::move(partitions)), topic_id_(std::move(topic_id)) {}
    const std::string& name() const noexcept { return name_; }
    bool isInternal() const noexcept { return internal_; }
    std::vector<TopicPartitionInfo> partitions() const { return partitions_; }
    const std::string& topicId() const noexcept { return topic_id_; }

private:
    std::string name_;
    bool internal_;
    std::vector<TopicPartitionInfo> partitions_;
    std::string topic_id_;
};

class NewPartitions {
public:
    static NewPartitions increaseTo(int32_t total) { return NewPartitions(total); }
    int32_t totalCount() const noexcept { return total_; }

private:
    explicit NewPartitions(int32_t total) : total_(total) {}
    int32_t total_;
};

class OffsetSpec {
public:
    static OffsetSpec earliest() { return OffsetSpec(Cluster::kEarliestTimestamp); }
    static OffsetSpec latest() { return OffsetSpec(Cluster::kLatestTimestamp); }
    static OffsetSpec forTimestamp(int64_t timestamp_ms) { return OffsetSpec(timestamp_ms); }
    int64_t timestamp() const noexcept { return spec_; }

private:
    explicit OffsetSpec(int64_t spec) : spec_(spec) {}
    int64_t spec_;
};

class ListOffsetsResultInfo {
public:
    ListOffsetsResultInfo(int64_t offset, int64_t timestamp) : offset_(offset), timestamp_(timestamp) {}
    // -1 when no record has a timestamp at or after the one asked for.
    int64_t offset() const noexcept { return offset_; }
    int64_t timestamp() const noexcept { return timestamp_; }

private:
    int64_t offset_, timestamp_;
};

class ListTopicsOptions {
public:
    ListTopicsOptions& listInternal(bool list_internal) {
        internal_ = list_internal;
        return *this;
    }
    bool shouldListInternal() const noexcept { return internal_; }

private:
    bool internal_ = false;
};

// Results: per-item futures and all().
namespace detail {

// A future of every value of `values`, once all have completed; it fails with the first failure (as
// DescribeTopicsResult.allTopicNames() and ListOffsetsResult.all() do).
template <class Scheduler, class Key, class Value>
KafkaFuture<std::map<Key, Value>> allValues(Scheduler& scheduler, const std::map<Key, KafkaFuture<Value>>& values) {
    KafkaFuture<std::map<Key, Value>> result(scheduler);
    std::vector<KafkaFuture<Value>> futures;
    for (const auto& kv : values) futures.push_back(kv.second);
    KafkaFuture<void>::allOf(scheduler, futures).whenComplete([result, values, futures] {
        for (const auto& f : futures)
            if (f.error()) return result.completeExceptionally(f.error());
        std::map<Key, Value> out;
        for (const auto& kv : values) out.emplace(kv.first, kv.second.get());
        result.complete(std::move(out));
    });
    return result;
}

}  // namespace detail

template <class Key, class Value>
class KeyedResult {
public:
    KeyedResult(Scheduler& scheduler, std::map<Key, KafkaFuture<Value>> values) : scheduler_(&scheduler), values_(std::move(values)) {}
    const std::map<Key, KafkaFuture<Value>>& values() const noexcept { return values_; }
    KafkaFuture<void> all() const {
        std::vector<KafkaFuture<Value>> futures;
        for (const auto& kv : values_) futures.push_back(kv.second);
        return KafkaFuture<void>::allOf(*scheduler_, futures);
    }

private:
    Scheduler* scheduler_;
    std::map<Key, KafkaFuture<Value>> values_;
};

using CreateTopicsResult = KeyedResult<std::string, void>;
using CreatePartitionsResult = KeyedResult<std::string, void>;

class DeleteTopicsResult : public KeyedResult<std::string, void> {
public:
    using KeyedResult::KeyedResult;
    const std::map<std::string, KafkaFuture<void>>& topicNameValues() const noexcept { return values(); }
};

class ListTopicsResult {
public:
    explicit ListTopicsResult(KafkaFuture<std::set<std::string>> names) : names_(std::move(names)) {}
    const KafkaFuture<std::set<std::string>>& names() const noexcept { return names_; }

private:
    KafkaFuture<std::set<std::string>> names_;
};

namespace detail {
template <class D = void>
class DescribeTopicsResultImpl;
}  // namespace detail

// A class template only so that it is compiled when used (see SchedulerImpl in core/scheduler.hpp);
// users write DescribeTopicsResult.
using DescribeTopicsResult = detail::DescribeTopicsResultImpl<>;

namespace detail {

template <class D>
class DescribeTopicsResultImpl {
    // The parts, named through this template's parameter so that they too are compiled only when used.
    using Scheduler = SchedulerImpl<D>;

public:
    DescribeTopicsResultImpl(Scheduler& scheduler, std::map<std::string, KafkaFuture<TopicDescription>> values)
        : scheduler_(&scheduler), values_(std::move(values)) {}
    const std::map<std::string, KafkaFuture<TopicDescription>>& topicNameValues() const noexcept { return values_; }
    // Waits for every description; fails with the first error.
    KafkaFuture<std::map<std::string, TopicDescription>> allTopicNames() const {
        return allValues(*scheduler_, values_);
    }

private:
    Scheduler* scheduler_;
    std::map<std::string, KafkaFuture<TopicDescription>> values_;
};

}  // namespace detail

namespace detail {
template <class D = void>
class ListOffsetsResultImpl;
}  // namespace detail

// A class template only so that it is compiled when used (see SchedulerImpl in core/scheduler.hpp);
// users write ListOffsetsResult.
using ListOffsetsResult = detail::ListOffsetsResultImpl<>;

namespace detail {

template <class D>
class ListOffsetsResultImpl {
    // The parts, named through this template's parameter so that they too are compiled only when used.
    using Scheduler = SchedulerImpl<D>;

public:
    ListOffsetsResultImpl(Scheduler& scheduler, std::map<TopicPartition, KafkaFuture<ListOffsetsResultInfo>> values)
        : scheduler_(&scheduler), values_(std::move(values)) {}
    const KafkaFuture<ListOffsetsResultInfo>& partitionResult(const TopicPartition& tp) const {
        auto it = values_.find(tp);
        if (it == values_.end()) throw IllegalArgumentException("List Offsets for partition \"" + tp.toString() + "\" was not attempted");
        return it->second;
    }
    KafkaFuture<std::map<TopicPartition, ListOffsetsResultInfo>> all() const {
        return allValues(*scheduler_, values_);
    }

private:
    Scheduler* scheduler_;
    std::map<TopicPartition, KafkaFuture<ListOffsetsResultInfo>> values_;
};

}  // namespace detail

namespace detail {
template <class D = void>
class AdminImpl;
}  // namespace detail

// A class template only so that it is compiled when used (see SchedulerImpl in core/scheduler.hpp);
// users write Admin.
using Admin = detail::AdminImpl<>;

namespace detail {

template <class D>
class AdminImpl {
    // The parts, named through this template's parameter so that they too are compiled only when used.
    using Cluster = ClusterImpl<D>;
    using Properties = PropertiesImpl<D>;
    using AbstractConfig = AbstractConfigImpl<D>;
    using Scheduler = SchedulerImpl<D>;
    using DescribeTopicsResult = DescribeTopicsResultImpl<D>;
    using ListOffsetsResult = ListOffsetsResultImpl<D>;

public:
    explicit AdminImpl(Cluster& cluster, const Properties& props = {})
        : cluster_(&cluster), config_(AdminClientConfig::configDef<D>(), props, "the admin client") {}
    static AdminImpl create(Cluster& cluster, const Properties& props = {}) { return AdminImpl(cluster, props); }

    CreateTopicsResult createTopics(const std::vector<NewTopic>& topics) {
        std::map<std::string, KafkaFuture<void>> futures;
        for (const auto& t : topics) {
            KafkaFuture<void> f(cluster_->scheduler());
            futures.emplace(t.name(), f);
            request([c = cluster_, t, f] {
                c->createTopic(t.name(), t.numPartitions(), t.replicationFactor(), t.configs());
            }, f);
        }
        return CreateTopicsResult(cluster_->scheduler(), std::move(futures));
    }

    DeleteTopicsResult deleteTopics(const std::vector<std::string>& names) {
        std::map<std::string, KafkaFuture<void>> futures;
        for (const auto& name : names) {
            KafkaFuture<void> f(cluster_->scheduler());
            futures.emplace(name, f);
            request([c = cluster_, name] { c->deleteTopic(name); }, f);
        }
        return DeleteTopicsResult(cluster_->scheduler(), std::move(futures));
    }

    ListTopicsResult listTopics(ListTopicsOptions options = {}) {
        KafkaFuture<std::set<std::string>> f(cluster_->scheduler());
        requestValue<std::set<std::string>>([c = cluster_, options] {
            auto names = c->topicNames(options.shouldListInternal());
            return std::set<std::string>(names.begin(), names.end());
        }, f);
        return ListTopicsResult(f);
    }

    DescribeTopicsResult describeTopics(const std::vector<std::string>& names) {
        std::map<std::string, KafkaFuture<TopicDescription>> futures;
        for (const auto& name : names) {
            KafkaFuture<TopicDescription> f(cluster_->scheduler());
            futures.emplace(name, f);
            requestValue<TopicDescription>([c = cluster_, name] { return describe(c->topicOrThrow(name)); }, f);
        }
        return DescribeTopicsResult(cluster_->scheduler(), std::move(futures));
    }

    CreatePartitionsResult createPartitions(const std::map<std::string, NewPartitions>& increases) {
        std::map<std::string, KafkaFuture<void>> futures;
        for (const auto& [name, np] : increases) {
            KafkaFuture<void> f(cluster_->scheduler());
            futures.emplace(name, f);
            request([c = cluster_, name = name, total = np.totalCount()] { c->createPartitions(name, total); }, f);
        }
        return CreatePartitionsResult(cluster_->scheduler(), std::move(futures));
    }

    ListOffsetsResult listOffsets(const std::map<TopicPartition, OffsetSpec>& specs) {
        std::map<TopicPartition, KafkaFuture<ListOffsetsResultInfo>> futures;
        for (const auto& [tp, spec] : specs) {
            KafkaFuture<ListOffsetsResultInfo> f(cluster_->scheduler());
            futures.emplace(tp, f);
            const TopicState* topic = cluster_->findTopic(tp.topic());
            if (topic && (tp.partition() < 0 || tp.partition() >= topic->partitionCount())) {
                // Kafka's admin client waits for metadata naming a leader for the partition, which never
                // comes, until default.api.timeout.ms.
                const int64_t timeout = config_.getInt(AdminClientConfig::DEFAULT_API_TIMEOUT_MS_CONFIG);
                cluster_->scheduler().after(timeout, [f, tp = tp, timeout] {
                    f.completeExceptionally(std::make_exception_ptr(TimeoutException(
                        "Timed out waiting for a leader of " + tp.toString() + " after " + std::to_string(timeout) +
                        " ms. Call: listOffsets")));
                });
                continue;
            }
            requestValue<ListOffsetsResultInfo>([c = cluster_, tp = tp, s = spec.timestamp()] {
                auto found = c->listOffset(tp, s);
                return ListOffsetsResultInfo(found.offset, found.timestamp);
            }, f);
        }
        return ListOffsetsResult(cluster_->scheduler(), std::move(futures));
    }

    void close() {}

private:
    static TopicDescription describe(const TopicState& t) {
        std::vector<TopicPartitionInfo> parts;
        for (const auto& p : t.partitions) {
            std::vector<Node> replicas, isr;
            for (int32_t id : p.replicas) replicas.emplace_back(id);
            for (int32_t id : p.isr) isr.emplace_back(id);
            parts.emplace_back(p.partition, p.leader >= 0 ? std::optional<Node>(Node(p.leader)) : std::nullopt, replicas, isr);
        }
        return TopicDescription(t.name, t.internal, std::move(parts), t.topic_id);
    }

    int32_t anyBroker() const {
        auto alive = cluster_->aliveBrokerIds();
        return alive.empty() ? 0 : alive.front();
    }

    // A request whose handler returns nothing: the future completes, or fails with the handler's exception.
    template <class Handler>
    void request(Handler handler, KafkaFuture<void> f) {
        cluster_->roundTrip(anyBroker(), [handler, f]() -> std::function<void()> {
            try {
                handler();
            } catch (const KafkaException&) {
                auto error = std::current_exception();
                return [f, error] { f.completeExceptionally(error); };
            }
            return [f] { f.complete(); };
        });
    }
    template <class Value, class Handler>
    void requestValue(Handler handler, KafkaFuture<Value> f) {
        cluster_->roundTrip(anyBroker(), [handler, f]() -> std::function<void()> {
            try {
                auto value = handler();
                return [f, value] { f.complete(value); };
            } catch (const KafkaException&) {
                auto error = std::current_exception();
                return [f, error] { f.completeExceptionally(error); };
            }
        });
    }

    Cluster* cluster_;
    AbstractConfig config_;
};

}  // namespace detail

}  // namespace kstream_sim
