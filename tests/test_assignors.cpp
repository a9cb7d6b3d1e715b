// Consumer partition assignors: Kafka's published examples, and invariants on seeded random groups.
// Real Kafka 4.3.1's results on many more groups are in conformance/expected/assignors.txt.
#include "testing.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace kstream_sim;

namespace {

using Parts = std::vector<TopicPartition>;

Parts tps(std::initializer_list<std::pair<const char*, int>> list) {
    Parts out;
    for (const auto& [t, p] : list) out.emplace_back(t, p);
    return out;
}

AssignorMember member(std::string id, std::vector<std::string> topics, Parts owned = {}, int32_t generation = -1) {
    return AssignorMember{std::move(id), std::nullopt, std::move(topics), std::move(owned), generation};
}

GroupSubscription group(std::vector<std::pair<std::string, int32_t>> topics, std::vector<AssignorMember> members) {
    return GroupSubscription{std::move(members), std::move(topics)};
}

// The next round of a group: every member owns what it was just given, in generation `generation`.
GroupSubscription nextRound(GroupSubscription g, const GroupAssignment& a, int32_t generation) {
    for (auto& m : g.members) {
        m.owned_partitions = a.partitionsOf(m.member_id);
        m.generation = generation;
    }
    return g;
}

}  // namespace

TEST_CASE("range: the RangeAssignor javadoc and RangeAssignorTest examples", "[assignors]") {
    // javadoc: C0, C1; t0, t1 with 3 partitions each
    auto a = RangeAssignor().assign(group({{"t0", 3}, {"t1", 3}}, {member("C0", {"t0", "t1"}), member("C1", {"t0", "t1"})}));
    CHECK(a.partitionsOf("C0") == tps({{"t0", 0}, {"t0", 1}, {"t1", 0}, {"t1", 1}}));
    CHECK(a.partitionsOf("C1") == tps({{"t0", 2}, {"t1", 2}}));
    // testTwoConsumersTwoTopicsSixPartitions
    a = RangeAssignor().assign(group({{"topic1", 3}, {"topic2", 3}},
                                     {member("consumer1", {"topic1", "topic2"}), member("consumer2", {"topic1", "topic2"})}));
    CHECK(a.partitionsOf("consumer1") == tps({{"topic1", 0}, {"topic1", 1}, {"topic2", 0}, {"topic2", 1}}));
    CHECK(a.partitionsOf("consumer2") == tps({{"topic1", 2}, {"topic2", 2}}));
    // testMultipleConsumersMixedTopics
    a = RangeAssignor().assign(group({{"topic1", 3}, {"topic2", 2}}, {member("consumer1", {"topic1"}),
                                                                      member("consumer2", {"topic1", "topic2"}),
                                                                      member("consumer3", {"topic1"})}));
    CHECK(a.partitionsOf("consumer1") == tps({{"topic1", 0}}));
    CHECK(a.partitionsOf("consumer2") == tps({{"topic1", 1}, {"topic2", 0}, {"topic2", 1}}));
    CHECK(a.partitionsOf("consumer3") == tps({{"topic1", 2}}));
}

TEST_CASE("range and roundrobin order static members by group.instance.id, before dynamic members", "[assignors]") {
    auto b = member("consumer-b", {"t1", "t2"});
    b.group_instance_id = "instance1";
    auto a = member("consumer-a", {"t1", "t2"});
    a.group_instance_id = "instance2";
    auto s = group({{"t1", 3}, {"t2", 3}}, {a, b});
    auto r = RangeAssignor().assign(s);
    CHECK(r.partitionsOf("consumer-b") == tps({{"t1", 0}, {"t1", 1}, {"t2", 0}, {"t2", 1}}));
    CHECK(r.partitionsOf("consumer-a") == tps({{"t1", 2}, {"t2", 2}}));
    s.members.push_back(member("consumer-0", {"t1", "t2"}));  // dynamic: after both static members
    r = RangeAssignor().assign(s);
    CHECK(r.partitionsOf("consumer-b") == tps({{"t1", 0}, {"t2", 0}}));
    CHECK(r.partitionsOf("consumer-0") == tps({{"t1", 2}, {"t2", 2}}));
    r = RoundRobinAssignor().assign(s);
    CHECK(r.partitionsOf("consumer-b") == tps({{"t1", 0}, {"t2", 0}}));
    CHECK(r.partitionsOf("consumer-a") == tps({{"t1", 1}, {"t2", 1}}));
    CHECK(r.partitionsOf("consumer-0") == tps({{"t1", 2}, {"t2", 2}}));
}

