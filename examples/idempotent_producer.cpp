// One fault plan, three producers: what acks and enable.idempotence guarantee when a leader stops and an
// acknowledgement is lost.
//
// Each producer sends the numbers 1..60, one a millisecond, to a one-partition topic with replication factor
// 3, on its own cluster that suffers the same faults at the same virtual times. Then we read the log.
#include <kstream_sim.hpp>

#include <iostream>
#include <map>
#include <string>
#include <vector>

using namespace kstream_sim;
using namespace std::chrono_literals;

namespace {

FaultPlan thePlan(int32_t leader) {
    FaultPlan plan;
    plan.shutdownBroker(20ms, leader)                                                  // a leader stops...
        .dropNext(45ms, MessageFilter::responses(ApiKey::Produce).client("producer"))  // ...an acknowledgement is lost...
        .restartBroker(5s, leader);                                                    // ...and the broker comes back
    return plan;
}

// "1..12 14 13 15..60": the log, with runs in order shortened.
std::string compact(const std::vector<int>& values) {
    std::string out;
    for (size_t i = 0; i < values.size();) {
        size_t j = i;
        while (j + 1 < values.size() && values[j + 1] == values[j] + 1) ++j;
        out += (out.empty() ? "" : " ") + std::to_string(values[i]);
        if (j > i) out += (j == i + 1 ? " " : "..") + std::to_string(values[j]);
        i = j + 1;
    }
    return out;
}

void run(const std::string& title, Properties props, bool show_plan = false) {
    Cluster cluster(ClusterConfig().brokers(3).seed(7));
    Admin(cluster).createTopics({NewTopic("numbers", 1, 3).configs({{"min.insync.replicas", "2"}})}).all().get();
    props.put(ProducerConfig::CLIENT_ID_CONFIG, "producer");
    props.put(ProducerConfig::LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig::REQUEST_TIMEOUT_MS_CONFIG, 1000);
    KafkaProducer<std::string, std::string> producer(cluster, props);
    producer.partitionsFor("numbers");
    const FaultPlan plan = thePlan(cluster.leaderFor(TopicPartition("numbers", 0)));
    if (show_plan) std::cout << "The fault plan (the same for every producer; broker " << cluster.leaderFor(TopicPartition("numbers", 0))
                             << " leads the partition):\n" << plan.describe();
    plan.scheduleOn(cluster);

    int acknowledged = 0;
    for (int n = 1; n <= 60; ++n) {
        producer.send(ProducerRecord<std::string, std::string>("numbers", "key", std::to_string(n)),
                      [&acknowledged](const RecordMetadata&, const KafkaException* e) { acknowledged += e ? 0 : 1; });
        cluster.advance(1ms);
    }
    producer.flush();
    cluster.advance(10s);  // the broker is back and has caught up

    std::vector<int> log;
    std::map<int, int> copies;
    for (const auto& batch : cluster.partition(TopicPartition("numbers", 0)).log.batches())
        for (const auto& r : batch.records()) {
            const ByteView v = r.value();
            log.push_back(std::stoi(std::string(reinterpret_cast<const char*>(v.data), static_cast<size_t>(v.size))));
            ++copies[log.back()];
        }
    std::vector<int> lost, duplicated;
    for (int n = 1; n <= 60; ++n) {
        if (copies[n] == 0) lost.push_back(n);
        if (copies[n] > 1) duplicated.push_back(n);
    }
    bool in_order = true;
    for (size_t i = 1; i < log.size(); ++i) in_order = in_order && log[i] > log[i - 1];

    std::cout << "\n== " << title << " ==\n";
    std::cout << "acknowledged: " << acknowledged << " of 60\n";
    std::cout << "log: " << compact(log) << "\n";
    if (!lost.empty()) std::cout << "LOST (acknowledged, then gone with the old leader): " << compact(lost) << "\n";
    if (!duplicated.empty()) std::cout << "DUPLICATED (a retry after a lost acknowledgement): " << compact(duplicated) << "\n";
    if (!in_order) std::cout << "OUT OF ORDER (a retried batch landed after younger ones)\n";
    if (lost.empty() && duplicated.empty() && in_order) std::cout << "exactly the records sent, once each, in order\n";
}

}  // namespace

int main() {
    Properties acks1;
    acks1.put(ProducerConfig::ACKS_CONFIG, "1");
    acks1.put(ProducerConfig::ENABLE_IDEMPOTENCE_CONFIG, false);
    run("acks=1, no idempotence", acks1, true);

    Properties retries;
    retries.put(ProducerConfig::ACKS_CONFIG, "all");
    retries.put(ProducerConfig::ENABLE_IDEMPOTENCE_CONFIG, false);
    retries.put(ProducerConfig::MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    run("acks=all with retries, no idempotence", retries);

    run("the defaults: enable.idempotence=true, acks=all", Properties());
}
