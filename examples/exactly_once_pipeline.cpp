// Exactly once: a consume-transform-produce loop with sendOffsetsToTransaction, crashed in the middle of a
// batch and restarted — beside the same loop without transactions, which processes part of the batch twice.
//
// The loop reads payments (4 per poll), writes one ledger entry per payment, and commits its progress. It
// crashes after writing 2 entries of its second batch. A new instance of the same application takes over.
#include <kstream_sim.hpp>

#include <iostream>
#include <map>
#include <memory>
#include <string>

using namespace kstream_sim;
using namespace std::chrono_literals;

using Consumer = KafkaConsumer<std::string, std::string>;
using Producer = KafkaProducer<std::string, std::string>;

namespace {

struct Instance {
    std::unique_ptr<Consumer> consumer;
    std::unique_ptr<Producer> producer;
};

Instance start(Cluster& cluster, bool transactions, const std::string& group) {
    Properties cprops({{ConsumerConfig::GROUP_ID_CONFIG, group}, {ConsumerConfig::ENABLE_AUTO_COMMIT_CONFIG, false},
                       {ConsumerConfig::AUTO_OFFSET_RESET_CONFIG, "earliest"}, {ConsumerConfig::MAX_POLL_RECORDS_CONFIG, 4},
                       {ConsumerConfig::ISOLATION_LEVEL_CONFIG, "read_committed"},
                       // a crashed instance's partitions move after this long without heartbeats
                       {ConsumerConfig::SESSION_TIMEOUT_MS_CONFIG, 10000}});
    Properties pprops;
    if (transactions) pprops.put(ProducerConfig::TRANSACTIONAL_ID_CONFIG, group + "-ledger-writer");
    Instance i{std::make_unique<Consumer>(cluster, cprops), std::make_unique<Producer>(cluster, pprops)};
    i.consumer->subscribe({"payments"});
    if (transactions) i.producer->initTransactions();  // fences the previous instance, aborts its open transaction
    return i;
}

// Runs the loop until the input is consumed; with crash_after >= 0, crashes after that many ledger writes.
// Returns false when it crashed.
bool runLoop(Instance& app, bool transactions, const std::string& ledger, int crash_after) {
    int written = 0;
    for (int idle = 0; idle < 4;) {  // until nothing came for 20 s
        auto records = app.consumer->poll(5s);
        if (records.isEmpty()) {
            ++idle;
            continue;
        }
        idle = 0;
        if (transactions) app.producer->beginTransaction();
        std::map<TopicPartition, OffsetAndMetadata> progress;
        for (const auto& r : records) {
            app.producer->send(ProducerRecord<std::string, std::string>(ledger, r.key(), "debit " + r.value()));
            progress.insert_or_assign(TopicPartition(r.topic(), r.partition()), OffsetAndMetadata(r.offset() + 1));
            if (++written == crash_after) {
                app.producer->flush();  // the entries so far are in the ledger's log
                app.producer->simulateCrash();
                app.consumer->simulateCrash();
                return false;
            }
        }
        if (transactions) {
            app.producer->sendOffsetsToTransaction(progress, app.consumer->groupMetadata());
            app.producer->commitTransaction();  // the ledger entries and the progress, together
        } else {
            app.producer->flush();
            app.consumer->commitSync(progress);  // at least once: entries first, progress after
        }
    }
    return true;
}

void report(Cluster& cluster, const std::string& ledger) {
    Consumer reader(cluster, Properties({{ConsumerConfig::ISOLATION_LEVEL_CONFIG, "read_committed"},
                                         {ConsumerConfig::AUTO_OFFSET_RESET_CONFIG, "earliest"}}));
    reader.assign({TopicPartition(ledger, 0)});
    std::map<std::string, int> entries;
    int total = 0;
    for (int i = 0; i < 3; ++i)
        for (const auto& r : reader.poll(200ms)) {
            ++entries[r.key()];
            ++total;
        }
    std::cout << "  " << ledger << ": " << total << " entries for " << entries.size() << " payments;";
    bool duplicates = false;
    for (const auto& [payment, n] : entries)
        if (n > 1) {
            std::cout << " " << payment << " x" << n;
            duplicates = true;
        }
    std::cout << (duplicates ? "  <- DUPLICATES" : " each exactly once") << "\n";
}

}  // namespace

int main() {
    Cluster cluster(ClusterConfig().brokers(3).seed(5));
    Admin(cluster).createTopics({NewTopic("payments", 1, 3), NewTopic("ledger-eos", 1, 3), NewTopic("ledger-alo", 1, 3)}).all().get();
    {
        Producer source(cluster, Properties());
        for (int i = 1; i <= 10; ++i)
            source.send(ProducerRecord<std::string, std::string>("payments", "payment-" + std::to_string(i), std::to_string(10 * i) + " EUR"));
    }

    for (bool transactions : {true, false}) {
        const std::string ledger = transactions ? "ledger-eos" : "ledger-alo";
        const std::string group = transactions ? "eos-app" : "alo-app";
        std::cout << (transactions ? "== with transactions (exactly once) ==\n" : "== without transactions (at least once) ==\n");
        Instance first = start(cluster, transactions, group);
        runLoop(first, transactions, ledger, 6);
        std::cout << "  crashed after 6 ledger writes (2 into its second batch of 4)\n";
        Instance second = start(cluster, transactions, group);
        runLoop(second, transactions, ledger, -1);
        std::cout << "  the restarted instance went on from the committed progress\n";
        report(cluster, ledger);
    }
}
