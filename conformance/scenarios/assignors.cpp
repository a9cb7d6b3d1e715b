// Conformance twin of conformance/expected/assignors.txt (Java: Assignors.java).
// Kafka's four client-side assignors on the same groups, round after round: each assignor's previous result is
// each member's owned partitions (sorted by topic and partition, as ConsumerProtocol sends them, for
// cooperative-sticky; as assigned for sticky) with the previous round's number as generation.
#include <kstream_sim.hpp>

#include <cstdint>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

using namespace kstream_sim;

namespace {

using Topics = std::vector<std::pair<std::string, int32_t>>;

struct M {
    std::string id;
    std::optional<std::string> instance;
    std::vector<std::string> topics;
};

M m(std::string id, std::vector<std::string> topics) { return M{std::move(id), std::nullopt, std::move(topics)}; }
M s(std::string id, std::string instance, std::vector<std::string> topics) {
    return M{std::move(id), std::move(instance), std::move(topics)};
}

std::string list(const std::vector<TopicPartition>& ps) {
    std::string out = "[";
    for (size_t i = 0; i < ps.size(); ++i) out += (i ? ", " : "") + ps[i].toString();
    return out + "]";
}

const char* const kAssignors[] = {"range", "roundrobin", "sticky", "cooperative-sticky"};

void runCase(const std::string& label, const Topics& topics, const std::vector<std::vector<M>>& rounds) {
    for (const char* assignor : kAssignors) {
        std::map<std::string, std::vector<TopicPartition>> last;
        std::map<std::string, int32_t> last_generation;
        for (size_t r = 0; r < rounds.size(); ++r) {
            const int round = static_cast<int>(r) + 1;
            GroupSubscription sub;
            sub.partitions_per_topic = topics;
            for (const M& x : rounds[r]) {
                AssignorMember member{x.id, x.instance, x.topics, {}, -1};
                if (last.count(x.id)) {
                    member.owned_partitions = last[x.id];
                    member.generation = last_generation[x.id];
                    if (std::string(assignor) == "cooperative-sticky")
                        std::sort(member.owned_partitions.begin(), member.owned_partitions.end());
                }
                sub.members.push_back(member);
            }
            GroupAssignment result;
            try {
                result = assignPartitions(assignor, sub);
            } catch (const KafkaException& e) {
                std::cout << label << " r" << round << " " << assignor << " -> " << e.name() << "\n";
                continue;
            }
            for (const M& x : rounds[r]) {
                const auto& got = result.partitionsOf(x.id);
                std::cout << label << " r" << round << " " << assignor << " " << x.id << " -> " << list(got) << "\n";
                last[x.id] = got;
                last_generation[x.id] = round;
            }
        }
    }
}

uint64_t x = 20260101ULL;
int next(int n) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((x >> 33) % static_cast<uint64_t>(n));
}

void generated() {
    const std::vector<std::string> names = {"events", "users", "metrics", "logs", "txn"};
    Topics topics;
    for (const auto& n : names) topics.emplace_back(n, 1 + next(12));
    const std::vector<std::string> ids = {"consumer-gen-1-a91f", "consumer-gen-2-03bc", "consumer-gen-3-77e0",
                                          "consumer-gen-4-5d12", "consumer-gen-5-c0de", "consumer-gen-6-beef",
                                          "consumer-gen-7-f00d"};
    const std::vector<std::optional<std::string>> instances = {std::nullopt, "gen-static-b", std::nullopt, std::nullopt,
                                                               "gen-static-a", std::nullopt, std::nullopt};
    std::vector<std::vector<M>> rounds;
    for (int r = 0; r < 10; ++r) {
        const bool equal = next(3) == 0;
        std::vector<M> members;
        for (size_t i = 0; i < ids.size(); ++i) {
            if (next(7) >= 5) continue;
            std::vector<std::string> subscribed;
            for (const auto& n : names)
                if (equal || next(2) == 0) subscribed.push_back(n);
            if (subscribed.empty()) subscribed.push_back(names[static_cast<size_t>(next(static_cast<int>(names.size())))]);
            members.push_back(M{ids[i], instances[i], subscribed});
        }
        if (members.empty()) members.push_back(M{ids[static_cast<size_t>(r) % ids.size()], instances[static_cast<size_t>(r) % ids.size()], names});
        rounds.push_back(members);
    }
    std::cout << "generated topics";
    for (const auto& [t, n] : topics) std::cout << " " << t << "=" << n;
    std::cout << "\n";
    runCase("generated", topics, rounds);
}

}  // namespace

int main() {
    runCase("javadoc", {{"t0", 3}, {"t1", 3}}, {{m("C0", {"t0", "t1"}), m("C1", {"t0", "t1"})}});
    runCase("unequal", {{"t0", 1}, {"t1", 2}, {"t2", 3}},
            {{m("C0", {"t0"}), m("C1", {"t0", "t1"}), m("C2", {"t0", "t1", "t2"})}});
    runCase("mixed", {{"topic1", 3}, {"topic2", 2}},
            {{m("consumer1", {"topic1"}), m("consumer2", {"topic1", "topic2"}), m("consumer3", {"topic1"})}});
    runCase("static", {{"t1", 3}, {"t2", 3}},
            {{s("consumer-b", "instance1", {"t1", "t2"}), s("consumer-a", "instance2", {"t1", "t2"}),
              m("consumer-0", {"t1", "t2"})}});
    const std::vector<std::string> t4 = {"t0", "t1", "t2", "t3"};
    const std::vector<M> three = {m("C0", t4), m("C1", t4), m("C2", t4)};
    const std::vector<M> two = {three[0], three[2]};
    runCase("sticky_leave", {{"t0", 2}, {"t1", 2}, {"t2", 2}, {"t3", 2}}, {three, two, two});
    const std::vector<std::string> all = {"orders", "payments", "audit"};
    const M a = m("consumer-app-1-3f2a9c", all), b = m("consumer-app-2-81d0e4", all), c = m("consumer-app-3-c47b15", all);
    runCase("scale", {{"orders", 7}, {"payments", 3}, {"audit", 1}}, {{a}, {a, b, c}, {a, b, c}, {a, c}, {a, c}});
    const M m1 = m("consumer-shop-1-0a1b2c", {"orders", "clicks"});
    const M m2 = m("consumer-shop-2-9f8e7d", {"orders", "payments", "audit"});
    const M m3 = m("consumer-shop-3-5c5c5c", {"clicks", "payments"});
    const M m4 = m("consumer-shop-4-e1e2e3", {"orders", "payments", "audit", "clicks"});
    const M m5 = s("consumer-shop-5-777aaa", "shop-static-1", {"orders", "audit"});
    runCase("churn", {{"orders", 7}, {"payments", 3}, {"audit", 1}, {"clicks", 5}},
            {{m1, m2, m3}, {m1, m2, m3, m4}, {m1, m3, m4}, {m3, m4, m5}, {m3, m4, m5}});
    generated();
    return 0;
}
