// Consumer partition assignors: Kafka's range, roundrobin, sticky and cooperative-sticky, decision for decision.
//
// The group leader (a consumer) runs one of these over every member's subscription and hands each member its
// partitions. They are pure: a GroupSubscription (members with their topics, owned partitions and generation,
// plus the partition count of each topic) goes in, a GroupAssignment comes out. Each is a port of Kafka's own
// class (org.apache.kafka.clients.consumer.RangeAssignor, RoundRobinAssignor, StickyAssignor,
// CooperativeStickyAssignor and internals.AbstractStickyAssignor, Kafka 4.3) and must give the same
// partitions, in the same order in each member's list (conformance scenario `assignors` checks that against
// Kafka's classes).
//
// Where Kafka's result depends on the iteration order of a java.util.HashMap or HashSet (Range's topic order,
// which member keeps an extra partition in sticky's fast path, which partition a sticky move picks), the order
// is reproduced: a HashMap iterates by bucket, hash(key) = h ^ (h >>> 16) of Java's hashCode, masked by a
// power-of-two capacity (16, doubled whenever size exceeds 3/4 of it), and within a bucket by insertion.
// GroupSubscription::members is therefore the order the coordinator listed the members in (Kafka's
// JoinGroup response order), which is the insertion order of the leader's HashMap.
//
// Not modelled: rack-aware assignment (client.rack); Java's treeified HashMap buckets (eight or more keys in one
// bucket of a table of 64 or more); Java String.compareTo on characters above U+FFFF (compared as UTF-8 here).
// An owned partition whose number is not below the topic's partition count is ignored (Kafka cannot shrink a
// topic; Kafka's own code would keep it and mis-count).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../broker/record.hpp"
#include "../core/algorithms.hpp"
#include "../core/dependent.hpp"
#include "../core/errors.hpp"
#include "../core/hashing.hpp"

namespace kstream_sim {

// ConsumerPartitionAssignor.RebalanceProtocol: EAGER revokes everything before a rebalance; COOPERATIVE
// (KIP-429) keeps what stays and revokes only what moves.
enum class RebalanceProtocol { EAGER, COOPERATIVE };

// One member as the leader sees it: ConsumerPartitionAssignor.Subscription plus the member id.
struct AssignorMember {
    std::string member_id;
    std::optional<std::string> group_instance_id;    // static membership (group.instance.id)
    std::vector<std::string> topics;                  // subscribed topics (duplicates ignored)
    std::vector<TopicPartition> owned_partitions;     // the member's current assignment (sticky, cooperative-sticky)
    int32_t generation = -1;                          // generation of owned_partitions; -1 = none (a new member)
};

// ConsumerPartitionAssignor.GroupSubscription plus the cluster metadata the leader knows.
struct GroupSubscription {
    std::vector<AssignorMember> members;                                  // in the coordinator's order
    std::vector<std::pair<std::string, int32_t>> partitions_per_topic;    // topic -> partition count
};

struct MemberPartitions {
    std::string member_id;
    std::vector<TopicPartition> partitions;  // in the order Kafka's assignor lists them
};

// One entry per member, in the order of GroupSubscription::members.
struct GroupAssignment {
    std::vector<MemberPartitions> members;

    // The partitions of one member; empty for an unknown member.
    const std::vector<TopicPartition>& partitionsOf(const std::string& member_id) const {
        static const std::vector<TopicPartition> none;
        for (const auto& m : members)
            if (m.member_id == member_id) return m.partitions;
        return none;
    }
};

namespace detail {

// java.lang.NullPointerException (name() says so): what Kafka's sticky assignors throw when a partition's previous
// owner (from an older generation) has since changed its subscription so that it cannot take part in the
// rebalance (GeneralAssignmentBuilder.performReassignments); the leader's rebalance fails. Reproduced, not fixed.
class AssignorNullPointerException : public KafkaException {
public:
    explicit AssignorNullPointerException(const std::string& message) : KafkaException(message) {}
    const char* name() const noexcept override { return "NullPointerException"; }
};

// ---- [SECTION] Java collection orders ----------------------------------------------------------------------

// HashMap.hash(): the high half folded into the low half.
inline uint32_t javaSpread(int32_t h) noexcept {
    const uint32_t u = static_cast<uint32_t>(h);
    return u ^ (u >> 16);
}

// Table size of a default-constructed HashMap/HashSet that has held up to `max_size` entries.
inline uint32_t javaTableSize(size_t max_size) noexcept {
    uint32_t cap = 16;
    while (max_size > cap / 4 * 3) cap *= 2;
    return cap;
}

// TopicPartition.hashCode(): 31 * (31 + partition) + topic.hashCode().
inline int32_t javaTopicPartitionHash(int32_t topic_hash, int32_t partition) noexcept {
    return static_cast<int32_t>(31u * (31u + static_cast<uint32_t>(partition)) + static_cast<uint32_t>(topic_hash));
}

// Iteration order of a default HashMap/HashSet whose distinct keys (given by hash) were inserted in this order:
// the indices into `hashes`, sorted by bucket, ties in insertion order.
template <class D = void>
std::vector<size_t> javaHashOrder(const std::vector<int32_t>& hashes) {
    const uint32_t mask = javaTableSize(hashes.size()) - 1;
    std::vector<size_t> order(hashes.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    detail::stableSort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return (javaSpread(hashes[a]) & mask) < (javaSpread(hashes[b]) & mask); });
    return order;
}

// A java.util.HashSet<Integer-like key> reduced to what the sticky assignor asks of it: add, remove, and the
// first element its iterator returns.
template <class D = void>
class JavaHashSetImpl {
public:
    bool empty() const noexcept { return entries_.empty(); }
    void add(int key, int32_t hash) {
        for (const auto& e : entries_)
            if (e.key == key) return;
        entries_.push_back({key, hash, next_seq_++});
        max_size_ = std::max(max_size_, entries_.size());
    }
    void remove(int key) {
        for (size_t i = 0; i < entries_.size(); ++i)
            if (entries_[i].key == key) { entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i)); return; }
    }
    int first() const {
        const uint32_t mask = javaTableSize(max_size_) - 1;  // a HashMap table never shrinks
        const Entry* best = &entries_.front();
        for (const auto& e : entries_) {
            const uint32_t b = javaSpread(e.hash) & mask, bb = javaSpread(best->hash) & mask;
            if (b < bb || (b == bb && e.seq < best->seq)) best = &e;
        }
        return best->key;
    }