TEST_CASE("roundrobin: the RoundRobinAssignor javadoc and RoundRobinAssignorTest examples", "[assignors]") {
    auto a = RoundRobinAssignor().assign(group({{"t0", 3}, {"t1", 3}}, {member("C0", {"t0", "t1"}), member("C1", {"t0", "t1"})}));
    CHECK(a.partitionsOf("C0") == tps({{"t0", 0}, {"t0", 2}, {"t1", 1}}));
    CHECK(a.partitionsOf("C1") == tps({{"t0", 1}, {"t1", 0}, {"t1", 2}}));
    // unequal subscriptions
    a = RoundRobinAssignor().assign(group({{"t0", 1}, {"t1", 2}, {"t2", 3}},
                                          {member("C0", {"t0"}), member("C1", {"t0", "t1"}), member("C2", {"t0", "t1", "t2"})}));
    CHECK(a.partitionsOf("C0") == tps({{"t0", 0}}));
    CHECK(a.partitionsOf("C1") == tps({{"t1", 0}}));
    CHECK(a.partitionsOf("C2") == tps({{"t1", 1}, {"t2", 0}, {"t2", 1}, {"t2", 2}}));
    // testMultipleConsumersMixedTopics
    a = RoundRobinAssignor().assign(group({{"topic1", 3}, {"topic2", 2}}, {member("consumer1", {"topic1"}),
                                                                           member("consumer2", {"topic1", "topic2"}),
                                                                           member("consumer3", {"topic1"})}));
    CHECK(a.partitionsOf("consumer1") == tps({{"topic1", 0}}));
    CHECK(a.partitionsOf("consumer2") == tps({{"topic1", 1}, {"topic2", 0}, {"topic2", 1}}));
    CHECK(a.partitionsOf("consumer3") == tps({{"topic1", 2}}));
}

TEST_CASE("sticky: the StickyAssignor javadoc example, where C1 leaves", "[assignors]") {
    const std::vector<std::string> all = {"t0", "t1", "t2", "t3"};
    auto s = group({{"t0", 2}, {"t1", 2}, {"t2", 2}, {"t3", 2}}, {member("C0", all), member("C1", all), member("C2", all)});
    auto first = StickyAssignor().assign(s);  // a fresh assignment deals round robin
    CHECK(first.partitionsOf("C0") == tps({{"t0", 0}, {"t1", 1}, {"t3", 0}}));
    CHECK(first.partitionsOf("C1") == tps({{"t0", 1}, {"t2", 0}, {"t3", 1}}));
    CHECK(first.partitionsOf("C2") == tps({{"t1", 0}, {"t2", 1}}));

    auto after = nextRound(s, first, 1);
    after.members.erase(after.members.begin() + 1);  // C1 leaves
    // Round robin would reshuffle everything; sticky keeps every partition C0 and C2 had and deals C1's three.
    // (The javadoc, written before Kafka 2.8's quota-based algorithm, shows C0 taking t2-0; Kafka 4.3.1 gives this,
    // see conformance/expected/assignors.txt, case sticky_leave.)
    auto sticky = StickyAssignor().assign(after);
    CHECK(sticky.partitionsOf("C0") == tps({{"t0", 0}, {"t3", 0}, {"t1", 1}, {"t0", 1}}));
    CHECK(sticky.partitionsOf("C2") == tps({{"t1", 0}, {"t2", 1}, {"t2", 0}, {"t3", 1}}));
    auto rr = RoundRobinAssignor().assign(after);
    CHECK(rr.partitionsOf("C0") == tps({{"t0", 0}, {"t1", 0}, {"t2", 0}, {"t3", 0}}));
    CHECK(rr.partitionsOf("C2") == tps({{"t0", 1}, {"t1", 1}, {"t2", 1}, {"t3", 1}}));
}

TEST_CASE("cooperative-sticky: a partition moving between members is first revoked, assigned a rebalance later",
          "[assignors]") {
    auto s = group({{"t0", 4}}, {member("C0", {"t0"}, tps({{"t0", 0}, {"t0", 1}, {"t0", 2}, {"t0", 3}}), 1), member("C1", {"t0"})});
    // eager sticky hands C1 its half at once (C0 revoked everything before the rebalance)
    auto eager = StickyAssignor().assign(s);
    CHECK(eager.partitionsOf("C0") == tps({{"t0", 0}, {"t0", 1}}));
    CHECK(eager.partitionsOf("C1") == tps({{"t0", 2}, {"t0", 3}}));
    // cooperative: C0 keeps t0-0, t0-1 and revokes t0-2, t0-3, which nobody gets in this round
    auto coop = CooperativeStickyAssignor().assign(s);
    CHECK(coop.partitionsOf("C0") == tps({{"t0", 0}, {"t0", 1}}));
    CHECK(coop.partitionsOf("C1").empty());
    // the follow-up rebalance assigns them to C1
    auto follow = CooperativeStickyAssignor().assign(nextRound(s, coop, 2));
    CHECK(follow.partitionsOf("C0") == tps({{"t0", 0}, {"t0", 1}}));
    CHECK(follow.partitionsOf("C1") == tps({{"t0", 2}, {"t0", 3}}));
}

