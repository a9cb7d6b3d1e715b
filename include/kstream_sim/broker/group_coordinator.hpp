// The group coordinator's state: consumer groups, their members and assignments, committed offsets.
//
// Kafka places a group on the broker that leads partition abs(hashCode(group.id)) % 50 of the internal,
// compacted topic __consumer_offsets (offsets.topic.num.partitions), and stores each commit as a record
// there. kstream_sim does the same (see Cluster::commitOffsets). Membership here is the simplest correct
// form: a join or leave starts a new generation and the range assignor redistributes all partitions;
// members see the new generation at their next poll (a simplification of the classic join/sync protocol).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "../core/random.hpp"
#include "record.hpp"

namespace kstream_sim {

struct CommittedOffset {
    int64_t offset = -1;
    std::optional<int32_t> leader_epoch;
    std::string metadata;
    int64_t commit_timestamp = -1;
};

struct GroupMember {
    std::string member_id;
    std::string client_id;
    std::optional<std::string> group_instance_id;
    std::vector<std::string> topics;          // subscription
    std::vector<TopicPartition> assignment;
};

struct ConsumerGroupState {
    std::string group_id;
    int32_t generation = 0;
    std::string protocol = "range";
    std::vector<GroupMember> members;  // in Kafka's member order (see sortMembers)
    std::map<TopicPartition, CommittedOffset> offsets;

    const GroupMember* member(const std::string& member_id) const {
        for (const auto& m : members)
            if (m.member_id == member_id) return &m;
        return nullptr;
    }
    // Kafka's group states for the classic protocol, as listConsumerGroups / describeConsumerGroups show them.
    std::string state() const { return members.empty() ? "Empty" : "Stable"; }
};

namespace detail {

// AbstractPartitionAssignor.MemberInfo order: static members (by group.instance.id) first, then member id.
// Member ids are unique, so this is a total order and std::sort gives what a stable sort would (std::stable_sort
// also makes clang warn about libstdc++'s deprecated get_temporary_buffer wherever it is instantiated).
// (This and rangeAssign are templates only so that they are compiled when used.)
template <class D = void>
void sortMembers(std::vector<GroupMember>& members) {
    std::sort(members.begin(), members.end(), [](const GroupMember& a, const GroupMember& b) {
        if (a.group_instance_id.has_value() != b.group_instance_id.has_value()) return a.group_instance_id.has_value();
        if (a.group_instance_id && *a.group_instance_id != *b.group_instance_id) return *a.group_instance_id < *b.group_instance_id;
        return a.member_id < b.member_id;
    });
}

// Kafka's RangeAssignor: per topic, consecutive ranges; the first (partitions % members) members get one more.
template <class D = void>
void rangeAssign(std::vector<GroupMember>& members, const std::function<int32_t(const std::string&)>& partition_count) {
    for (auto& m : members) m.assignment.clear();
    std::vector<std::string> topics;
    for (const auto& m : members)
        for (const auto& t : m.topics)
            if (std::find(topics.begin(), topics.end(), t) == topics.end()) topics.push_back(t);
    std::sort(topics.begin(), topics.end());
    for (const auto& topic : topics) {
        std::vector<GroupMember*> subscribed;
        for (auto& m : members)
            if (std::find(m.topics.begin(), m.topics.end(), topic) != m.topics.end()) subscribed.push_back(&m);
        const int32_t n = std::max<int32_t>(0, partition_count(topic));
        const int32_t per = n / static_cast<int32_t>(subscribed.size());
        const int32_t extra = n % static_cast<int32_t>(subscribed.size());
        int32_t next = 0;
        for (int32_t i = 0; i < static_cast<int32_t>(subscribed.size()); ++i) {
            const int32_t count = per + (i < extra ? 1 : 0);
            for (int32_t k = 0; k < count; ++k) subscribed[static_cast<size_t>(i)]->assignment.emplace_back(topic, next++);
        }
    }
}

template <class D = void>
class GroupCoordinatorImpl;

}  // namespace detail

// A class template only so that it is compiled when used (see SchedulerImpl in core/scheduler.hpp).
using GroupCoordinator = detail::GroupCoordinatorImpl<>;

namespace detail {

template <class D>
class GroupCoordinatorImpl {
public:
    using PartitionCount = std::function<int32_t(const std::string&)>;

    explicit GroupCoordinatorImpl(Random random) : random_(random) {}

    ConsumerGroupState& group(const std::string& group_id) {
        auto it = groups_.find(group_id);
        if (it == groups_.end()) {
            ConsumerGroupState g;
            g.group_id = group_id;
            it = groups_.emplace(group_id, std::move(g)).first;
        }
        return it->second;
    }
    const ConsumerGroupState* find(const std::string& group_id) const {
        auto it = groups_.find(group_id);
        return it == groups_.end() ? nullptr : &it->second;
    }
    const std::map<std::string, ConsumerGroupState>& groups() const noexcept { return groups_; }

    // A member joins (or rejoins with a new subscription); returns its member id. Kafka's member ids are
    // client.id + "-" + a UUID; the UUID here comes from the seeded generator.
    std::string join(const std::string& group_id, const std::string& member_id, const std::string& client_id,
                     const std::optional<std::string>& instance_id, const std::vector<std::string>& topics,
                     const PartitionCount& partition_count) {
        ConsumerGroupState& g = group(group_id);
        std::string id = member_id;
        auto existing = std::find_if(g.members.begin(), g.members.end(), [&](const GroupMember& m) {
            return (!member_id.empty() && m.member_id == member_id) || (instance_id && m.group_instance_id == instance_id);
        });
        if (existing != g.members.end()) {
            id = existing->member_id;
            existing->topics = topics;
        } else {
            if (id.empty()) id = client_id + "-" + uuid();
            g.members.push_back(GroupMember{id, client_id, instance_id, topics, {}});
        }
        rebalance(g, partition_count);
        return id;
    }

    void leave(const std::string& group_id, const std::string& member_id, const PartitionCount& partition_count) {
        ConsumerGroupState& g = group(group_id);
        auto it = std::find_if(g.members.begin(), g.members.end(), [&](const GroupMember& m) { return m.member_id == member_id; });
        if (it == g.members.end()) return;
        g.members.erase(it);
        rebalance(g, partition_count);
    }

    void commit(const std::string& group_id, const std::map<TopicPartition, CommittedOffset>& offsets) {
        ConsumerGroupState& g = group(group_id);
        for (const auto& [tp, o] : offsets) g.offsets[tp] = o;
    }

    void rebalance(ConsumerGroupState& g, const PartitionCount& partition_count) {
        ++g.generation;
        detail::sortMembers(g.members);
        detail::rangeAssign(g.members, partition_count);
    }

private:
    std::string uuid() {
        static const char hex[] = "0123456789abcdef";
        std::string s;
        for (int i = 0; i < 32; ++i) {
            if (i == 8 || i == 12 || i == 16 || i == 20) s.push_back('-');
            s.push_back(hex[random_.nextBelow(16)]);
        }
        return s;
    }

    Random random_;
    std::map<std::string, ConsumerGroupState> groups_;
};

}  // namespace detail

}  // namespace kstream_sim