private:
    struct Entry { int key; int32_t hash; uint64_t seq; };
    std::vector<Entry> entries_;
    uint64_t next_seq_ = 0;
    size_t max_size_ = 0;
};

// ---- [SECTION] The input, indexed ----------------------------------------------------------------------------

// Members by index (input order), topics with metadata by index in name order, and every partition of those
// topics as one integer: gid = first_gid[topic] + partition, so gid order is (topic name, partition) order.
struct AssignorInput {
    struct Topic { std::string name; int32_t count; int32_t hash; int first_gid; };
    const GroupSubscription* sub = nullptr;
    std::vector<Topic> topics;                      // subscribed topics with partitions, sorted by name
    std::vector<std::vector<int>> member_topics;    // per member: its subscribed topics with metadata, its order
    std::vector<std::vector<std::string>> member_topic_names;  // per member: distinct subscribed names, its order
    std::vector<int> java_member_order;             // iteration order of Kafka's HashMap<memberId, Subscription>
    std::vector<int> java_topic_order;              // iteration order of partitionsPerTopic (a HashMap)
    std::vector<int> gid_topic;                     // gid -> topic index
    int total = 0;                                  // partitions of all topics with metadata

    size_t memberCount() const noexcept { return sub->members.size(); }
    const std::string& memberId(int m) const { return sub->members[static_cast<size_t>(m)].member_id; }
    template <class D = void>
    int topicIndex(const std::string& name) const {
        auto it = std::lower_bound(topics.begin(), topics.end(), name,
                                   [](const Topic& t, const std::string& n) { return t.name < n; });
        return it != topics.end() && it->name == name ? static_cast<int>(it - topics.begin()) : -1;
    }
    // The gid of a partition, or -1 when its topic has no metadata or the partition does not exist.
    template <class D = void>
    int gid(const TopicPartition& tp) const {
        const int t = topicIndex(tp.topic());
        if (t < 0 || tp.partition() < 0 || tp.partition() >= topics[static_cast<size_t>(t)].count) return -1;
        return topics[static_cast<size_t>(t)].first_gid + tp.partition();
    }
    TopicPartition partition(int g) const {
        const Topic& t = topics[static_cast<size_t>(gid_topic[static_cast<size_t>(g)])];
        return TopicPartition(t.name, g - t.first_gid);
    }
    int32_t partitionNumber(int g) const { return g - topics[static_cast<size_t>(gid_topic[static_cast<size_t>(g)])].first_gid; }
    int32_t gidHash(int g) const {
        const Topic& t = topics[static_cast<size_t>(gid_topic[static_cast<size_t>(g)])];
        return javaTopicPartitionHash(t.hash, g - t.first_gid);
    }
    bool subscribes(int m, int t) const {
        const auto& ts = member_topics[static_cast<size_t>(m)];
        return std::find(ts.begin(), ts.end(), t) != ts.end();
    }
    template <class D = void>
    GroupAssignment result(const std::vector<std::vector<int>>& gids) const {
        GroupAssignment out;
        for (size_t m = 0; m < memberCount(); ++m) {
            MemberPartitions ma{sub->members[m].member_id, {}};
            for (int g : gids[m]) ma.partitions.push_back(partition(g));
            out.members.push_back(std::move(ma));
        }
        return out;
    }
};