TEST_CASE("assignors by protocol name, and their rebalance protocols", "[assignors]") {
    auto s = group({{"t", 2}}, {member("a", {"t"}), member("b", {"t"})});
    for (const char* name : {"range", "roundrobin", "sticky", "cooperative-sticky"})
        CHECK(assignPartitions(name, s).members.size() == 2);
    CHECK_THROWS_AS(assignPartitions("RoundRobin", s), IllegalArgumentException);
    CHECK(std::string(CooperativeStickyAssignor().name()) == "cooperative-sticky");
    CHECK(CooperativeStickyAssignor().supportedProtocols() ==
          std::vector<RebalanceProtocol>{RebalanceProtocol::COOPERATIVE, RebalanceProtocol::EAGER});
    CHECK(RangeAssignor().supportedProtocols() == std::vector<RebalanceProtocol>{RebalanceProtocol::EAGER});
    CHECK(supportsCooperativeProtocol("cooperative-sticky"));
    CHECK_FALSE(supportsCooperativeProtocol("sticky"));
    auto dup = s;
    dup.members.push_back(member("a", {"t"}));
    CHECK_THROWS_AS(RangeAssignor().assign(dup), IllegalArgumentException);
}

// ---- invariants on seeded random groups -------------------------------------------------------------------

namespace {

struct Checked {
    std::map<TopicPartition, int> count;  // how many members got each partition
};

// Every partition goes to at most one member, and only to a member subscribed to its topic.
Checked checkBasic(const GroupSubscription& s, const GroupAssignment& a) {
    Checked c;
    for (size_t i = 0; i < s.members.size(); ++i) {
        REQUIRE(a.members[i].member_id == s.members[i].member_id);
        for (const auto& tp : a.members[i].partitions) {
            const auto& topics = s.members[i].topics;
            CHECK(std::find(topics.begin(), topics.end(), tp.topic()) != topics.end());
            CHECK(++c.count[tp] == 1);
        }
    }
    return c;
}

std::set<TopicPartition> subscribedPartitions(const GroupSubscription& s) {
    std::set<TopicPartition> out;
    for (const auto& m : s.members)
        for (const auto& t : m.topics)
            for (const auto& [name, n] : s.partitions_per_topic)
                if (name == t)
                    for (int p = 0; p < n; ++p) out.emplace(t, p);
    return out;
}

GroupSubscription randomGroup(Random& rnd, bool equal_subscriptions) {
    GroupSubscription s;
    const int topics = static_cast<int>(rnd.nextBetween(1, 5));
    std::vector<std::string> names;
    for (int t = 0; t < topics; ++t) {
        names.push_back("topic-" + std::to_string(t));
        s.partitions_per_topic.emplace_back(names.back(), static_cast<int32_t>(rnd.nextBetween(1, 12)));
    }
    const int members = static_cast<int>(rnd.nextBetween(1, 7));
    for (int m = 0; m < members; ++m) {
        std::vector<std::string> mine;
        for (const auto& n : names)
            if (equal_subscriptions || rnd.chance(1, 2)) mine.push_back(n);
        if (mine.empty()) mine.push_back(names[rnd.nextBelow(names.size())]);
        auto mem = member("consumer-" + std::to_string(rnd.nextBelow(1000000)) + "-" + std::to_string(m), mine);
        if (rnd.chance(1, 4)) mem.group_instance_id = "instance-" + std::to_string(m);
        s.members.push_back(mem);
    }
    return s;
}

// The group of the next round: some members leave, some join, everyone keeps the subscription.
GroupSubscription churn(Random& rnd, GroupSubscription s, const GroupAssignment& a, int32_t generation) {
    s = nextRound(std::move(s), a, generation);
    std::vector<AssignorMember> kept;
    for (auto& m : s.members)
        if (!rnd.chance(1, 4)) kept.push_back(m);
    if (kept.empty()) kept.push_back(s.members.front());
    if (rnd.chance(1, 2)) {
        auto fresh = member("consumer-new-" + std::to_string(generation) + "-" + std::to_string(rnd.nextBelow(1000)),
                            kept.front().topics);
        kept.push_back(fresh);
    }
    s.members = kept;
    return s;
}

}  // namespace

