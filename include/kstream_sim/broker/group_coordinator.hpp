// The group coordinator: consumer groups with Kafka's classic join/sync protocol, and committed offsets.
//
// Kafka places a group on the broker that leads partition abs(hashCode(group.id)) % 50 of the internal,
// compacted topic __consumer_offsets (offsets.topic.num.partitions), and stores each commit as a record
// there (see Cluster::commitOffsets). The coordinator here is a port of the classic-protocol half of Kafka's
// GroupMetadataManager/ClassicGroup, on the virtual clock:
//   - JoinGroup: a new dynamic member is given a member id (client.id + "-" + UUID) and asked to rejoin with it
//     (MEMBER_ID_REQUIRED); a join moves the group to PreparingRebalance. The join phase ends when every known
//     member has rejoined, or when the rebalance timeout (the largest max.poll.interval.ms) expires, which
//     removes the dynamic members that did not rejoin. The first rebalance of an empty group waits
//     group.initial.rebalance.delay.ms (3 s), extended while new members keep arriving. Then the generation
//     increases, the protocol (assignor) is chosen by vote, and every member gets its JoinGroup response; the
//     leader's lists all members with their subscriptions.
//   - SyncGroup: the leader sends the assignment it computed (the assignor runs in the leader consumer, as in
//     Kafka); the coordinator stores it, answers every member, and the group is Stable.
//   - Heartbeat: every heartbeat (and join or sync) restarts the member's session.timeout.ms; a member whose
//     session expires is removed and the group rebalances. While a rebalance is being prepared, heartbeats
//     answer REBALANCE_IN_PROGRESS, which tells members to rejoin.
//   - Static members (group.instance.id) keep their place: one that rejoins while the group is Stable takes
//     over its old member id's assignment without a rebalance, and does not leave the group when it closes.
// The coordinator knows nothing of partitions or assignors: subscriptions and assignments pass through it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "../core/algorithms.hpp"
#include "../core/dependent.hpp"
#include "../core/hashing.hpp"
#include "../core/random.hpp"
#include "../core/scheduler.hpp"
#include "record.hpp"

namespace kstream_sim {

struct CommittedOffset {
    int64_t offset = -1;
    std::optional<int32_t> leader_epoch;
    std::string metadata;
    int64_t commit_timestamp = -1;
};

// org.apache.kafka.common.GroupState; toString gives Kafka's names ("Stable", "PreparingRebalance", ...).
enum class GroupState { UNKNOWN, PREPARING_REBALANCE, COMPLETING_REBALANCE, STABLE, DEAD, EMPTY, ASSIGNING, RECONCILING, NOT_READY };

inline const char* toString(GroupState s) noexcept {
    switch (s) {
        case GroupState::PREPARING_REBALANCE: return "PreparingRebalance";
        case GroupState::COMPLETING_REBALANCE: return "CompletingRebalance";
        case GroupState::STABLE: return "Stable";
        case GroupState::DEAD: return "Dead";
        case GroupState::EMPTY: return "Empty";
        case GroupState::ASSIGNING: return "Assigning";
        case GroupState::RECONCILING: return "Reconciling";
        case GroupState::NOT_READY: return "NotReady";
        default: return "Unknown";
    }
}

// The error codes of the group APIs (org.apache.kafka.common.protocol.Errors) that the coordinator answers.
enum class GroupError {
    NONE,
    UNKNOWN_MEMBER_ID,
    ILLEGAL_GENERATION,
    REBALANCE_IN_PROGRESS,
    MEMBER_ID_REQUIRED,
    FENCED_INSTANCE_ID,
    INCONSISTENT_GROUP_PROTOCOL,
    COORDINATOR_NOT_AVAILABLE,
    UNKNOWN_TOPIC_OR_PARTITION,
};

// What a member sends for one assignor in its JoinGroup (ConsumerProtocolSubscription plus the assignor's user
// data): subscribed topics, the partitions it owns, and the generation they belong to (-1: none).
struct ConsumerProtocolSubscription {
    std::vector<std::string> topics;
    std::vector<TopicPartition> owned_partitions;
    int32_t generation = -1;
    bool operator==(const ConsumerProtocolSubscription& o) const {
        return topics == o.topics && owned_partitions == o.owned_partitions && generation == o.generation;
    }
    bool operator!=(const ConsumerProtocolSubscription& o) const { return !(*this == o); }
};

// One assignor a member supports ("range", "cooperative-sticky", ...), with its metadata; in preference order.
using GroupProtocols = std::vector<std::pair<std::string, ConsumerProtocolSubscription>>;
// An assignment: member id -> partitions.
using GroupAssignmentMap = std::vector<std::pair<std::string, std::vector<TopicPartition>>>;

// The group protocol's messages and the coordinator's state of a group. Those holding containers of other
// types are class templates only so that they are compiled when used (docs/performance.md, "Include cost").
namespace detail {
template <class D = void>
struct JoinGroupRequestImpl;
template <class D = void>
struct JoinGroupResultImpl;
template <class D = void>
struct GroupMemberImpl;
template <class D = void>
struct ConsumerGroupStateImpl;
}  // namespace detail

using JoinGroupRequest = detail::JoinGroupRequestImpl<>;
using JoinGroupResult = detail::JoinGroupResultImpl<>;
using GroupMember = detail::GroupMemberImpl<>;
using ConsumerGroupState = detail::ConsumerGroupStateImpl<>;

struct JoinGroupResponseMember {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    ConsumerProtocolSubscription metadata;  // for the chosen protocol
};

struct SyncGroupResult {
    GroupError error = GroupError::NONE;
    std::string protocol;
    std::vector<TopicPartition> assignment;
};

namespace detail {

template <class D>
struct JoinGroupRequestImpl {
    using GroupProtocols = Dependent<kstream_sim::GroupProtocols, D>;