template <class D = void>
AssignorInput indexInput(const GroupSubscription& sub) {
    AssignorInput in;
    in.sub = &sub;
    const size_t n = sub.members.size();
    std::vector<int32_t> member_hashes;
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < i; ++j)
            if (sub.members[j].member_id == sub.members[i].member_id)
                throw IllegalArgumentException("Duplicate member id in the group subscription: " + sub.members[i].member_id);
        member_hashes.push_back(javaStringHashCode(sub.members[i].member_id));
    }
    for (size_t i : javaHashOrder(member_hashes)) in.java_member_order.push_back(static_cast<int>(i));

    // AbstractPartitionAssignor.assign(Cluster, ...): a HashSet of every subscribed topic (members in HashMap
    // order, topics in list order), then a HashMap of those with partitions, filled in the set's order.
    std::vector<std::string> all_topics;
    in.member_topic_names.resize(n);
    for (int m : in.java_member_order)
        for (const auto& t : sub.members[static_cast<size_t>(m)].topics) {
            auto& mine = in.member_topic_names[static_cast<size_t>(m)];
            if (std::find(mine.begin(), mine.end(), t) == mine.end()) mine.push_back(t);
            if (std::find(all_topics.begin(), all_topics.end(), t) == all_topics.end()) all_topics.push_back(t);
        }
    auto countOf = [&](const std::string& t) {
        int32_t c = 0;
        for (const auto& [name, count] : sub.partitions_per_topic)
            if (name == t) c = count;
        return c;
    };
    std::vector<int32_t> hashes;
    for (const auto& t : all_topics) hashes.push_back(javaStringHashCode(t));
    std::vector<std::string> with_metadata;
    for (size_t i : javaHashOrder(hashes))
        if (countOf(all_topics[i]) > 0) with_metadata.push_back(all_topics[i]);

    for (const auto& t : with_metadata) in.topics.push_back({t, countOf(t), javaStringHashCode(t), 0});
    std::sort(in.topics.begin(), in.topics.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    for (size_t t = 0; t < in.topics.size(); ++t) {
        in.topics[t].first_gid = in.total;
        in.total += in.topics[t].count;
        for (int32_t p = 0; p < in.topics[t].count; ++p) in.gid_topic.push_back(static_cast<int>(t));
    }
    hashes.clear();
    for (const auto& t : with_metadata) hashes.push_back(javaStringHashCode(t));
    for (size_t i : javaHashOrder(hashes)) in.java_topic_order.push_back(in.topicIndex(with_metadata[i]));

    in.member_topics.resize(n);
    for (size_t m = 0; m < n; ++m)
        for (const auto& t : in.member_topic_names[m]) {
            const int ti = in.topicIndex(t);
            if (ti >= 0) in.member_topics[m].push_back(ti);
        }
    return in;
}

// AbstractPartitionAssignor.MemberInfo.compareTo: static members (by group.instance.id) first, then member id.
inline bool memberInfoLess(const AssignorMember& a, const AssignorMember& b) {
    if (a.group_instance_id && b.group_instance_id) return *a.group_instance_id < *b.group_instance_id;
    if (a.group_instance_id || b.group_instance_id) return a.group_instance_id.has_value();
    return a.member_id < b.member_id;
}

template <class D = void>
std::vector<int> sortedMemberInfos(const AssignorInput& in, std::vector<int> members) {
    detail::stableSort(members.begin(), members.end(), [&](int a, int b) {
        return memberInfoLess(in.sub->members[static_cast<size_t>(a)], in.sub->members[static_cast<size_t>(b)]);
    });
    return members;
}

// ---- [SECTION] range and roundrobin ------------------------------------------------------------------------

// RangeAssignor: per topic (in partitionsPerTopic's HashMap order), its subscribers sorted as MemberInfo; the
// first (partitions % subscribers) of them get one partition more; each gets a consecutive range.
template <class D = void>
GroupAssignment rangeAssign(const AssignorInput& in) {
    std::vector<std::vector<int>> out(in.memberCount());
    for (int t : in.java_topic_order) {
        std::vector<int> consumers;
        for (int m : in.java_member_order)
            if (in.subscribes(m, t)) consumers.push_back(m);
        consumers = sortedMemberInfos(in, consumers);
        const auto& topic = in.topics[static_cast<size_t>(t)];
        const int k = static_cast<int>(consumers.size());
        if (k == 0) continue;
        const int per = topic.count / k, extra = topic.count % k;
        int next = topic.first_gid;
        for (int i = 0; i < k; ++i) {
            const int take = per + (i < extra ? 1 : 0);
            for (int j = 0; j < take; ++j) out[static_cast<size_t>(consumers[static_cast<size_t>(i)])].push_back(next++);
        }
    }
    return in.result(out);
}

// RoundRobinAssignor: every partition of every subscribed topic in (topic, partition) order, dealt over the
// sorted members in a circle, skipping members not subscribed to the partition's topic.
template <class D = void>
GroupAssignment roundRobinAssign(const AssignorInput& in) {
    std::vector<std::vector<int>> out(in.memberCount());
    std::vector<int> all;
    for (size_t m = 0; m < in.memberCount(); ++m) all.push_back(static_cast<int>(m));
    const std::vector<int> circle = sortedMemberInfos(in, all);
    size_t at = 0;
    for (int g = 0; g < in.total; ++g) {  // gid order is (topic name, partition) order
        const int t = in.gid_topic[static_cast<size_t>(g)];
        while (!in.subscribes(circle[at], t)) at = (at + 1) % circle.size();
        out[static_cast<size_t>(circle[at])].push_back(g);
        at = (at + 1) % circle.size();
    }
    return in.result(out);
}

// ---- [SECTION] sticky and cooperative-sticky (AbstractStickyAssignor) ---------------------------------------

// PartitionMovements: which partitions moved between which members during this assignment, so that a
// partition moving back along a path picks the one that came that way (keeps the result sticky).
template <class D = void>
class PartitionMovementsImpl {
    using JavaHashSet = JavaHashSetImpl<D>;

public:
    explicit PartitionMovementsImpl(const AssignorInput& in) : in_(in), moved_(static_cast<size_t>(in.total), Pair{-1, -1}), by_topic_(in.topics.size()) {}

    void movePartition(int g, int old_consumer, int new_consumer) {
        if (moved_[static_cast<size_t>(g)].src >= 0) {
            const Pair existing = removeRecord(g);
            if (existing.src != new_consumer) addRecord(g, Pair{existing.src, new_consumer});
        } else {
            addRecord(g, Pair{old_consumer, new_consumer});
        }
    }

