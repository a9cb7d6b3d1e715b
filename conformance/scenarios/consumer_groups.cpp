// Conformance twin of conformance/expected/consumer_groups.txt (Java: ConsumerGroups.java).
// Consumer groups (classic protocol) on a 1-broker cluster: 1 -> 2 -> 3 -> 2 consumers with the default assignors
// (range, eager) and with cooperative-sticky; who owns what after each settled rebalance and the first offset
// read since each partition was assigned; committed offsets and lag from Admin; describeConsumerGroups; the
// protocol vote; the group APIs' errors. Members are named by client.id (member ids start with it).
#include <kstream_sim.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace kstream_sim;
using namespace std::chrono_literals;

namespace {

const std::string A = "cg-a", B = "cg-b";  // 4 and 2 partitions
const std::vector<TopicPartition> ALL = {{A, 0}, {A, 1}, {A, 2}, {A, 3}, {B, 0}, {B, 1}};

void call(const std::string& label, const std::function<std::string()>& fn) {
    std::string result;
    try {
        result = fn();
    } catch (const KafkaException& e) {
        result = e.name();
    }
    std::cout << label << " -> " << result << "\n";
}

std::string quote(const std::string& s) { return "\"" + s + "\""; }

std::string list(const std::set<TopicPartition>& ps) {
    std::string s = "[";
    for (const auto& tp : ps) s += (s.size() > 1 ? " " : "") + tp.toString();
    return s + "]";
}

// The listener records nothing but forgets the first offsets read of partitions that come and go.
struct FirstRead : ConsumerRebalanceListener {
    std::map<TopicPartition, int64_t> first;
    void forget(const std::set<TopicPartition>& ps) {
        for (const auto& tp : ps) first.erase(tp);
    }
    void onPartitionsAssigned(const std::set<TopicPartition>& ps) override { forget(ps); }
    void onPartitionsRevoked(const std::set<TopicPartition>& ps) override { forget(ps); }
    void onPartitionsLost(const std::set<TopicPartition>& ps) override { forget(ps); }
};

struct Member {
    std::string name;
    std::unique_ptr<KafkaConsumer<std::string, std::string>> consumer;
    std::shared_ptr<FirstRead> reads = std::make_shared<FirstRead>();

    // With a pattern: subscribe(pattern) (and the extra configs) instead of the topics cg-a, cg-b.
    Member(Cluster& cluster, const std::string& group, std::string n, const std::optional<std::string>& strategies,
           const std::optional<Pattern>& pattern = std::nullopt, const Properties& extra = {})
        : name(std::move(n)) {
        Properties p{{"group.id", group}, {"client.id", name}, {"auto.offset.reset", "earliest"}, {"enable.auto.commit", "false"},
                     {"heartbeat.interval.ms", "100"}};
        if (strategies) p.put("partition.assignment.strategy", *strategies);
        for (const auto& kv : extra) p.put(kv.first, kv.second);
        consumer = std::make_unique<KafkaConsumer<std::string, std::string>>(cluster, p);
        if (pattern) consumer->subscribe(*pattern, reads);
        else consumer->subscribe({A, B}, reads);
    }
    // Java's TreeSet.toString of subscription(): "[cg-p-1, cg-p-2]".
    std::string subscription() const {
        std::string s = "[";
        for (const auto& t : consumer->subscription()) s += (s.size() > 1 ? ", " : "") + t;
        return s + "]";
    }
    void poll() {
        for (const auto& r : consumer->poll(50ms)) reads->first.emplace(TopicPartition(r.topic(), r.partition()), r.offset());
    }
    std::string owned() const {
        std::string s = name + "=[";
        for (const auto& tp : consumer->assignment()) {
            if (s.back() != '[') s += " ";
            auto it = reads->first.find(tp);
            s += tp.toString() + "@" + (it == reads->first.end() ? std::string("-") : std::to_string(it->second));
        }
        return s + "]";
    }
};

struct Scenario {
    Cluster cluster{ClusterConfig().brokers(1).groupInitialRebalanceDelay(0ms)};  // as the judge's broker
    Admin admin{cluster};
    std::map<TopicPartition, int64_t> ends;

    int64_t end(const TopicPartition& tp) { return admin.listOffsets({{tp, OffsetSpec::latest()}}).partitionResult(tp).get().offset(); }