    std::string group_id;
    std::string member_id;  // empty on the first join
    std::string client_id;
    std::optional<std::string> group_instance_id;
    int32_t session_timeout_ms = 45000;
    int32_t rebalance_timeout_ms = 300000;  // the member's max.poll.interval.ms
    GroupProtocols protocols;
};

template <class D>
struct JoinGroupResultImpl {
    GroupError error = GroupError::NONE;
    std::string member_id;
    int32_t generation = -1;
    std::string protocol;
    std::string leader;
    bool skip_assignment = false;                  // a static leader rejoined a Stable group: keep the assignment
    std::vector<Dependent<JoinGroupResponseMember, D>> members;  // only for the leader, in the coordinator's order
};

template <class D>
struct GroupMemberImpl {
    using GroupProtocols = Dependent<kstream_sim::GroupProtocols, D>;
    using SyncGroupResult = Dependent<kstream_sim::SyncGroupResult, D>;

    std::string member_id;
    std::string client_id;
    std::optional<std::string> group_instance_id;
    int32_t session_timeout_ms = 45000;
    int32_t rebalance_timeout_ms = 300000;
    GroupProtocols protocols;
    std::vector<TopicPartition> assignment;
    // Protocol state: a pending JoinGroup or SyncGroup response, whether the member joined in this rebalance.
    std::function<void(JoinGroupResultImpl<D>)> awaiting_join;
    std::function<void(SyncGroupResult)> awaiting_sync;
    bool is_new = false;
    uint64_t heartbeat_epoch = 0;

    bool isStatic() const noexcept { return group_instance_id.has_value(); }
    // The subscription sent with one protocol (the first one's when the member does not support it).
    const ConsumerProtocolSubscription& metadataFor(const std::string& protocol) const {
        for (const auto& p : protocols)
            if (p.first == protocol) return p.second;
        return protocols.front().second;
    }
    std::vector<std::string> subscribedTopics(const std::string& protocol) const {
        return protocols.empty() ? std::vector<std::string>{} : metadataFor(protocol).topics;
    }
};

template <class D>
struct ConsumerGroupStateImpl {
    using GroupMember = GroupMemberImpl<D>;

    std::string group_id;
    int32_t generation = 0;
    std::string protocol;  // the chosen assignor; empty while the group has none
    std::string leader;    // empty when there is none
    GroupState state = GroupState::EMPTY;
    GroupState previous_state = GroupState::EMPTY;
    std::vector<GroupMember> members;          // in join order
    std::vector<std::string> pending_members;  // given an id, not yet rejoined with it
    std::set<std::string> pending_sync;        // joined this generation, not yet synced
    bool new_member_added = false;
    uint64_t join_timer = 0, sync_timer = 0;   // the current timer's number; older timers do nothing
    std::map<Dependent<TopicPartition, D>, CommittedOffset> offsets;