    int actualPartitionToBeMoved(int g, int old_consumer, int new_consumer) const {
        const auto& topic = by_topic_[static_cast<size_t>(in_.gid_topic[static_cast<size_t>(g)])];
        if (topic.empty()) return g;
        if (moved_[static_cast<size_t>(g)].src >= 0) old_consumer = moved_[static_cast<size_t>(g)].src;
        for (const auto& entry : topic)
            if (entry.pair.src == new_consumer && entry.pair.dst == old_consumer) return entry.partitions.first();
        return g;
    }

private:
    struct Pair { int src, dst; };
    struct Entry { Pair pair; JavaHashSet partitions; };

    Pair removeRecord(int g) {
        const Pair pair = moved_[static_cast<size_t>(g)];
        moved_[static_cast<size_t>(g)] = Pair{-1, -1};
        auto& topic = by_topic_[static_cast<size_t>(in_.gid_topic[static_cast<size_t>(g)])];
        for (size_t i = 0; i < topic.size(); ++i)
            if (topic[i].pair.src == pair.src && topic[i].pair.dst == pair.dst) {
                topic[i].partitions.remove(g);
                if (topic[i].partitions.empty()) topic.erase(topic.begin() + static_cast<std::ptrdiff_t>(i));
                break;
            }
        return pair;
    }
    void addRecord(int g, Pair pair) {
        moved_[static_cast<size_t>(g)] = pair;
        auto& topic = by_topic_[static_cast<size_t>(in_.gid_topic[static_cast<size_t>(g)])];
        for (auto& entry : topic)
            if (entry.pair.src == pair.src && entry.pair.dst == pair.dst) { entry.partitions.add(g, in_.gidHash(g)); return; }
        topic.push_back(Entry{pair, JavaHashSet{}});
        topic.back().partitions.add(g, in_.gidHash(g));
    }

    const AssignorInput& in_;
    std::vector<Pair> moved_;                 // gid -> its movement (src < 0: none)
    std::vector<std::vector<Entry>> by_topic_;  // topic -> movements by member pair
};

template <class D = void>
class StickyAssignmentImpl {
    using JavaHashSet = JavaHashSetImpl<D>;
    using PartitionMovements = PartitionMovementsImpl<D>;
    // Plain types named through D too: containers of them are then built only with this class.
    using TopicPartition = Dependent<kstream_sim::TopicPartition, D>;

public:
    StickyAssignmentImpl(const AssignorInput& in, bool eager_user_data)
        : in_(in), m_count_(static_cast<int>(in.memberCount())), owned_(in.memberCount()),
          multi_owner_(static_cast<size_t>(in.total), 0) {
        for (size_t m = 0; m < in.memberCount(); ++m) member_data_.push_back(memberData(static_cast<int>(m), eager_user_data));
    }

    // AbstractStickyAssignor.assignPartitions. Afterwards transferring() tells, in the fast path, which
    // partitions change owner (gid -> new owner, -1 if not); it is empty in the general path.
    std::vector<std::vector<int>> assign() {
        if (allSubscriptionsEqual()) return constrained();
        return general();
    }
    const std::vector<int>& transferring() const noexcept { return transferring_; }

private:
    // MemberData: the partitions a member owned (valid ones as gids, in the order the assignor decodes them).
    std::vector<int> memberData(int m, bool eager_user_data) const {
        const auto& owned = in_.sub->members[static_cast<size_t>(m)].owned_partitions;
        std::vector<TopicPartition> order = owned;
        if (eager_user_data) {
            // StickyAssignor keeps its previous assignment in the subscription's user data, grouped by topic
            // with CollectionUtils.groupPartitionsByTopic (a HashMap): topics in that map's order.
            std::vector<std::string> names;
            std::vector<int32_t> hashes;
            for (const auto& tp : owned)
                if (std::find(names.begin(), names.end(), tp.topic()) == names.end()) {
                    names.push_back(tp.topic());
                    hashes.push_back(javaStringHashCode(tp.topic()));
                }
            order.clear();
            for (size_t i : javaHashOrder(hashes))
                for (const auto& tp : owned)
                    if (tp.topic() == names[i]) order.push_back(tp);
        }
        std::vector<int> gids;
        for (const auto& tp : order) {
            const int g = in_.gid(tp);
            if (g >= 0) gids.push_back(g);
        }
        return gids;
    }
    int32_t generation(int m) const { return std::max<int32_t>(-1, in_.sub->members[static_cast<size_t>(m)].generation); }
    const std::string& id(int m) const { return in_.memberId(m); }
    static void eraseFirst(std::vector<int>& v, int x) {
        auto it = std::find(v.begin(), v.end(), x);
        if (it != v.end()) v.erase(it);
    }

    // Also resolves ownership: a partition claimed by two members of one generation is owned by neither; of
    // different generations, by the newer.
    bool allSubscriptionsEqual() {
        bool equal = true;
        std::vector<std::string> subscribed;  // sorted
        std::vector<int> previous_owner(static_cast<size_t>(in_.total), -1);
        for (int m : in_.java_member_order) {
            std::vector<std::string> mine = in_.member_topic_names[static_cast<size_t>(m)];
            std::sort(mine.begin(), mine.end());
            if (subscribed.empty()) subscribed = mine;
            else if (equal && mine != subscribed) equal = false;

            const int32_t gen = generation(m);
            max_generation_ = std::max(max_generation_, gen);
            for (int g : member_data_[static_cast<size_t>(m)]) {
                const int other = previous_owner[static_cast<size_t>(g)];
                if (other < 0) {
                    owned_[static_cast<size_t>(m)].push_back(g);
                    previous_owner[static_cast<size_t>(g)] = m;
                } else if (gen == generation(other)) {
                    multi_owner_[static_cast<size_t>(g)] = 1;
                    eraseFirst(owned_[static_cast<size_t>(other)], g);
                    previous_owner[static_cast<size_t>(g)] = m;
                } else if (gen > generation(other)) {
                    owned_[static_cast<size_t>(m)].push_back(g);
                    eraseFirst(owned_[static_cast<size_t>(other)], g);
                    previous_owner[static_cast<size_t>(g)] = m;
                }
            }
        }
        return equal;
    }

