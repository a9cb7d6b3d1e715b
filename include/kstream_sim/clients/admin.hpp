// Admin: Kafka's Admin client, for topics, offsets and consumer groups.
//
// Topics: create, delete, list, describe, add partitions; list offsets. Consumer groups: list, describe,
// their committed offsets, alter or delete them.
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
#include "../core/dependent.hpp"
#include "client_configs.hpp"
#include "consumer_record.hpp"
#include "future.hpp"

namespace kstream_sim {

// The value types below whose members are std::optional or containers are class templates behind their names,
// `using NewTopic = detail::NewTopicImpl<>;`, so that those member types are built only in programs that use
// them (docs/performance.md, "Include cost"); compiler messages say detail::NewTopicImpl<> for NewTopic.
namespace detail {

template <class D = void>
class NewTopicImpl {
    using Int16 = Dependent<int16_t, D>;
    using Int32 = Dependent<int32_t, D>;
    using Configs = Dependent<std::map<std::string, std::string>, D>;

public:
    // Unset partitions or replication factor take the broker's defaults (num.partitions, default.replication.factor).
    explicit NewTopicImpl(std::string name, std::optional<Int32> partitions = std::nullopt,
                          std::optional<Int16> replication_factor = std::nullopt)
        : name_(std::move(name)), partitions_(partitions), replication_factor_(replication_factor) {}