    const GroupMember* member(const std::string& member_id) const {
        for (const auto& m : members)
            if (m.member_id == member_id) return &m;
        return nullptr;
    }
    GroupMember* member(const std::string& member_id) {
        return const_cast<GroupMember*>(static_cast<const ConsumerGroupStateImpl*>(this)->member(member_id));
    }
    const GroupMember* staticMember(const std::string& instance_id) const {
        for (const auto& m : members)
            if (m.group_instance_id == instance_id) return &m;
        return nullptr;
    }
    bool isPending(const std::string& member_id) const {
        return std::find(pending_members.begin(), pending_members.end(), member_id) != pending_members.end();
    }
    bool hasAllMembersJoined() const {
        if (!pending_members.empty()) return false;
        for (const auto& m : members)
            if (!m.awaiting_join) return false;
        return true;
    }
    int32_t rebalanceTimeoutMs() const {
        int32_t t = 0;
        for (const auto& m : members) t = std::max(t, m.rebalance_timeout_ms);
        return t;
    }
};

}  // namespace detail

// Broker settings of the coordinator (Kafka's names and defaults).
struct GroupCoordinatorConfig {
    int32_t initial_rebalance_delay_ms = 3000;     // group.initial.rebalance.delay.ms
    int32_t new_member_join_timeout_ms = 300000;   // a new member's session while it waits in its first join
};

namespace detail {
template <class D = void>
class GroupCoordinatorImpl;
}  // namespace detail

// A class template only so that it is compiled when used (see SchedulerImpl in core/scheduler.hpp).
using GroupCoordinator = detail::GroupCoordinatorImpl<>;

namespace detail {

template <class D>
class GroupCoordinatorImpl {
    using Scheduler = SchedulerImpl<D>;
    // Plain types named through D too: containers of them are then built only with this class.
    using CommittedOffset = Dependent<kstream_sim::CommittedOffset, D>;
    using ConsumerGroupState = Dependent<kstream_sim::ConsumerGroupState, D>;
    using TopicPartition = Dependent<kstream_sim::TopicPartition, D>;
    using JoinGroupResult = Dependent<kstream_sim::JoinGroupResult, D>;
    using SyncGroupResult = Dependent<kstream_sim::SyncGroupResult, D>;
    using GroupMember = Dependent<kstream_sim::GroupMember, D>;
    using JoinGroupRequest = Dependent<kstream_sim::JoinGroupRequest, D>;
    using GroupProtocols = Dependent<kstream_sim::GroupProtocols, D>;
    using GroupAssignmentMap = Dependent<kstream_sim::GroupAssignmentMap, D>;

public:
    using JoinCallback = std::function<void(JoinGroupResult)>;
    using SyncCallback = std::function<void(SyncGroupResult)>;

    GroupCoordinatorImpl(Random random, Scheduler& scheduler) : random_(random), scheduler_(scheduler) {}

    GroupCoordinatorConfig& config() noexcept { return config_; }

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

    // ---- JoinGroup ----
    void joinGroup(const JoinGroupRequest& r, JoinCallback respond) {
        ConsumerGroupState& g = group(r.group_id);
        if (g.state == GroupState::DEAD) return respond(error(GroupError::COORDINATOR_NOT_AVAILABLE, r.member_id));
        if (!supportsProtocols(g, r.protocols)) return respond(error(GroupError::INCONSISTENT_GROUP_PROTOCOL, r.member_id));
        if (r.member_id.empty()) {
            const std::string id = r.client_id + "-" + uuid();
            if (r.group_instance_id) {
                if (const GroupMember* old = g.staticMember(*r.group_instance_id))
                    return updateStaticMember(g, old->member_id, id, r, std::move(respond));
                return addMember(g, id, r, std::move(respond));
            }
            g.pending_members.push_back(id);
            scheduleExpiry(g, id, 0, r.session_timeout_ms);
            return respond(error(GroupError::MEMBER_ID_REQUIRED, id));
        }
        if (g.isPending(r.member_id)) return addMember(g, r.member_id, r, std::move(respond));
        const GroupError invalid = validateMember(g, r.member_id, r.group_instance_id);
        if (invalid != GroupError::NONE) return respond(error(invalid, r.member_id));
        GroupMember& m = *g.member(r.member_id);
        const bool matches = m.protocols == r.protocols;
        if (g.state == GroupState::PREPARING_REBALANCE) return updateMemberThenRebalance(g, m, r, std::move(respond));
        if (g.state == GroupState::COMPLETING_REBALANCE) {
            if (matches) return respond(joinResponse(g, m.member_id, false));
            return updateMemberThenRebalance(g, m, r, std::move(respond));
        }
        if (g.state == GroupState::STABLE) {
            if (g.leader == m.member_id || !matches) return updateMemberThenRebalance(g, m, r, std::move(respond));
            return respond(joinResponse(g, m.member_id, false));
        }
        respond(error(GroupError::UNKNOWN_MEMBER_ID, r.member_id));
    }