    // ConstrainedAssignmentBuilder: every member subscribes to the same topics. Members keep up to their
    // quota of owned partitions; the rest are dealt round robin over the members still under quota.
    std::vector<std::vector<int>> constrained() {
        transferring_.assign(static_cast<size_t>(in_.total), -1);
        const int min_quota = in_.total / m_count_;
        const int max_quota = (in_.total + m_count_ - 1) / m_count_;
        const int expected_over = in_.total % m_count_;
        int current_over = 0;
        std::vector<std::vector<int>> assignment(in_.memberCount());
        std::vector<int> maybe_revoked(static_cast<size_t>(in_.total), -1);
        std::vector<int> under_min, exactly_min;
        std::vector<char> assigned(static_cast<size_t>(in_.total), 0);

        for (int m : in_.java_member_order) {
            std::vector<int> owned = owned_[static_cast<size_t>(m)];
            detail::stableSort(owned.begin(), owned.end(), [&](int a, int b) {
                const int32_t pa = in_.partitionNumber(a), pb = in_.partitionNumber(b);
                return pa != pb ? pa < pb : in_.gid_topic[static_cast<size_t>(a)] < in_.gid_topic[static_cast<size_t>(b)];
            });
            for (int g = 0; g < in_.total; ++g)
                if (multi_owner_[static_cast<size_t>(g)]) eraseFirst(owned, g);
            auto& mine = assignment[static_cast<size_t>(m)];
            const int size = static_cast<int>(owned.size());
            if (size < min_quota) {
                for (int g : owned) { mine.push_back(g); assigned[static_cast<size_t>(g)] = 1; }
                under_min.push_back(m);
            } else if (size >= max_quota && current_over < expected_over) {
                if (++current_over == expected_over) exactly_min.clear();
                for (int i = 0; i < size; ++i) {
                    const int g = owned[static_cast<size_t>(i)];
                    if (i < max_quota) { mine.push_back(g); assigned[static_cast<size_t>(g)] = 1; }
                    else maybe_revoked[static_cast<size_t>(g)] = m;
                }
            } else {
                for (int i = 0; i < size; ++i) {
                    const int g = owned[static_cast<size_t>(i)];
                    if (i < min_quota) { mine.push_back(g); assigned[static_cast<size_t>(g)] = 1; }
                    else maybe_revoked[static_cast<size_t>(g)] = m;
                }
                if (current_over < expected_over) exactly_min.push_back(m);
            }
        }

        auto byId = [&](int a, int b) { return id(a) < id(b); };
        detail::stableSort(under_min.begin(), under_min.end(), byId);
        detail::stableSort(exactly_min.begin(), exactly_min.end(), byId);

        // assignRoundRobin; `it` stands for the Java iterator over under_min (the index of its next element).
        size_t it = 0;
        bool can_remove = false;
        for (int g = 0; g < in_.total; ++g) {
            if (assigned[static_cast<size_t>(g)]) continue;
            int consumer;
            if (it < under_min.size()) {
                consumer = under_min[it++];
                can_remove = true;
            } else if (under_min.empty() && exactly_min.empty()) {
                throw IllegalStateException("No more unfilled consumers to be assigned.");
            } else if (under_min.empty()) {
                consumer = exactly_min.front();
                exactly_min.erase(exactly_min.begin());
            } else {
                it = 0;
                consumer = under_min[it++];
                can_remove = true;
            }
            auto& mine = assignment[static_cast<size_t>(consumer)];
            mine.push_back(g);
            if ((maybe_revoked[static_cast<size_t>(g)] >= 0 && maybe_revoked[static_cast<size_t>(g)] != consumer) ||
                multi_owner_[static_cast<size_t>(g)])
                transferring_[static_cast<size_t>(g)] = consumer;
            const int count = static_cast<int>(mine.size());
            if (count == min_quota) {
                if (!can_remove) throw IllegalStateException("Iterator.remove() without next() in the sticky assignor");
                under_min.erase(under_min.begin() + static_cast<std::ptrdiff_t>(--it));
                can_remove = false;
                exactly_min.push_back(consumer);
            } else if (count == max_quota) {
                ++current_over;
            }
        }

        if (!under_min.empty()) {
            if (current_over != expected_over)
                throw IllegalStateException("We haven't reached the expected number of members with more than the minQuota "
                                            "partitions, but no more partitions to be assigned");
            for (int m : under_min)
                if (static_cast<int>(assignment[static_cast<size_t>(m)].size()) != min_quota)
                    throw IllegalStateException("Consumer: [" + id(m) + "] doesn't reach minQuota partitions, and no more "
                                                "partitions to be assigned");
        }
        return assignment;
    }

    // ---- GeneralAssignmentBuilder: members subscribe to different topics ----