    std::string describeLine(const std::string& group) {
        ConsumerGroupDescription d = admin.describeConsumerGroups({group}).all().get().at(group);
        std::vector<MemberDescription> members = d.members();
        std::sort(members.begin(), members.end(), [](const MemberDescription& x, const MemberDescription& y) { return x.clientId() < y.clientId(); });
        std::string s = std::string("state=") + toString(d.groupState()) + " members=" + std::to_string(members.size()) +
                        " assignor=" + quote(d.partitionAssignor()) + " simple=" + (d.isSimpleConsumerGroup() ? "true" : "false");
        for (const auto& m : members)
            s += " " + m.clientId() + "=" + list(m.assignment().topicPartitions()) +
                 (m.consumerId().rfind(m.clientId() + "-", 0) == 0 ? "" : "(member id does not start with the client.id)");
        return s;
    }
    void describe(const std::string& group) { std::cout << "describeConsumerGroups " << group << ": " << describeLine(group) << "\n"; }

    void offsets(const std::string& group, const std::string& when) {
        auto committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        std::cout << "offsets " << group << " " << when << ":";
        if (committed.empty()) std::cout << " none";
        for (const auto& [tp, o] : committed)
            std::cout << " " << tp.toString() << "=" << o.offset() << "(lag " << end(tp) - o.offset() << ")";
        std::cout << "\n";
    }

    bool settled(const std::string& group, const std::vector<std::unique_ptr<Member>>& ms, const std::vector<TopicPartition>& expected) {
        std::set<TopicPartition> seen;
        for (const auto& m : ms)
            for (const auto& tp : m->consumer->assignment())
                if (!seen.insert(tp).second) return false;
        if (seen != std::set<TopicPartition>(expected.begin(), expected.end())) return false;
        ConsumerGroupDescription d = admin.describeConsumerGroups({group}).all().get().at(group);
        if (d.groupState() != GroupState::STABLE || d.members().size() != ms.size()) return false;
        for (const auto& md : d.members()) {
            auto m = std::find_if(ms.begin(), ms.end(), [&](const auto& x) { return x->name == md.clientId(); });
            if (m == ms.end() || md.assignment().topicPartitions() != (*m)->consumer->assignment()) return false;
        }
        for (const auto& m : ms)
            for (const auto& tp : m->consumer->assignment())
                if (m->consumer->position(tp) != (ends.count(tp) ? ends.at(tp) : 0)) return false;
        return true;
    }

    // Every member polls in turn until the rebalance has settled (see ConsumerGroups.java), then who owns what.
    void settle(const std::string& group, const std::vector<std::unique_ptr<Member>>& ms, const std::string& what,
                const std::vector<TopicPartition>& expected = ALL) {
        const int64_t deadline = cluster.nowMs() + 60000;
        while (true) {
            for (const auto& m : ms) m->poll();
            if (settled(group, ms, expected)) break;
            if (cluster.nowMs() > deadline) throw IllegalStateException(group + ": no settled group after 60 s (" + what + ")");
        }
        std::cout << group << " " << what << ":";
        for (const auto& m : ms) std::cout << " " << m->owned();
        std::cout << "\n";
    }