    NewTopicImpl& configs(Configs configs) {
        configs_ = std::move(configs);
        return *this;
    }
    const std::string& name() const noexcept { return name_; }
    std::optional<Int32> numPartitions() const noexcept { return partitions_; }
    std::optional<Int16> replicationFactor() const noexcept { return replication_factor_; }
    const Configs& configs() const noexcept { return configs_; }

private:
    std::string name_;
    std::optional<Int32> partitions_;
    std::optional<Int16> replication_factor_;
    Configs configs_;
};

}  // namespace detail

using NewTopic = detail::NewTopicImpl<>;

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

namespace detail {

template <class D = void>
class TopicPartitionInfoImpl {
    using Node = Dependent<kstream_sim::Node, D>;

public:
    TopicPartitionInfoImpl(int32_t partition, std::optional<Node> leader, std::vector<Node> replicas, std::vector<Node> isr)
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

template <class D = void>
class TopicDescriptionImpl {
    using TopicPartitionInfo = TopicPartitionInfoImpl<D>;

public:
    TopicDescriptionImpl(std::string name, bool internal, std::vector<TopicPartitionInfo> partitions, std::string topic_id)
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

}  // namespace detail

using TopicPartitionInfo = detail::TopicPartitionInfoImpl<>;
using TopicDescription = detail::TopicDescriptionImpl<>;

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
    // Member templates so that naming the cluster's constants does not build the cluster class in every program.
    template <class D = void>
    static OffsetSpec earliest() { return OffsetSpec(detail::ClusterImpl<D>::kEarliestTimestamp); }
    template <class D = void>
    static OffsetSpec latest() { return OffsetSpec(detail::ClusterImpl<D>::kLatestTimestamp); }
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
    using Scheduler = detail::Dependent<kstream_sim::Scheduler, Key>;  // built only with a result that is used

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

// The results below are class templates only so that they are compiled when used (like DescribeTopicsResult
// below); users write DeleteTopicsResult, ListTopicsResult, ...
namespace detail {
template <class D = void>
class DeleteTopicsResultImpl;
template <class D = void>
class ListTopicsResultImpl;
template <class D = void>
class ListConsumerGroupsResultImpl;
template <class D = void>
class ListConsumerGroupOffsetsResultImpl;
template <class D = void>
class AlterConsumerGroupOffsetsResultImpl;
template <class D = void>
class DeleteConsumerGroupsResultImpl;
}  // namespace detail

using DeleteTopicsResult = detail::DeleteTopicsResultImpl<>;
using ListTopicsResult = detail::ListTopicsResultImpl<>;
using ListConsumerGroupsResult = detail::ListConsumerGroupsResultImpl<>;
using ListConsumerGroupOffsetsResult = detail::ListConsumerGroupOffsetsResultImpl<>;
using AlterConsumerGroupOffsetsResult = detail::AlterConsumerGroupOffsetsResultImpl<>;
using DeleteConsumerGroupsResult = detail::DeleteConsumerGroupsResultImpl<>;

namespace detail {

template <class D>
class DeleteTopicsResultImpl : public KeyedResult<Dependent<std::string, D>, void> {
public:
    using DeleteTopicsResultImpl::KeyedResult::KeyedResult;
    const std::map<std::string, KafkaFuture<void>>& topicNameValues() const noexcept { return this->values(); }
};

template <class D>
class ListTopicsResultImpl {
    using Names = Dependent<std::set<std::string>, D>;

public:
    explicit ListTopicsResultImpl(KafkaFuture<Names> names) : names_(std::move(names)) {}
    const KafkaFuture<Names>& names() const noexcept { return names_; }

private:
    KafkaFuture<Names> names_;
};

}  // namespace detail

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
    // Plain types named through D too: containers of them are then built only with this class.
    using TopicDescription = Dependent<kstream_sim::TopicDescription, D>;

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
    // Plain types named through D too: containers of them are then built only with this class.
    using ListOffsetsResultInfo = Dependent<kstream_sim::ListOffsetsResultInfo, D>;
    using TopicPartition = Dependent<kstream_sim::TopicPartition, D>;

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

// ---- consumer groups ----

namespace detail {

template <class D = void>
class ConsumerGroupListingImpl {
    using GroupState = Dependent<kstream_sim::GroupState, D>;

public:
    ConsumerGroupListingImpl(std::string group_id, bool simple, std::optional<GroupState> state)
        : group_id_(std::move(group_id)), simple_(simple), state_(state) {}
    const std::string& groupId() const noexcept { return group_id_; }
    // True for a group that only stores offsets (no member ever used the group protocol).
    bool isSimpleConsumerGroup() const noexcept { return simple_; }
    const std::optional<GroupState>& groupState() const noexcept { return state_; }

private:
    std::string group_id_;
    bool simple_;
    std::optional<GroupState> state_;
};

template <class D = void>
class MemberAssignmentImpl {
    using TopicPartition = Dependent<kstream_sim::TopicPartition, D>;

public:
    explicit MemberAssignmentImpl(std::set<TopicPartition> partitions) : partitions_(std::move(partitions)) {}
    const std::set<TopicPartition>& topicPartitions() const noexcept { return partitions_; }

private:
    std::set<TopicPartition> partitions_;
};

template <class D = void>
class MemberDescriptionImpl {
    using MemberAssignment = MemberAssignmentImpl<D>;
    using String = Dependent<std::string, D>;

public:
    MemberDescriptionImpl(std::string member_id, std::optional<String> instance_id, std::string client_id, std::string host,
                          MemberAssignment assignment)
        : member_id_(std::move(member_id)), instance_id_(std::move(instance_id)), client_id_(std::move(client_id)),
          host_(std::move(host)), assignment_(std::move(assignment)) {}
    const std::string& consumerId() const noexcept { return member_id_; }
    const std::optional<String>& groupInstanceId() const noexcept { return instance_id_; }
    const std::string& clientId() const noexcept { return client_id_; }
    const std::string& host() const noexcept { return host_; }
    const MemberAssignment& assignment() const noexcept { return assignment_; }

private:
    std::string member_id_;
    std::optional<String> instance_id_;
    std::string client_id_, host_;
    MemberAssignment assignment_;
};

template <class D = void>
class ConsumerGroupDescriptionImpl {
    using MemberDescription = MemberDescriptionImpl<D>;

public:
    ConsumerGroupDescriptionImpl(std::string group_id, bool simple, std::vector<MemberDescription> members, std::string assignor,
                                 GroupState state, Node coordinator)
        : group_id_(std::move(group_id)), simple_(simple), members_(std::move(members)), assignor_(std::move(assignor)),
          state_(state), coordinator_(coordinator) {}
    const std::string& groupId() const noexcept { return group_id_; }
    bool isSimpleConsumerGroup() const noexcept { return simple_; }
    // In the coordinator's order (join order here).
    const std::vector<MemberDescription>& members() const noexcept { return members_; }
    // The chosen assignor's protocol name ("range", ...); empty while the group has none.
    const std::string& partitionAssignor() const noexcept { return assignor_; }
    GroupState groupState() const noexcept { return state_; }
    const Node& coordinator() const noexcept { return coordinator_; }

private:
    std::string group_id_;
    bool simple_;
    std::vector<MemberDescription> members_;
    std::string assignor_;
    GroupState state_;
    Node coordinator_;
};

}  // namespace detail

using ConsumerGroupListing = detail::ConsumerGroupListingImpl<>;
using MemberAssignment = detail::MemberAssignmentImpl<>;
using MemberDescription = detail::MemberDescriptionImpl<>;
using ConsumerGroupDescription = detail::ConsumerGroupDescriptionImpl<>;

namespace detail {

template <class D>
class ListConsumerGroupsResultImpl {
    using ConsumerGroupListing = Dependent<kstream_sim::ConsumerGroupListing, D>;

public:
    explicit ListConsumerGroupsResultImpl(KafkaFuture<std::vector<ConsumerGroupListing>> all) : all_(std::move(all)) {}
    const KafkaFuture<std::vector<ConsumerGroupListing>>& all() const noexcept { return all_; }
    const KafkaFuture<std::vector<ConsumerGroupListing>>& valid() const noexcept { return all_; }

private:
    KafkaFuture<std::vector<ConsumerGroupListing>> all_;
};

template <class D>
class ListConsumerGroupOffsetsResultImpl {
    using TopicPartition = Dependent<kstream_sim::TopicPartition, D>;

public:
    ListConsumerGroupOffsetsResultImpl(std::string group_id, KafkaFuture<std::map<TopicPartition, OffsetAndMetadata>> offsets)
        : group_id_(std::move(group_id)), offsets_(std::move(offsets)) {}
    // The group's committed offsets (partitions without one are absent).
    const KafkaFuture<std::map<TopicPartition, OffsetAndMetadata>>& partitionsToOffsetAndMetadata() const noexcept { return offsets_; }
    const KafkaFuture<std::map<TopicPartition, OffsetAndMetadata>>& partitionsToOffsetAndMetadata(const std::string& group_id) const {
        if (group_id != group_id_) throw IllegalArgumentException("Offsets for consumer group '" + group_id + "' were not requested");
        return offsets_;
    }

private:
    std::string group_id_;
    KafkaFuture<std::map<TopicPartition, OffsetAndMetadata>> offsets_;
};

template <class D>
class AlterConsumerGroupOffsetsResultImpl : public KeyedResult<Dependent<TopicPartition, D>, void> {
public:
    using AlterConsumerGroupOffsetsResultImpl::KeyedResult::KeyedResult;
    const KafkaFuture<void>& partitionResult(const TopicPartition& tp) const {
        auto it = this->values().find(tp);
        if (it == this->values().end())
            throw IllegalArgumentException("Offset for partition \"" + tp.toString() + "\" was not altered");
        return it->second;
    }
};

template <class D>
class DeleteConsumerGroupsResultImpl : public KeyedResult<Dependent<std::string, D>, void> {
public:
    using DeleteConsumerGroupsResultImpl::KeyedResult::KeyedResult;
    const std::map<std::string, KafkaFuture<void>>& deletedGroups() const noexcept { return this->values(); }
};

template <class D = void>
class DescribeConsumerGroupsResultImpl;
}  // namespace detail

// A class template only so that it is compiled when used; users write DescribeConsumerGroupsResult.
using DescribeConsumerGroupsResult = detail::DescribeConsumerGroupsResultImpl<>;

namespace detail {

template <class D>
class DescribeConsumerGroupsResultImpl {
    using Scheduler = SchedulerImpl<D>;
    // Plain types named through D too: containers of them are then built only with this class.
    using ConsumerGroupDescription = Dependent<kstream_sim::ConsumerGroupDescription, D>;

public:
    DescribeConsumerGroupsResultImpl(Scheduler& scheduler, std::map<std::string, KafkaFuture<ConsumerGroupDescription>> values)
        : scheduler_(&scheduler), values_(std::move(values)) {}
    const std::map<std::string, KafkaFuture<ConsumerGroupDescription>>& describedGroups() const noexcept { return values_; }
    KafkaFuture<std::map<std::string, ConsumerGroupDescription>> all() const { return allValues(*scheduler_, values_); }

private:
    Scheduler* scheduler_;
    std::map<std::string, KafkaFuture<ConsumerGroupDescription>> values_;
};

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
    using DescribeConsumerGroupsResult = DescribeConsumerGroupsResultImpl<D>;
    using DeleteTopicsResult = DeleteTopicsResultImpl<D>;
    using ListTopicsResult = ListTopicsResultImpl<D>;
    using ListConsumerGroupsResult = ListConsumerGroupsResultImpl<D>;
    using ListConsumerGroupOffsetsResult = ListConsumerGroupOffsetsResultImpl<D>;
    using AlterConsumerGroupOffsetsResult = AlterConsumerGroupOffsetsResultImpl<D>;
    using DeleteConsumerGroupsResult = DeleteConsumerGroupsResultImpl<D>;
    using CreateTopicsResult = KeyedResult<Dependent<std::string, D>, void>;
    using CreatePartitionsResult = KeyedResult<Dependent<std::string, D>, void>;
    // Futures through D as well (KafkaFuture<void> and its maps would be built in every program).
    template <class T>
    using KafkaFuture = kstream_sim::KafkaFuture<Dependent<T, D>>;
    // Plain types named through D too: containers of them are then built only with this class.
    using CommittedOffset = Dependent<kstream_sim::CommittedOffset, D>;
    using ConsumerGroupDescription = Dependent<kstream_sim::ConsumerGroupDescription, D>;
    using ConsumerGroupListing = Dependent<kstream_sim::ConsumerGroupListing, D>;
    using ListOffsetsResultInfo = Dependent<kstream_sim::ListOffsetsResultInfo, D>;
    using MemberDescription = Dependent<kstream_sim::MemberDescription, D>;
    using NewPartitions = Dependent<kstream_sim::NewPartitions, D>;
    using NewTopic = Dependent<kstream_sim::NewTopic, D>;
    using Node = Dependent<kstream_sim::Node, D>;
    using OffsetAndMetadata = Dependent<kstream_sim::OffsetAndMetadata, D>;
    using OffsetSpec = Dependent<kstream_sim::OffsetSpec, D>;
    using TopicDescription = Dependent<kstream_sim::TopicDescription, D>;
    using TopicPartition = Dependent<kstream_sim::TopicPartition, D>;
    using TopicPartitionInfo = Dependent<kstream_sim::TopicPartitionInfo, D>;
    using TopicState = Dependent<kstream_sim::TopicState, D>;
    using ConsumerGroupState = Dependent<kstream_sim::ConsumerGroupState, D>;

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