    int size(int m) const { return static_cast<int>(current_[static_cast<size_t>(m)].size()); }
    // Kafka's TreeSet sortedCurrentSubscriptions: by (assignment size, member id), only non-fixed members.
    bool treeLess(int a, int b) const { return size(a) != size(b) ? size(a) < size(b) : id(a) < id(b); }
    int firstSubscribedInTree(int t) const {
        int best = -1;
        for (int m = 0; m < m_count_; ++m)
            if (in_tree_[static_cast<size_t>(m)] && in_.subscribes(m, t) && (best < 0 || treeLess(m, best))) best = m;
        return best;
    }
    int maxAssignmentSize(int m) const {
        int sum = 0;
        for (int t : in_.member_topics[static_cast<size_t>(m)]) sum += in_.topics[static_cast<size_t>(t)].count;
        return sum;
    }
    int potentialConsumers(int t) const {
        int n = 0;
        for (int m = 0; m < m_count_; ++m) n += in_.subscribes(m, t) ? 1 : 0;
        return n;
    }

    std::vector<std::vector<int>> general() {
        transferring_.clear();
        current_ = owned_;
        current_consumer_.assign(static_cast<size_t>(in_.total), -1);
        for (int m = 0; m < m_count_; ++m)
            for (int g : current_[static_cast<size_t>(m)]) current_consumer_[static_cast<size_t>(g)] = m;
        std::vector<int> topic_consumers(in_.topics.size());
        for (size_t t = 0; t < in_.topics.size(); ++t) topic_consumers[t] = potentialConsumers(static_cast<int>(t));

        // sortedAllPartitions: topics by (number of potential consumers, name), partitions ascending.
        std::vector<int> topic_order(in_.topics.size());
        for (size_t t = 0; t < topic_order.size(); ++t) topic_order[t] = static_cast<int>(t);
        detail::stableSort(topic_order.begin(), topic_order.end(),
                         [&](int a, int b) { return topic_consumers[static_cast<size_t>(a)] < topic_consumers[static_cast<size_t>(b)]; });
        std::vector<int> sorted_all;
        for (int t : topic_order)
            for (int32_t p = 0; p < in_.topics[static_cast<size_t>(t)].count; ++p)
                sorted_all.push_back(in_.topics[static_cast<size_t>(t)].first_gid + p);

        // prepopulateCurrentAssignments: who owned each partition in an older generation.
        prev_owner_.assign(static_cast<size_t>(in_.total), -1);
        prev_generation_.assign(static_cast<size_t>(in_.total), -1);
        for (int m : in_.java_member_order) {
            const int32_t gen = generation(m);
            if (gen < max_generation_)
                for (int g : member_data_[static_cast<size_t>(m)])
                    if (prev_owner_[static_cast<size_t>(g)] < 0 || gen > prev_generation_[static_cast<size_t>(g)]) {
                        prev_owner_[static_cast<size_t>(g)] = m;
                        prev_generation_[static_cast<size_t>(g)] = gen;
                    }
        }

        // assignOwnedPartitions: drop what a member no longer subscribes to.
        bool revocation_required = false;
        std::vector<char> is_assigned(static_cast<size_t>(in_.total), 0);
        bool any_assigned = false;
        for (int m : in_.java_member_order) {
            auto& list = current_[static_cast<size_t>(m)];
            std::vector<int> kept;
            for (int g : list) {
                if (!in_.subscribes(m, in_.gid_topic[static_cast<size_t>(g)])) {
                    revocation_required = true;  // current_consumer_ keeps its stale entry, as in Kafka
                } else {
                    kept.push_back(g);
                    is_assigned[static_cast<size_t>(g)] = 1;
                    any_assigned = true;
                }
            }
            list = kept;
        }
        std::vector<int> unassigned;
        for (int g : sorted_all)
            if (!any_assigned || !is_assigned[static_cast<size_t>(g)]) unassigned.push_back(g);

        in_tree_.assign(in_.memberCount(), 1);
        balance(unassigned, sorted_all, topic_consumers, revocation_required);
        return current_;
    }

    void assignTo(int g, int m) {
        current_[static_cast<size_t>(m)].push_back(g);
        current_consumer_[static_cast<size_t>(g)] = m;
    }

    void balance(std::vector<int> unassigned, std::vector<int> sorted_all, const std::vector<int>& topic_consumers,
                 bool revocation_required) {
        int max_size = 0;
        for (int m = 0; m < m_count_; ++m) max_size = std::max(max_size, size(m));
        const bool initializing = max_size == 0;

        for (int g : unassigned) {
            const int t = in_.gid_topic[static_cast<size_t>(g)];
            if (topic_consumers[static_cast<size_t>(t)] == 0) continue;
            const int m = firstSubscribedInTree(t);
            if (m >= 0) assignTo(g, m);
        }

        // Only partitions of topics with two or more potential consumers, and only members that can still
        // gain or lose a partition, take part in the reassignment.
        auto fixedPartition = [&](int g) { return topic_consumers[static_cast<size_t>(in_.gid_topic[static_cast<size_t>(g)])] < 2; };
        sorted_all.erase(std::remove_if(sorted_all.begin(), sorted_all.end(), fixedPartition), sorted_all.end());
        unassigned.erase(std::remove_if(unassigned.begin(), unassigned.end(), fixedPartition), unassigned.end());
        for (int m = 0; m < m_count_; ++m) {
            bool participates = size(m) < maxAssignmentSize(m);
            for (int g : current_[static_cast<size_t>(m)])
                if (!fixedPartition(g)) participates = true;
            if (!participates) in_tree_[static_cast<size_t>(m)] = 0;
        }

        const auto pre_assignment = current_;
        const auto pre_consumers = current_consumer_;
        movements_.emplace(in_);
        if (!revocation_required) performReassignments(unassigned);
        const bool performed = performReassignments(sorted_all);
        if (!initializing && performed && balanceScore(current_) >= balanceScore(pre_assignment)) {
            for (int m = 0; m < m_count_; ++m)
                if (in_tree_[static_cast<size_t>(m)]) current_[static_cast<size_t>(m)] = pre_assignment[static_cast<size_t>(m)];
            current_consumer_ = pre_consumers;
        }
    }

