// Conformance twin of conformance/expected/producer_consumer_basics.txt (Java: ProducerConsumerBasics.java).
// Producer and consumer basics. Timestamps are printed relative to B, the cluster's clock at the start
// ("B-60000"); a timestamp taken from a clock is printed only as facts about it.
#include <kstream_sim.hpp>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace kstream_sim;
using namespace std::chrono_literals;

namespace {

using Producer = KafkaProducer<std::string, std::string>;
using Consumer = KafkaConsumer<std::string, std::string>;
using Sent = ProducerRecord<std::string, std::string>;
using Received = ConsumerRecord<std::string, std::string>;

int64_t B = 0;

std::string rel(int64_t ts) {
    if (ts == -1) return "-1";
    const int64_t d = ts - B;
    return d == 0 ? "B" : (d > 0 ? "B+" + std::to_string(d) : "B" + std::to_string(d));
}
const char* boolean(bool b) { return b ? "true" : "false"; }

std::string at(const RecordMetadata& md) {
    return md.topic() + "-" + std::to_string(md.partition()) + "@" + std::to_string(md.offset());
}
std::string sizes(const RecordMetadata& md) {
    return " serializedKeySize=" + std::to_string(md.serializedKeySize()) + " serializedValueSize=" + std::to_string(md.serializedValueSize());
}

Properties props(std::initializer_list<std::pair<const char*, const char*>> kv) {
    Properties p;
    for (const auto& [k, v] : kv) p.put(k, v);
    return p;
}

std::vector<Received> pollAtMost(Consumer& c, size_t n, int64_t ms, Cluster& cluster) {
    std::vector<Received> got;
    const int64_t deadline = cluster.nowMs() + ms;
    while (got.size() < n && cluster.nowMs() < deadline)
        for (const auto& r : c.poll(100ms)) got.push_back(r);
    return got;
}
std::vector<Received> pollUntil(Consumer& c, size_t n, Cluster& cluster) {
    auto got = pollAtMost(c, n, 20000, cluster);
    if (got.size() < n) throw IllegalStateException("expected " + std::to_string(n) + " records, got " + std::to_string(got.size()));
    return got;
}

std::string offsets(const std::vector<Received>& rs) {
    if (rs.empty()) return "no records";
    std::string s = "offsets=";
    for (size_t i = 0; i < rs.size(); ++i) s += (i ? "," : "") + std::to_string(rs[i].offset());
    s += " values=";
    for (size_t i = 0; i < rs.size(); ++i) s += (i ? "," : "") + rs[i].value();
    return s;
}

std::string committed(Consumer& c, const TopicPartition& tp) {
    auto om = c.committed({tp}).at(tp);
    return om ? std::to_string(om->offset()) : "null";
}

template <class T>
std::string javaSet(const std::set<T>& xs) {
    std::string s = "[";
    for (const auto& x : xs) s += (s.size() > 1 ? ", " : "") + x;
    return s + "]";
}
std::string javaSet(const std::set<TopicPartition>& xs) {
    std::string s = "[";
    for (const auto& x : xs) s += (s.size() > 1 ? ", " : "") + x.toString();
    return s + "]";
}

void createTopic(Admin& admin, const std::string& name, int32_t partitions, std::map<std::string, std::string> configs = {}) {
    admin.createTopics({NewTopic(name, partitions, 1).configs(std::move(configs))}).all().get();
}

}  // namespace