TEST_CASE("every subscribed partition is assigned exactly once, only to a subscriber, deterministically", "[assignors][random]") {
    Random rnd(20260101);
    for (int iteration = 0; iteration < 150; ++iteration) {
        const GroupSubscription s = randomGroup(rnd, iteration % 3 == 0);
        const auto expected = subscribedPartitions(s);
        for (const char* name : {"range", "roundrobin", "sticky", "cooperative-sticky"}) {
            INFO("seed 20260101 iteration " << iteration << " assignor " << name);
            const auto a = assignPartitions(name, s);
            const auto c = checkBasic(s, a);
            CHECK(c.count.size() == expected.size());  // nothing owned yet: the cooperative one withholds nothing
            CHECK(assignPartitions(name, s).members.size() == a.members.size());
            for (size_t i = 0; i < a.members.size(); ++i)
                CHECK(assignPartitions(name, s).members[i].partitions == a.members[i].partitions);
        }
    }
}

TEST_CASE("roundrobin and sticky are balanced within one when all subscriptions are equal", "[assignors][random]") {
    Random rnd(7);
    for (int iteration = 0; iteration < 100; ++iteration) {
        GroupSubscription s = randomGroup(rnd, true);
        for (int round = 1; round <= 4; ++round) {
            for (const char* name : {"roundrobin", "sticky"}) {
                INFO("seed 7 iteration " << iteration << " round " << round << " assignor " << name);
                const auto a = assignPartitions(name, s);
                size_t lo = SIZE_MAX, hi = 0;
                for (const auto& m : a.members) {
                    lo = std::min(lo, m.partitions.size());
                    hi = std::max(hi, m.partitions.size());
                }
                CHECK(hi - lo <= 1);
            }
            s = churn(rnd, s, StickyAssignor().assign(s), round);
        }
    }
}

TEST_CASE("sticky keeps each member's owned partitions up to its fair share; cooperative never hands over a partition "
          "its owner still holds, and completes in the follow-up rebalance", "[assignors][random]") {
    Random rnd(42);
    for (int iteration = 0; iteration < 100; ++iteration) {
        GroupSubscription sticky_group = randomGroup(rnd, iteration % 2 == 0);
        GroupSubscription coop_group = sticky_group;
        for (int round = 1; round <= 4; ++round) {
            INFO("seed 42 iteration " << iteration << " round " << round);
            // sticky: with equal subscriptions, everyone keeps min(owned, floor(partitions / members))
            const auto a = StickyAssignor().assign(sticky_group);
            const auto c = checkBasic(sticky_group, a);
            CHECK(c.count.size() == subscribedPartitions(sticky_group).size());
            if (iteration % 2 == 0) {
                const size_t total = subscribedPartitions(sticky_group).size();
                const size_t fair = total / sticky_group.members.size();
                for (size_t i = 0; i < sticky_group.members.size(); ++i) {
                    const auto& owned = sticky_group.members[i].owned_partitions;
                    const auto& got = a.members[i].partitions;
                    size_t kept = 0;
                    for (const auto& tp : owned) kept += std::count(got.begin(), got.end(), tp) ? 1u : 0u;
                    CHECK(kept >= std::min(owned.size(), fair));
                }
            }

            // cooperative: a partition owned by a member still in the group goes to no one else this round
            const auto b = CooperativeStickyAssignor().assign(coop_group);
            checkBasic(coop_group, b);
            std::map<TopicPartition, std::string> owner;
            for (const auto& m : coop_group.members)
                for (const auto& tp : m.owned_partitions) owner[tp] = m.member_id;
            for (const auto& m : b.members)
                for (const auto& tp : m.partitions)
                    if (owner.count(tp)) CHECK(owner[tp] == m.member_id);
            // the follow-up rebalance (nobody joins or leaves) completes the assignment
            const auto follow_group = nextRound(coop_group, b, round * 10);
            const auto follow = CooperativeStickyAssignor().assign(follow_group);
            CHECK(checkBasic(follow_group, follow).count.size() == subscribedPartitions(follow_group).size());

            sticky_group = churn(rnd, sticky_group, a, round);
            coop_group = churn(rnd, follow_group, follow, round * 10 + 1);
        }
    }
}