    int balanceScore(const std::vector<std::vector<int>>& a) const {
        int score = 0;
        for (int i = 0; i < m_count_; ++i)
            for (int j = i + 1; j < m_count_; ++j)
                if (in_tree_[static_cast<size_t>(i)] && in_tree_[static_cast<size_t>(j)])
                    score += std::abs(static_cast<int>(a[static_cast<size_t>(i)].size()) - static_cast<int>(a[static_cast<size_t>(j)].size()));
        return score;
    }

    bool isBalanced() const {
        int min = -1, max = -1;
        for (int m = 0; m < m_count_; ++m)
            if (in_tree_[static_cast<size_t>(m)]) {
                if (min < 0 || size(m) < min) min = size(m);
                if (max < 0 || size(m) > max) max = size(m);
            }
        if (min >= max - 1) return true;
        for (int m = 0; m < m_count_; ++m) {
            if (!in_tree_[static_cast<size_t>(m)] || size(m) == maxAssignmentSize(m)) continue;
            for (int t : in_.member_topics[static_cast<size_t>(m)]) {
                const auto& topic = in_.topics[static_cast<size_t>(t)];
                for (int32_t p = 0; p < topic.count; ++p) {
                    const int g = topic.first_gid + p;
                    const auto& mine = current_[static_cast<size_t>(m)];
                    if (std::find(mine.begin(), mine.end(), g) != mine.end()) continue;
                    const int other = ownerInTree(g);
                    if (other >= 0 && size(m) + 1 < size(other)) return false;
                }
            }
        }
        return true;
    }
    // The member whose (non-fixed) list holds g, or -1.
    int ownerInTree(int g) const {
        int owner = -1;
        for (int m = 0; m < m_count_; ++m)
            if (in_tree_[static_cast<size_t>(m)]) {
                const auto& l = current_[static_cast<size_t>(m)];
                if (std::find(l.begin(), l.end(), g) != l.end()) owner = m;
            }
        return owner;
    }

    bool performReassignments(const std::vector<int>& partitions) {
        bool performed = false, modified;
        do {
            modified = false;
            for (size_t i = 0; i < partitions.size() && !isBalanced(); ++i) {
                const int g = partitions[i];
                const int t = in_.gid_topic[static_cast<size_t>(g)];
                const int consumer = current_consumer_[static_cast<size_t>(g)];
                if (consumer < 0) continue;  // Kafka logs an error here
                const int prev = prev_owner_[static_cast<size_t>(g)];
                if (prev >= 0) {
                    if (!in_tree_[static_cast<size_t>(prev)])
                        throw AssignorNullPointerException("The sticky assignor cannot compare with the previous owner of " +
                                                           in_.partition(g).toString() + ", " + id(prev) +
                                                           ", which no longer subscribes to its topic (as in Kafka)");
                    if (size(consumer) > size(prev) + 1) {
                        reassign(g, prev);
                        performed = modified = true;
                        continue;
                    }
                }
                for (int other = 0; other < m_count_; ++other) {
                    if (!in_.subscribes(other, t) || !in_tree_[static_cast<size_t>(other)]) continue;
                    if (size(consumer) > size(other) + 1) {
                        reassign(g, firstSubscribedInTree(t));
                        performed = modified = true;
                        break;
                    }
                }
            }
        } while (modified);
        return performed;
    }

    void reassign(int g, int new_consumer) {
        const int consumer = current_consumer_[static_cast<size_t>(g)];
        const int moved = movements_->actualPartitionToBeMoved(g, consumer, new_consumer);
        const int old_consumer = current_consumer_[static_cast<size_t>(moved)];
        movements_->movePartition(moved, old_consumer, new_consumer);
        eraseFirst(current_[static_cast<size_t>(old_consumer)], moved);
        assignTo(moved, new_consumer);
    }

    const AssignorInput& in_;
    int m_count_;
    std::vector<std::vector<int>> member_data_;  // per member: owned partitions as decoded
    std::vector<std::vector<int>> owned_;        // per member: owned partitions after ownership resolution
    std::vector<char> multi_owner_;              // gid claimed by two members of one generation
    int32_t max_generation_ = -1;
    std::vector<int> transferring_;
    // general path
    std::vector<std::vector<int>> current_;
    std::vector<int> current_consumer_;
    std::vector<int> prev_owner_;
    std::vector<int32_t> prev_generation_;
    std::vector<char> in_tree_;
    std::optional<PartitionMovements> movements_;
};