    // ---- SyncGroup ----
    void syncGroup(const std::string& group_id, const std::string& member_id, const std::optional<std::string>& instance_id,
                   int32_t generation, const GroupAssignmentMap& assignment, SyncCallback respond) {
        auto it = groups_.find(group_id);
        if (it == groups_.end() || it->second.members.empty()) return respond(SyncGroupResult{GroupError::UNKNOWN_MEMBER_ID, {}, {}});
        ConsumerGroupState& g = it->second;
        GroupError invalid = validateMember(g, member_id, instance_id);
        if (invalid == GroupError::NONE && generation != g.generation) invalid = GroupError::ILLEGAL_GENERATION;
        if (invalid != GroupError::NONE) return respond(SyncGroupResult{invalid, {}, {}});
        if (g.state == GroupState::PREPARING_REBALANCE) return respond(SyncGroupResult{GroupError::REBALANCE_IN_PROGRESS, {}, {}});
        GroupMember& m = *g.member(member_id);
        if (g.state == GroupState::STABLE) {
            g.pending_sync.erase(member_id);
            return respond(SyncGroupResult{GroupError::NONE, g.protocol, m.assignment});
        }
        // CompletingRebalance: wait for the leader's assignment.
        m.awaiting_sync = std::move(respond);
        g.pending_sync.erase(member_id);
        if (g.leader != member_id) return;
        for (auto& member : g.members) {
            member.assignment.clear();
            for (const auto& a : assignment)
                if (a.first == member.member_id) member.assignment = a.second;
        }
        propagateAssignment(g, GroupError::NONE);
        transition(g, GroupState::STABLE);
    }

    // ---- Heartbeat ----
    GroupError heartbeat(const std::string& group_id, const std::string& member_id, const std::optional<std::string>& instance_id,
                         int32_t generation) {
        auto it = groups_.find(group_id);
        if (it == groups_.end() || it->second.state == GroupState::EMPTY) return GroupError::UNKNOWN_MEMBER_ID;
        ConsumerGroupState& g = it->second;
        const GroupError invalid = validateMember(g, member_id, instance_id);
        if (invalid != GroupError::NONE) return invalid;
        if (generation != g.generation) return GroupError::ILLEGAL_GENERATION;
        GroupMember& m = *g.member(member_id);
        rescheduleHeartbeat(g, m, m.session_timeout_ms);
        return g.state == GroupState::PREPARING_REBALANCE ? GroupError::REBALANCE_IN_PROGRESS : GroupError::NONE;
    }

    // ---- LeaveGroup ----
    void leaveGroup(const std::string& group_id, const std::string& member_id, const std::optional<std::string>& instance_id) {
        auto it = groups_.find(group_id);
        if (it == groups_.end()) return;
        ConsumerGroupState& g = it->second;
        if (g.isPending(member_id)) return removePendingMember(g, member_id);
        const GroupMember* m = instance_id ? g.staticMember(*instance_id) : g.member(member_id);
        if (m) removeMemberAndRebalance(g, m->member_id);
    }