    void scaleOut(const std::string& group, const std::optional<std::string>& strategy) {
        std::cout << "=== " << group << " (" << (strategy ? "cooperative-sticky" : "default strategy") << ")\n";
        std::vector<std::unique_ptr<Member>> ms;
        ms.push_back(std::make_unique<Member>(cluster, group, "c1", strategy));
        settle(group, ms, "1 member");
        std::map<TopicPartition, OffsetAndMetadata> half;
        for (const auto& tp : ALL) half.emplace(tp, OffsetAndMetadata(ends.at(tp) / 2));
        ms[0]->consumer->commitSync(half);
        offsets(group, "after c1 commits half");
        ms.push_back(std::make_unique<Member>(cluster, group, "c2", strategy));
        settle(group, ms, "2 members");
        ms.push_back(std::make_unique<Member>(cluster, group, "c3", strategy));
        settle(group, ms, "3 members");
        describe(group);
        ms[2]->consumer->commitSync();
        offsets(group, "after c3 commits its positions");
        call(group + " alterConsumerGroupOffsets while active", [&] {
            admin.alterConsumerGroupOffsets(group, {{ALL[0], OffsetAndMetadata(0)}}).all().get();
            return std::string("ok");
        });
        call(group + " deleteConsumerGroups while active", [&] {
            admin.deleteConsumerGroups({group}).all().get();
            return std::string("ok");
        });
        ms[2]->consumer->close();
        ms.pop_back();
        settle(group, ms, "c3 closed");
        for (const auto& m : ms) m->consumer->close();
        describe(group);
        for (const auto& l : admin.listConsumerGroups().all().get())
            if (l.groupId() == group)
                std::cout << "listConsumerGroups " << group << " state=" << (l.groupState() ? toString(*l.groupState()) : "?")
                          << " simple=" << (l.isSimpleConsumerGroup() ? "true" : "false") << "\n";
        call(group + " alterConsumerGroupOffsets when empty: cg-a-0 to 0, cg-b-1 to the end", [&] {
            admin.alterConsumerGroupOffsets(group, {{TopicPartition(A, 0), OffsetAndMetadata(0)}, {TopicPartition(B, 1), OffsetAndMetadata(ends.at({B, 1}))}})
                .all()
                .get();
            return std::string("ok");
        });
        offsets(group, "after alter");
        call(group + " deleteConsumerGroups when empty", [&] {
            admin.deleteConsumerGroups({group}).all().get();
            return std::string("ok");
        });
        call(group + " describeConsumerGroups after delete", [&] { return describeLine(group); });
        offsets(group, "after delete");
    }

    void vote() {
        const std::string group = "cg-vote";
        const std::string range = "org.apache.kafka.clients.consumer.RangeAssignor";
        const std::string rr = "org.apache.kafka.clients.consumer.RoundRobinAssignor";
        std::cout << "=== " << group << " (c1: range,roundrobin; c2, c3: roundrobin,range; c4: sticky)\n";
        std::vector<std::unique_ptr<Member>> ms;
        ms.push_back(std::make_unique<Member>(cluster, group, "c1", range + "," + rr));
        ms.push_back(std::make_unique<Member>(cluster, group, "c2", rr + "," + range));
        settle(group, ms, "c1 + c2 (one vote each)");
        describe(group);
        ms.push_back(std::make_unique<Member>(cluster, group, "c3", rr + "," + range));
        settle(group, ms, "c1 + c2 + c3 (roundrobin 2 votes)");
        describe(group);
        {
            KafkaConsumer<std::string, std::string> c4(cluster,
                                                       Properties{{"group.id", group},
                                                                  {"client.id", "c4"},
                                                                  {"partition.assignment.strategy", "org.apache.kafka.clients.consumer.StickyAssignor"}});
            c4.subscribe({A, B});
            call(group + " c4 (sticky only) poll", [&] {
                const int64_t deadline = cluster.nowMs() + 30000;
                while (cluster.nowMs() < deadline) {
                    c4.poll(100ms);
                    for (const auto& m : ms) m->poll();
                }
                return std::string("no error in 30 s");
            });
        }
        describe(group);
        for (const auto& m : ms) m->consumer->close();
        // The same tie with the preferences swapped: the vote, not the leader's preference, decides.
        const std::string tie = "cg-tie";
        std::cout << "=== " << tie << " (c1: roundrobin,range; c2: range,roundrobin)\n";
        std::vector<std::unique_ptr<Member>> ts;
        ts.push_back(std::make_unique<Member>(cluster, tie, "c1", rr + "," + range));
        ts.push_back(std::make_unique<Member>(cluster, tie, "c2", range + "," + rr));
        settle(tie, ts, "c1 + c2 (one vote each)");
        describe(tie);
        for (const auto& m : ts) m->consumer->close();
    }