int main() {
    // Virtual time starts at a wall-clock-like epoch, so that B-10 years is still a valid (non-negative) timestamp.
    Cluster cluster(ClusterConfig().brokers(1).epoch(std::chrono::milliseconds(1700000000000LL)));
    Admin admin(cluster);
    B = cluster.nowMs();

    // --- A. offsets per partition after a keyed batch (async sends, then flush)
    createTopic(admin, "pcb", 3);
    {
        Producer p(cluster, Properties());
        std::vector<Future<RecordMetadata>> fs;
        for (int i = 0; i < 12; ++i) fs.push_back(p.send(Sent("pcb", "k" + std::to_string(i), "value-" + std::to_string(i))));
        p.flush();
        for (int i = 0; i < 12; ++i) {
            RecordMetadata md = fs[static_cast<size_t>(i)].get();
            std::cout << "batch send key=k" << i << " -> " << at(md) << sizes(md) << "\n";
        }
        RecordMetadata md = p.send(Sent("pcb", 0, std::nullopt, std::string("no-key"))).get();
        std::cout << "send key=null partition=0 -> " << at(md) << sizes(md) << "\n";
        md = p.send(Sent("pcb", 2, std::string("k0"), std::nullopt)).get();
        std::cout << "send key=k0 value=null partition=2 -> " << at(md) << sizes(md) << "\n";
    }
    {
        std::map<TopicPartition, OffsetSpec> specs;
        for (int32_t p = 0; p < 3; ++p) specs.emplace(TopicPartition("pcb", p), OffsetSpec::latest());
        auto end = admin.listOffsets(specs).all().get();
        for (int32_t p = 0; p < 3; ++p) std::cout << "endOffset pcb-" << p << "=" << end.at(TopicPartition("pcb", p)).offset() << "\n";
    }

    // --- B. CreateTime vs LogAppendTime
    createTopic(admin, "ts_create", 1);
    createTopic(admin, "ts_append", 1, {{"message.timestamp.type", "LogAppendTime"}});
    const int64_t explicit_ts = B - 60000;
    {
        Producer p(cluster, Properties());
        for (const std::string topic : {"ts_create", "ts_append"}) {
            int64_t before = cluster.nowMs();
            RecordMetadata md = p.send(Sent(topic, 0, explicit_ts, std::string("k"), std::string("explicit"))).get();
            int64_t after = cluster.nowMs();
            std::cout << topic << " send timestamp=" << rel(explicit_ts) << " -> metadata.timestamp equals explicit: " << boolean(md.timestamp() == explicit_ts) << "\n";
            std::cout << topic << " send timestamp=" << rel(explicit_ts) << " -> metadata.timestamp inside send window: "
                      << boolean(md.timestamp() >= before && md.timestamp() <= after) << "\n";
            before = cluster.nowMs();
            md = p.send(Sent(topic, 0, std::nullopt, std::string("k"), std::string("implicit"))).get();
            after = cluster.nowMs();
            std::cout << topic << " send timestamp=null -> metadata.timestamp inside send window: "
                      << boolean(md.timestamp() >= before && md.timestamp() <= after) << "\n";
        }
        // Far past, then 2 h ahead (past message.timestamp.after.max.ms, 1 h by default since Kafka 4.0).
        for (const int64_t ts : {B - 10LL * 365 * 24 * 3600 * 1000, B + 2 * 3600 * 1000LL}) {
            try {
                RecordMetadata md = p.send(Sent("ts_create", 0, ts, std::string("k"), std::string("t"))).get();
                std::cout << "ts_create send timestamp=" << rel(ts) << " -> " << at(md) << "\n";
            } catch (const KafkaException& e) {
                std::cout << "ts_create send timestamp=" << rel(ts) << " -> " << e.name() << "\n";
            }
        }
        try {
            p.send(Sent("ts_create", 0, -5, std::string("k"), std::string("negative")));
            std::cout << "ts_create send timestamp=-5 -> no exception\n";
        } catch (const KafkaException& e) {
            std::cout << "ts_create send timestamp=-5 -> " << e.name() << "\n";
        }
    }
    {
        Consumer c(cluster, props({{"auto.offset.reset", "earliest"}}));
        for (const std::string topic : {"ts_create", "ts_append"}) {
            TopicPartition tp(topic, 0);
            c.assign({tp});
            c.seekToBeginning({tp});
            auto rs = pollUntil(c, 2, cluster);
            const Received& r = rs[0];
            std::cout << topic << " consumed offset=0 timestampType=" << toString(r.timestampType()) << "\n";
            std::cout << topic << " consumed offset=0 timestamp equals explicit: " << boolean(r.timestamp() == explicit_ts) << "\n";
            if (r.timestamp() == explicit_ts) std::cout << topic << " consumed offset=0 timestamp=" << rel(r.timestamp()) << "\n";
            std::cout << topic << " consumed offset=1 timestampType=" << toString(rs[1].timestampType()) << "\n";
        }
    }

    // --- C. listOffsets earliest / latest / by timestamp
    createTopic(admin, "lo", 1);
    const TopicPartition lo("lo", 0);
    {
        const int64_t ts[] = {B - 5000, B - 3000, B - 4000, B - 1000, B - 2000};
        Producer p(cluster, Properties());
        for (int i = 0; i < 5; ++i) {
            RecordMetadata md = p.send(Sent("lo", 0, ts[i], "k" + std::to_string(i), "v" + std::to_string(i))).get();
            std::cout << "lo send timestamp=" << rel(ts[i]) << " -> " << at(md) << "\n";
        }
    }
    {
        const std::vector<std::pair<std::string, OffsetSpec>> specs = {
            {"earliest", OffsetSpec::earliest()},
            {"latest", OffsetSpec::latest()},
            {"forTimestamp(" + rel(B - 6000) + ")", OffsetSpec::forTimestamp(B - 6000)},
            {"forTimestamp(" + rel(B - 5000) + ")", OffsetSpec::forTimestamp(B - 5000)},
            {"forTimestamp(" + rel(B - 4000) + ")", OffsetSpec::forTimestamp(B - 4000)},
            {"forTimestamp(" + rel(B - 3500) + ")", OffsetSpec::forTimestamp(B - 3500)},
            {"forTimestamp(" + rel(B - 1000) + ")", OffsetSpec::forTimestamp(B - 1000)},
            {"forTimestamp(" + rel(B) + ")", OffsetSpec::forTimestamp(B)},
        };
        for (const auto& [label, spec] : specs) {
            ListOffsetsResultInfo info = admin.listOffsets({{lo, spec}}).all().get().at(lo);
            std::cout << "listOffsets lo-0 " << label << " -> offset=" << info.offset() << " timestamp=" << rel(info.timestamp()) << "\n";
        }
        Consumer c(cluster, Properties());
        std::cout << "consumer beginningOffsets lo-0=" << c.beginningOffsets({lo}).at(lo) << "\n";
        std::cout << "consumer endOffsets lo-0=" << c.endOffsets({lo}).at(lo) << "\n";
        for (const int64_t t : {B - 4000, B}) {
            auto oat = c.offsetsForTimes({{lo, t}}).at(lo);
            std::cout << "consumer offsetsForTimes lo-0 " << rel(t) << " -> "
                      << (oat ? "offset=" + std::to_string(oat->offset()) + " timestamp=" + rel(oat->timestamp()) : std::string("null")) << "\n";
        }
    }

    // --- D. seek / position (no group)
    {
        Consumer c(cluster, props({{"auto.offset.reset", "earliest"}}));
        c.assign({lo});
        std::cout << "assign lo-0 position=" << c.position(lo) << "\n";
        c.seek(lo, 3);
        std::cout << "seek 3 position=" << c.position(lo) << "\n";
        std::cout << "poll after seek 3 -> " << offsets(pollUntil(c, 2, cluster)) << "\n";
        std::cout << "position after poll=" << c.position(lo) << "\n";
        c.seekToBeginning({lo});
        std::cout << "seekToBeginning position=" << c.position(lo) << "\n";
        c.seekToEnd({lo});
        std::cout << "seekToEnd position=" << c.position(lo) << "\n";
        c.seek(lo, 10);
        std::cout << "seek 10 position=" << c.position(lo) << "\n";
        std::cout << "poll after seek 10 (out of range, reset earliest) -> " << offsets(pollUntil(c, 5, cluster)) << "\n";
        try {
            c.commitSync();
            std::cout << "commitSync without group.id -> no exception\n";
        } catch (const KafkaException& e) {
            std::cout << "commitSync without group.id -> " << e.name() << "\n";
        }
    }

    // --- E. max.poll.records
    {
        Consumer c(cluster, props({{"auto.offset.reset", "earliest"}, {"max.poll.records", "2"}}));
        c.assign({lo});
        std::string sizes_seen;
        int total = 0;
        const int64_t deadline = cluster.nowMs() + 20000;
        while (total < 5 && cluster.nowMs() < deadline) {
            const int n = c.poll(200ms).count();
            if (n > 0) {
                sizes_seen += (sizes_seen.empty() ? "" : ",") + std::to_string(n);
                total += n;
            }
        }
        std::cout << "max.poll.records=2 non-empty poll sizes=" << sizes_seen << "\n";
    }

    // --- F. committed after commitSync (assign + group.id)
    {
        Consumer c(cluster, props({{"group.id", "pcb-g1"}, {"auto.offset.reset", "earliest"}, {"enable.auto.commit", "false"}}));
        c.assign({lo});
        std::cout << "group pcb-g1 committed before=" << committed(c, lo) << "\n";
        pollUntil(c, 5, cluster);
        c.commitSync();
        std::cout << "group pcb-g1 committed after poll+commitSync()=" << committed(c, lo) << "\n";
        c.commitSync({{lo, OffsetAndMetadata(2, "meta")}});
        auto om = c.committed({lo}).at(lo);
        std::cout << "group pcb-g1 committed after commitSync(2)=" << (om ? std::to_string(om->offset()) : "null")
                  << " metadata=" << (om ? om->metadata() : "") << "\n";
        std::cout << "group pcb-g1 position after commitSync(2)=" << c.position(lo) << "\n";
    }
    {
        Consumer c(cluster, props({{"group.id", "pcb-g1"}, {"auto.offset.reset", "earliest"}}));
        c.assign({lo});
        std::cout << "group pcb-g1 new consumer position=" << c.position(lo) << "\n";
    }

    // --- G. subscribe (one-member group)
    {
        Consumer c(cluster, props({{"group.id", "pcb-g2"}, {"auto.offset.reset", "earliest"}, {"enable.auto.commit", "false"}}));
        c.subscribe({"lo"});
        std::cout << "subscribe lo subscription=" << javaSet(c.subscription()) << "\n";
        std::cout << "subscribe lo poll -> " << offsets(pollUntil(c, 5, cluster)) << "\n";
        std::cout << "subscribe lo assignment=" << javaSet(c.assignment()) << "\n";
        c.commitSync();
        std::cout << "subscribe lo committed after commitSync()=" << committed(c, lo) << "\n";
    }

    // --- H. auto.offset.reset for a group without committed offsets
    for (const std::string reset : {"earliest", "latest", "none"}) {
        Consumer c(cluster, props({{"group.id", ("pcb-reset-" + reset).c_str()}, {"auto.offset.reset", reset.c_str()}}));
        c.assign({lo});
        try {
            const int64_t pos = c.position(lo);
            std::cout << "auto.offset.reset=" << reset << " position=" << pos << "\n";
        } catch (const KafkaException& e) {
            std::cout << "auto.offset.reset=" << reset << " position -> " << e.name() << "\n";
        }
        try {
            const std::string polled = offsets(pollAtMost(c, 5, 1500, cluster));
            std::cout << "auto.offset.reset=" << reset << " poll -> " << polled << "\n";
        } catch (const KafkaException& e) {
            std::cout << "auto.offset.reset=" << reset << " poll -> " << e.name() << "\n";
        }
    }
    {
        Consumer c(cluster, props({{"group.id", "pcb-g1"}, {"auto.offset.reset", "none"}}));
        c.assign({lo});
        std::cout << "auto.offset.reset=none group with committed offset position=" << c.position(lo) << "\n";
    }
    {
        Consumer c(cluster, props({{"auto.offset.reset", "none"}}));
        c.assign({lo});
        try {
            const int64_t pos = c.position(lo);
            std::cout << "auto.offset.reset=none no group position=" << pos << "\n";
        } catch (const KafkaException& e) {
            std::cout << "auto.offset.reset=none no group position -> " << e.name() << "\n";
        }
    }
    return 0;
}