template <class D = void>
GroupAssignment stickyAssign(const AssignorInput& in, bool cooperative) {
    if (in.memberCount() == 0) return {};
    StickyAssignmentImpl<D> sticky(in, !cooperative);
    std::vector<std::vector<int>> out = sticky.assign();
    if (cooperative) {
        // CooperativeStickyAssignor.adjustAssignment: a partition that changes owner is left out of this
        // assignment, so its owner revokes it now and the next rebalance hands it to its new owner.
        std::vector<int> transferring = sticky.transferring();
        if (transferring.empty()) {  // general path: partitions both added to someone and revoked from someone
            transferring.assign(static_cast<size_t>(in.total), -1);
            std::vector<char> revoked(static_cast<size_t>(in.total), 0);
            for (int m : in.java_member_order) {
                std::vector<int> owned;
                for (const auto& tp : in.sub->members[static_cast<size_t>(m)].owned_partitions)
                    if (in.gid(tp) >= 0) owned.push_back(in.gid(tp));
                const auto& mine = out[static_cast<size_t>(m)];
                for (int g : mine)
                    if (std::find(owned.begin(), owned.end(), g) == owned.end()) transferring[static_cast<size_t>(g)] = m;
                for (int g : owned)
                    if (std::find(mine.begin(), mine.end(), g) == mine.end()) revoked[static_cast<size_t>(g)] = 1;
            }
            for (int g = 0; g < in.total; ++g)
                if (!revoked[static_cast<size_t>(g)]) transferring[static_cast<size_t>(g)] = -1;
        }
        for (int g = 0; g < in.total; ++g) {
            const int m = transferring[static_cast<size_t>(g)];
            if (m < 0) continue;
            auto& mine = out[static_cast<size_t>(m)];
            auto it = std::find(mine.begin(), mine.end(), g);
            if (it != mine.end()) mine.erase(it);
        }
    }
    return in.result(out);
}

}  // namespace detail

// ---- [SECTION] The assignors -------------------------------------------------------------------------------

// RangeAssignor ("range"): per topic, consecutive ranges over the sorted subscribers. Part of the default
// partition.assignment.strategy.
class RangeAssignor {
public:
    static constexpr const char* RANGE_ASSIGNOR_NAME = "range";
    const char* name() const noexcept { return RANGE_ASSIGNOR_NAME; }
    std::vector<RebalanceProtocol> supportedProtocols() const { return {RebalanceProtocol::EAGER}; }
    template <class D = void>  // a template only so that it is compiled when used
    GroupAssignment assign(const GroupSubscription& s) const { return detail::rangeAssign(detail::indexInput(s)); }
};

// RoundRobinAssignor ("roundrobin"): all partitions dealt over the sorted members in a circle.
class RoundRobinAssignor {
public:
    static constexpr const char* ROUNDROBIN_ASSIGNOR_NAME = "roundrobin";
    const char* name() const noexcept { return ROUNDROBIN_ASSIGNOR_NAME; }
    std::vector<RebalanceProtocol> supportedProtocols() const { return {RebalanceProtocol::EAGER}; }
    template <class D = void>  // a template only so that it is compiled when used
    GroupAssignment assign(const GroupSubscription& s) const { return detail::roundRobinAssign(detail::indexInput(s)); }
};

// StickyAssignor ("sticky"): balanced (member sizes differ by at most one where subscriptions allow) while
// keeping as many owned partitions as possible. Eager: owned_partitions/generation are what the member's
// previous assignment was (Kafka carries them in the subscription's user data).
class StickyAssignor {
public:
    static constexpr const char* STICKY_ASSIGNOR_NAME = "sticky";
    const char* name() const noexcept { return STICKY_ASSIGNOR_NAME; }
    std::vector<RebalanceProtocol> supportedProtocols() const { return {RebalanceProtocol::EAGER}; }
    template <class D = void>  // a template only so that it is compiled when used
    GroupAssignment assign(const GroupSubscription& s) const { return detail::stickyAssign(detail::indexInput(s), false); }
};

// CooperativeStickyAssignor ("cooperative-sticky"): the sticky algorithm over the members' owned partitions,
// minus every partition that would move from one member to another (KIP-429): the owner revokes it after this
// rebalance, and the follow-up rebalance assigns it. Part of the default partition.assignment.strategy.
class CooperativeStickyAssignor {
public:
    static constexpr const char* COOPERATIVE_STICKY_ASSIGNOR_NAME = "cooperative-sticky";
    const char* name() const noexcept { return COOPERATIVE_STICKY_ASSIGNOR_NAME; }
    std::vector<RebalanceProtocol> supportedProtocols() const { return {RebalanceProtocol::COOPERATIVE, RebalanceProtocol::EAGER}; }
    template <class D = void>  // a template only so that it is compiled when used
    GroupAssignment assign(const GroupSubscription& s) const { return detail::stickyAssign(detail::indexInput(s), true); }
};

// The assignor with this protocol name ("range", "roundrobin", "sticky", "cooperative-sticky").
template <class D = void>
GroupAssignment assignPartitions(const std::string& assignor_name, const GroupSubscription& s) {
    if (assignor_name == RangeAssignor::RANGE_ASSIGNOR_NAME) return RangeAssignor().assign(s);
    if (assignor_name == RoundRobinAssignor::ROUNDROBIN_ASSIGNOR_NAME) return RoundRobinAssignor().assign(s);
    if (assignor_name == StickyAssignor::STICKY_ASSIGNOR_NAME) return StickyAssignor().assign(s);
    if (assignor_name == CooperativeStickyAssignor::COOPERATIVE_STICKY_ASSIGNOR_NAME) return CooperativeStickyAssignor().assign(s);
    throw IllegalArgumentException("Unknown partition assignor '" + assignor_name +
                                   "': expected range, roundrobin, sticky or cooperative-sticky");
}

// True when the assignor supports the COOPERATIVE protocol (a group rebalances cooperatively only when every
// member's chosen assignor does).
inline bool supportsCooperativeProtocol(const std::string& assignor_name) {
    return assignor_name == CooperativeStickyAssignor::COOPERATIVE_STICKY_ASSIGNOR_NAME;
}

}  // namespace kstream_sim