    // ---- offsets ----
    // ClassicGroup.validateOffsetCommit: who may commit. A commit without member id and generation (an assigned
    // consumer, Admin, a transaction's offsets) is accepted only while the group has no members.
    GroupError validateOffsetCommit(const std::string& group_id, const std::string& member_id,
                                    const std::optional<std::string>& instance_id, int32_t generation, bool transactional = false) {
        const ConsumerGroupState* found = find(group_id);
        if (!found) return generation >= 0 ? GroupError::ILLEGAL_GENERATION : GroupError::NONE;
        const ConsumerGroupState& g = *found;
        if (g.state == GroupState::DEAD) return GroupError::COORDINATOR_NOT_AVAILABLE;
        if (generation < 0 && g.state == GroupState::EMPTY) return GroupError::NONE;
        if (generation >= 0 || !member_id.empty() || instance_id) {
            const GroupError invalid = validateMember(g, member_id, instance_id);
            if (invalid != GroupError::NONE) return invalid;
            if (generation != g.generation) return GroupError::ILLEGAL_GENERATION;
        } else if (!transactional) {
            return GroupError::UNKNOWN_MEMBER_ID;
        }
        if (!transactional && g.state == GroupState::COMPLETING_REBALANCE) return GroupError::REBALANCE_IN_PROGRESS;
        return GroupError::NONE;
    }

    // DeleteGroups: the group and its offsets are gone (the caller checked that it has no members).
    void deleteGroup(const std::string& group_id) { groups_.erase(group_id); }

    void commit(const std::string& group_id, const std::map<TopicPartition, CommittedOffset>& offsets) {
        ConsumerGroupState& g = group(group_id);
        for (const auto& [tp, o] : offsets) g.offsets[tp] = o;
    }

private:
    static JoinGroupResult error(GroupError e, const std::string& member_id) {
        JoinGroupResult r;
        r.error = e;
        r.member_id = member_id;
        return r;
    }

    JoinGroupResult joinResponse(const ConsumerGroupState& g, const std::string& member_id, bool skip_assignment) const {
        JoinGroupResult r;
        r.member_id = member_id;
        r.generation = g.generation;
        r.protocol = g.protocol;
        r.leader = g.leader;
        r.skip_assignment = skip_assignment;
        if (g.leader == member_id)
            for (const auto& m : g.members) r.members.push_back({m.member_id, m.group_instance_id, m.metadataFor(g.protocol)});
        return r;
    }

    static void completeJoinFuture(GroupMember& m, JoinGroupResult r) {
        if (!m.awaiting_join) return;
        auto respond = std::move(m.awaiting_join);
        m.awaiting_join = nullptr;
        respond(std::move(r));
    }

    // Every member must support one protocol in common with the others.
    static bool supportsProtocols(const ConsumerGroupState& g, const GroupProtocols& protocols) {
        if (protocols.empty()) return false;
        if (g.members.empty()) return true;
        for (const auto& p : protocols)
            if (std::all_of(g.members.begin(), g.members.end(), [&](const GroupMember& m) {
                    return std::any_of(m.protocols.begin(), m.protocols.end(), [&](const auto& q) { return q.first == p.first; });
                }))
                return true;
        return false;
    }