    void pattern() {
        const std::string group = "cg-pattern";
        const Properties fast{{"metadata.max.age.ms", "1000"}};
        std::cout << "=== " << group << " (subscribe(Pattern cg-p-.*), metadata.max.age.ms=1000)\n";
        admin.createTopics({NewTopic("cg-p-1", 2, 1), NewTopic("cg-px", 1, 1)}).all().get();
        std::vector<std::unique_ptr<Member>> ms;
        ms.push_back(std::make_unique<Member>(cluster, group, "c1", std::nullopt, Pattern::compile("cg-p-.*"), fast));
        ms.push_back(std::make_unique<Member>(cluster, group, "c2", std::nullopt, Pattern::compile("cg-p-.*"), fast));
        auto subscriptions = [&] {
            for (const auto& m : ms) std::cout << group << " " << m->name << " subscription=" << m->subscription() << "\n";
        };
        settle(group, ms, "cg-p-1 exists", {{"cg-p-1", 0}, {"cg-p-1", 1}});
        subscriptions();
        admin.createTopics({NewTopic("cg-p-2", 2, 1)}).all().get();
        settle(group, ms, "cg-p-2 created", {{"cg-p-1", 0}, {"cg-p-1", 1}, {"cg-p-2", 0}, {"cg-p-2", 1}});
        subscriptions();
        admin.deleteTopics({"cg-p-1"}).all().get();
        settle(group, ms, "cg-p-1 deleted", {{"cg-p-2", 0}, {"cg-p-2", 1}});
        subscriptions();
        for (const auto& m : ms) m->consumer->close();

        const std::string internal = "cg-internal";
        std::vector<std::unique_ptr<Member>> cs;
        cs.push_back(std::make_unique<Member>(cluster, internal, "c1", std::nullopt, Pattern::compile("__consumer_offsets"), fast));
        settle(internal, cs, "pattern __consumer_offsets", {});
        std::cout << internal << " c1 subscription=" << cs[0]->subscription() << "\n";
        cs[0]->consumer->close();
    }

    void errors() {
        std::cout << "=== errors\n";
        call("describeConsumerGroups cg-unknown", [&] { return describeLine("cg-unknown"); });
        call("deleteConsumerGroups cg-unknown", [&] {
            admin.deleteConsumerGroups({"cg-unknown"}).all().get();
            return std::string("ok");
        });
        call("listConsumerGroupOffsets cg-unknown", [&] {
            auto m = admin.listConsumerGroupOffsets("cg-unknown").partitionsToOffsetAndMetadata().get();
            return "ok " + std::to_string(m.size()) + " partitions";
        });
        call("alterConsumerGroupOffsets cg-simple cg-a-1 to 2", [&] {
            admin.alterConsumerGroupOffsets("cg-simple", {{TopicPartition(A, 1), OffsetAndMetadata(2)}}).all().get();
            return std::string("ok");
        });
        call("describeConsumerGroups cg-simple", [&] { return describeLine("cg-simple"); });
        call("listConsumerGroups cg-simple", [&] {
            for (const auto& l : admin.listConsumerGroups().all().get())
                if (l.groupId() == "cg-simple")
                    return std::string("state=") + (l.groupState() ? toString(*l.groupState()) : "?") +
                           " simple=" + (l.isSimpleConsumerGroup() ? "true" : "false");
            return std::string("absent");
        });
        call("alterConsumerGroupOffsets cg-simple no-such-topic-0", [&] {
            admin.alterConsumerGroupOffsets("cg-simple", {{TopicPartition("no-such-topic", 0), OffsetAndMetadata(1)}}).all().get();
            return std::string("ok");
        });
        call("deleteConsumerGroups cg-simple", [&] {
            admin.deleteConsumerGroups({"cg-simple"}).all().get();
            return std::string("ok");
        });
    }

    void run() {
        admin.createTopics({NewTopic(A, 4, 1), NewTopic(B, 2, 1)}).all().get();
        {
            KafkaProducer<std::string, std::string> p(cluster, Properties{});
            for (const auto& tp : ALL) {
                const int n = (tp.topic() == A ? 3 : 5) + tp.partition();
                for (int i = 0; i < n; ++i)
                    p.send(ProducerRecord<std::string, std::string>(tp.topic(), tp.partition(), "k", tp.toString() + "/" + std::to_string(i)));
            }
            p.flush();
        }
        std::cout << "log end offsets:";
        for (const auto& tp : ALL) {
            ends[tp] = end(tp);
            std::cout << " " << tp.toString() << "=" << ends[tp];
        }
        std::cout << "\n";
        scaleOut("cg-eager", std::nullopt);
        scaleOut("cg-coop", std::string("org.apache.kafka.clients.consumer.CooperativeStickyAssignor"));
        vote();
        pattern();
        errors();
    }
};

}  // namespace

int main() {
    Scenario().run();
    return 0;
}