    // ---- consumer groups (answered by each group's coordinator) ----

    ListConsumerGroupsResult listConsumerGroups() {
        KafkaFuture<std::vector<ConsumerGroupListing>> f(cluster_->scheduler());
        requestValue<std::vector<ConsumerGroupListing>>([c = cluster_] {
            std::vector<ConsumerGroupListing> out;
            for (const auto& kv : c->groupCoordinator().groups())
                if (kv.second.state != GroupState::DEAD) out.emplace_back(kv.first, kv.second.protocol.empty() && kv.second.generation == 0, kv.second.state);
            return out;
        }, f);
        return ListConsumerGroupsResult(f);
    }

    DescribeConsumerGroupsResult describeConsumerGroups(const std::vector<std::string>& group_ids) {
        std::map<std::string, KafkaFuture<ConsumerGroupDescription>> futures;
        for (const auto& id : group_ids) {
            KafkaFuture<ConsumerGroupDescription> f(cluster_->scheduler());
            futures.emplace(id, f);
            requestValue<ConsumerGroupDescription>([c = cluster_, id] {
                const ConsumerGroupState& g = existingGroup(*c, id);
                std::vector<MemberDescription> members;
                for (const auto& m : g.members)
                    members.emplace_back(m.member_id, m.group_instance_id, m.client_id, "/127.0.0.1",
                                         MemberAssignment(std::set<TopicPartition>(m.assignment.begin(), m.assignment.end())));
                return ConsumerGroupDescription(id, g.protocol.empty() && g.generation == 0, std::move(members), g.protocol, g.state,
                                                Node(c->coordinatorFor(id)));
            }, f);
        }
        return DescribeConsumerGroupsResult(cluster_->scheduler(), std::move(futures));
    }