    // ClassicGroup.selectProtocol: among the protocols every member supports, each member votes for its first
    // choice; the most votes win (a tie goes to the first in the order of Java's HashMap of the protocol names).
    static std::string selectProtocol(const ConsumerGroupState& g) {
        std::vector<std::pair<std::string, int>> votes;
        for (const auto& m : g.members) {
            for (const auto& p : m.protocols) {
                const bool everyone = std::all_of(g.members.begin(), g.members.end(), [&](const GroupMember& o) {
                    return std::any_of(o.protocols.begin(), o.protocols.end(), [&](const auto& q) { return q.first == p.first; });
                });
                if (!everyone) continue;
                auto v = std::find_if(votes.begin(), votes.end(), [&](const auto& e) { return e.first == p.first; });
                if (v == votes.end()) votes.emplace_back(p.first, 1);
                else ++v->second;
                break;
            }
        }
        auto bucket = [](const std::string& s) {
            const uint32_t h = static_cast<uint32_t>(javaStringHashCode(s));
            return (h ^ (h >> 16)) & 15u;  // a small HashMap: 16 buckets
        };
        const std::pair<std::string, int>* best = nullptr;
        std::vector<size_t> order(votes.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        detail::stableSort(order.begin(), order.end(), [&](size_t a, size_t b) { return bucket(votes[a].first) < bucket(votes[b].first); });
        for (size_t i : order)
            if (!best || votes[i].second > best->second) best = &votes[i];
        return best ? best->first : std::string();
    }

    static GroupError validateMember(const ConsumerGroupState& g, const std::string& member_id, const std::optional<std::string>& instance_id) {
        if (instance_id) {
            const GroupMember* s = g.staticMember(*instance_id);
            if (s && s->member_id != member_id) return GroupError::FENCED_INSTANCE_ID;
            if (!s) return GroupError::UNKNOWN_MEMBER_ID;
            return GroupError::NONE;
        }
        return g.member(member_id) ? GroupError::NONE : GroupError::UNKNOWN_MEMBER_ID;
    }

    static bool canRebalance(const ConsumerGroupState& g) {
        return g.state == GroupState::STABLE || g.state == GroupState::COMPLETING_REBALANCE || g.state == GroupState::EMPTY;
    }
    static void transition(ConsumerGroupState& g, GroupState to) {
        g.previous_state = g.state;
        g.state = to;
    }

    void addMember(ConsumerGroupState& g, const std::string& id, const JoinGroupRequest& r, JoinCallback respond) {
        GroupMember m;
        m.member_id = id;
        m.client_id = r.client_id;
        m.group_instance_id = r.group_instance_id;
        m.session_timeout_ms = r.session_timeout_ms;
        m.rebalance_timeout_ms = r.rebalance_timeout_ms;
        m.protocols = r.protocols;
        m.awaiting_join = std::move(respond);
        m.is_new = true;
        if (g.state == GroupState::PREPARING_REBALANCE && g.previous_state == GroupState::EMPTY) g.new_member_added = true;
        if (g.leader.empty()) g.leader = id;
        g.members.push_back(std::move(m));
        g.pending_members.erase(std::remove(g.pending_members.begin(), g.pending_members.end(), id), g.pending_members.end());
        rescheduleHeartbeat(g, g.members.back(), config_.new_member_join_timeout_ms);
        maybePrepareRebalanceOrCompleteJoin(g);
    }

    void updateMemberThenRebalance(ConsumerGroupState& g, GroupMember& m, const JoinGroupRequest& r, JoinCallback respond) {
        m.protocols = r.protocols;
        m.session_timeout_ms = r.session_timeout_ms;
        m.rebalance_timeout_ms = r.rebalance_timeout_ms;
        m.awaiting_join = std::move(respond);
        maybePrepareRebalanceOrCompleteJoin(g);
    }

    // A static member rejoined with a new member id: it replaces its old id (fencing whoever still uses that).
    void updateStaticMember(ConsumerGroupState& g, const std::string& old_id, const std::string& new_id, const JoinGroupRequest& r,
                            JoinCallback respond) {
        GroupMember& m = *g.member(old_id);
        completeJoinFuture(m, error(GroupError::FENCED_INSTANCE_ID, old_id));
        if (m.awaiting_sync) {
            auto fenced = std::move(m.awaiting_sync);
            m.awaiting_sync = nullptr;
            fenced(SyncGroupResult{GroupError::FENCED_INSTANCE_ID, {}, {}});
        }
        m.member_id = new_id;
        m.client_id = r.client_id;
        if (g.leader == old_id) g.leader = new_id;
        if (g.pending_sync.erase(old_id)) g.pending_sync.insert(new_id);
        rescheduleHeartbeat(g, m, r.session_timeout_ms);
        m.protocols = r.protocols;
        m.session_timeout_ms = r.session_timeout_ms;
        m.rebalance_timeout_ms = r.rebalance_timeout_ms;
        m.awaiting_join = std::move(respond);
        if (g.state == GroupState::STABLE) {
            if (selectProtocol(g) == g.protocol) {
                // No rebalance: the member gets its old assignment at SyncGroup (a leader is told to skip assigning).
                return completeJoinFuture(m, joinResponse(g, new_id, g.leader == new_id));
            }
            return maybePrepareRebalanceOrCompleteJoin(g);
        }
        if (g.state == GroupState::COMPLETING_REBALANCE) return prepareRebalance(g);
        maybeCompleteJoinPhase(g);
    }

    void maybePrepareRebalanceOrCompleteJoin(ConsumerGroupState& g) {
        if (canRebalance(g)) return prepareRebalance(g);
        maybeCompleteJoinPhase(g);
    }

    void maybeCompleteJoinPhase(ConsumerGroupState& g) {
        if (g.state != GroupState::PREPARING_REBALANCE || g.previous_state == GroupState::EMPTY || !g.hasAllMembersJoined()) return;
        completeJoin(g);
    }

    void prepareRebalance(ConsumerGroupState& g) {
        if (g.state == GroupState::COMPLETING_REBALANCE) {
            for (auto& m : g.members) m.assignment.clear();
            propagateAssignment(g, GroupError::REBALANCE_IN_PROGRESS);
        }
        ++g.sync_timer;
        const bool initial = g.state == GroupState::EMPTY;
        transition(g, GroupState::PREPARING_REBALANCE);
        if (initial) {
            const int32_t delay = config_.initial_rebalance_delay_ms;
            const int32_t remaining = std::max(g.rebalanceTimeoutMs() - delay, 0);
            scheduleJoinTimer(g, delay, [this, id = g.group_id, delay, remaining] { tryCompleteInitialRebalance(id, delay, remaining); });
            return;
        }
        if (g.hasAllMembersJoined()) return completeJoin(g);
        scheduleJoinTimer(g, g.rebalanceTimeoutMs(), [this, id = g.group_id] { completeJoin(group(id)); });
    }

    void tryCompleteInitialRebalance(const std::string& group_id, int32_t delay, int32_t remaining) {
        ConsumerGroupState& g = group(group_id);
        if (g.new_member_added && remaining != 0) {
            g.new_member_added = false;
            const int32_t next_delay = std::min(config_.initial_rebalance_delay_ms, remaining);
            const int32_t next_remaining = std::max(remaining - delay, 0);
            scheduleJoinTimer(g, next_delay, [this, group_id, next_delay, next_remaining] {
                tryCompleteInitialRebalance(group_id, next_delay, next_remaining);
            });
            return;
        }
        completeJoin(g);
    }

    void scheduleJoinTimer(ConsumerGroupState& g, int32_t delay_ms, std::function<void()> action) {
        const uint64_t timer = ++g.join_timer;
        scheduler_.after(delay_ms, [this, id = g.group_id, timer, action = std::move(action)] {
            if (group(id).join_timer == timer) action();
        });
    }

    // The join phase ends: members that did not rejoin go (dynamic ones), the generation increases, everyone
    // gets its JoinGroup response, and the group waits for the leader's SyncGroup.
    void completeJoin(ConsumerGroupState& g) {
        ++g.join_timer;
        std::vector<std::string> gone;
        for (const auto& m : g.members)
            if (!m.awaiting_join && !m.isStatic()) gone.push_back(m.member_id);
        for (const auto& id : gone) removeMember(g, id);
        if (!g.members.empty() && !electJoinedLeader(g)) {
            scheduleJoinTimer(g, g.rebalanceTimeoutMs(), [this, id = g.group_id] { completeJoin(group(id)); });
            return;
        }
        ++g.generation;
        g.pending_sync.clear();
        if (g.members.empty()) {
            g.protocol.clear();
            transition(g, GroupState::EMPTY);
            return;
        }
        g.protocol = selectProtocol(g);
        transition(g, GroupState::COMPLETING_REBALANCE);
        for (auto& m : g.members) {
            g.pending_sync.insert(m.member_id);
            m.is_new = false;
            rescheduleHeartbeat(g, m, m.session_timeout_ms);
        }
        // Respond after the state is complete: a response may be delivered at once.
        std::vector<std::string> ids;
        for (const auto& m : g.members) ids.push_back(m.member_id);
        for (const auto& id : ids)
            if (GroupMember* m = g.member(id)) completeJoinFuture(*m, joinResponse(g, id, false));
        const uint64_t timer = ++g.sync_timer;
        const int32_t generation = g.generation;
        scheduler_.after(g.rebalanceTimeoutMs(), [this, id = g.group_id, timer, generation] { expirePendingSync(id, timer, generation); });
    }

    // The leader must be among the members that rejoined; if it is not, the first one that did leads.
    static bool electJoinedLeader(ConsumerGroupState& g) {
        const GroupMember* leader = g.leader.empty() ? nullptr : g.member(g.leader);
        if (leader && leader->awaiting_join) return true;
        for (const auto& m : g.members)
            if (m.awaiting_join) {
                g.leader = m.member_id;
                return true;
            }
        return false;
    }

    void expirePendingSync(const std::string& group_id, uint64_t timer, int32_t generation) {
        ConsumerGroupState& g = group(group_id);
        if (g.sync_timer != timer || g.generation != generation || g.pending_sync.empty()) return;
        if (g.state != GroupState::COMPLETING_REBALANCE && g.state != GroupState::STABLE) return;
        const std::set<std::string> late = g.pending_sync;
        for (const auto& id : late) removeMember(g, id);
        prepareRebalance(g);
    }

    void propagateAssignment(ConsumerGroupState& g, GroupError e) {
        for (auto& m : g.members) {
            if (!m.awaiting_sync) continue;
            auto respond = std::move(m.awaiting_sync);
            m.awaiting_sync = nullptr;
            rescheduleHeartbeat(g, m, m.session_timeout_ms);
            respond(SyncGroupResult{e, e == GroupError::NONE ? g.protocol : std::string(),
                                    e == GroupError::NONE ? m.assignment : std::vector<TopicPartition>{}});
        }
    }

    // (`id` by value: callers pass the member's own id, which erasing the member destroys.)
    void removeMember(ConsumerGroupState& g, std::string id) {
        auto it = std::find_if(g.members.begin(), g.members.end(), [&](const GroupMember& m) { return m.member_id == id; });
        if (it != g.members.end()) g.members.erase(it);
        if (g.leader == id) g.leader = g.members.empty() ? std::string() : g.members.front().member_id;
        g.pending_sync.erase(id);
    }

    void removeMemberAndRebalance(ConsumerGroupState& g, const std::string& id) {
        if (GroupMember* m = g.member(id)) completeJoinFuture(*m, error(GroupError::UNKNOWN_MEMBER_ID, ""));
        removeMember(g, id);
        if (g.state == GroupState::STABLE || g.state == GroupState::COMPLETING_REBALANCE) return maybePrepareRebalanceOrCompleteJoin(g);
        if (g.state == GroupState::PREPARING_REBALANCE && g.hasAllMembersJoined()) completeJoin(g);
    }

    void removePendingMember(ConsumerGroupState& g, const std::string& id) {
        g.pending_members.erase(std::remove(g.pending_members.begin(), g.pending_members.end(), id), g.pending_members.end());
        if (g.state == GroupState::PREPARING_REBALANCE && g.hasAllMembersJoined()) completeJoin(g);
    }

    // session.timeout.ms: the member is removed unless it heartbeats (or joins, or syncs) before this fires.
    void rescheduleHeartbeat(ConsumerGroupState& g, GroupMember& m, int32_t timeout_ms) {
        scheduleExpiry(g, m.member_id, ++m.heartbeat_epoch, timeout_ms);
    }
    void scheduleExpiry(ConsumerGroupState& g, const std::string& member_id, uint64_t epoch, int32_t timeout_ms) {
        scheduler_.after(timeout_ms, [this, gid = g.group_id, member_id, epoch] { expireHeartbeat(gid, member_id, epoch); });
    }
    void expireHeartbeat(const std::string& group_id, const std::string& member_id, uint64_t epoch) {
        ConsumerGroupState& g = group(group_id);
        if (g.state == GroupState::DEAD) return;
        if (epoch == 0) {
            if (g.isPending(member_id)) removePendingMember(g, member_id);
            return;
        }
        const GroupMember* m = g.member(member_id);
        if (!m || m->heartbeat_epoch != epoch) return;
        const bool satisfied = !m->is_new && (m->awaiting_join || m->awaiting_sync);
        if (!satisfied) removeMemberAndRebalance(g, member_id);
    }

    // A UUID in text form, from the seeded generator.
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
    Scheduler& scheduler_;
    GroupCoordinatorConfig config_;
    std::map<std::string, ConsumerGroupState> groups_;
};

}  // namespace detail

}  // namespace kstream_sim