    // The committed offsets of a group; an unknown group has none.
    ListConsumerGroupOffsetsResult listConsumerGroupOffsets(const std::string& group_id) {
        KafkaFuture<std::map<TopicPartition, OffsetAndMetadata>> f(cluster_->scheduler());
        requestValue<std::map<TopicPartition, OffsetAndMetadata>>([c = cluster_, group_id] {
            std::map<TopicPartition, OffsetAndMetadata> out;
            if (const ConsumerGroupState* g = c->groupCoordinator().find(group_id))
                for (const auto& [tp, o] : g->offsets) out.emplace(tp, OffsetAndMetadata(o.offset, o.leader_epoch, o.metadata));
            return out;
        }, f);
        return ListConsumerGroupOffsetsResult(group_id, f);
    }

    // Sets committed offsets, as a commit without member id and generation: only while the group has no
    // members (else UnknownMemberIdException). To reset a group to the earliest or latest offsets, or to a
    // timestamp, look them up with listOffsets and alter to them (what kafka-consumer-groups.sh --reset-offsets does).
    AlterConsumerGroupOffsetsResult alterConsumerGroupOffsets(const std::string& group_id,
                                                              const std::map<TopicPartition, OffsetAndMetadata>& offsets) {
        std::map<TopicPartition, KafkaFuture<void>> futures;
        for (const auto& kv : offsets) futures.emplace(kv.first, KafkaFuture<void>(cluster_->scheduler()));
        std::map<TopicPartition, CommittedOffset> commit;
        for (const auto& [tp, o] : offsets) commit[tp] = CommittedOffset{o.offset(), o.leaderEpoch(), o.metadata(), cluster_->nowMs()};
        cluster_->roundTrip(anyBroker(), [c = cluster_, group_id, commit, futures]() -> std::function<void()> {
            const GroupError e = c->commitGroupOffsets(group_id, "", std::nullopt, -1, commit);
            return [e, futures] {
                for (const auto& kv : futures) {
                    if (e == GroupError::NONE) kv.second.complete();
                    else if (e == GroupError::UNKNOWN_TOPIC_OR_PARTITION)
                        kv.second.completeExceptionally(std::make_exception_ptr(
                            UnknownTopicOrPartitionException("This server does not host this topic-partition.")));
                    else
                        kv.second.completeExceptionally(std::make_exception_ptr(UnknownMemberIdException(
                            "The coordinator is not aware of this member. Offsets of a consumer group can be altered only "
                            "while the group has no active members: stop (close) its consumers first.")));
                }
            };
        });
        return AlterConsumerGroupOffsetsResult(cluster_->scheduler(), std::move(futures));
    }

    DeleteConsumerGroupsResult deleteConsumerGroups(const std::vector<std::string>& group_ids) {
        std::map<std::string, KafkaFuture<void>> futures;
        for (const auto& id : group_ids) {
            KafkaFuture<void> f(cluster_->scheduler());
            futures.emplace(id, f);
            request([c = cluster_, id] {
                const ConsumerGroupState& g = existingGroup(*c, id);
                if (!g.members.empty()) throw GroupNotEmptyException("The group is not empty.");
                c->groupCoordinator().deleteGroup(id);
            }, f);
        }
        return DeleteConsumerGroupsResult(cluster_->scheduler(), std::move(futures));
    }

    void close() {}

private:
    static const ConsumerGroupState& existingGroup(Cluster& c, const std::string& id) {
        const ConsumerGroupState* g = c.groupCoordinator().find(id);
        if (!g || g->state == GroupState::DEAD) throw GroupIdNotFoundException("Group " + id + " not found.");
        return *g;
    }

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
