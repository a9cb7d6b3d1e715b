// Produce throughput: the workload of docs/performance.md on kstream_sim.
//
//   2,000,000 records, 1,000 keys ("key-000".."key-999"), 100-byte values, one topic of 3 partitions
//   (replication factor 3) on a 3-broker cluster, acks=all, linger.ms=5; send() in a loop without waiting
//   on any future, then flush(). Prints records per second of wall-clock time (send loop + flush).
//
// The inputs are built before the clock starts, as bench/librdkafka_mock_produce.c builds its key and value
// buffers: one ProducerRecord per key, sent by reference in turn (Java may send the same record object again
// too). The library copies each record's bytes into its batch, as librdkafka copies them (RD_KAFKA_MSG_F_COPY).
// The variant built-per-send builds a fresh ProducerRecord<std::string, std::string> in the loop instead, as
// much application code does: the record's own string copies (a heap allocation for the value) are then
// measured too.
//
// Usage: bench_produce_throughput [variant] [records]
//   variant: default (acks=all, idempotence at Kafka's default, i.e. on), no-idempotence (acks=all,
//            enable.idempotence=false), acks1 (acks=1), built-per-send (default, the record built in the loop),
//            txn-<N> (transactional: a transaction of N records each, committed before the next begins), or
//            all (default, no-idempotence, acks1, built-per-send; the default).
//   records: 2000000 unless given (200000 is handy under callgrind).
//
// Each variant prints one line
//   RESULT <variant> records=<n> seconds=<s> records_per_s=<r> cpu_s=<s> send_s=<s> flush_s=<s>
// that bench/run_benchmarks.sh parses (cpu_s: the process's CPU time over the same span, std::clock(); on a
// busy machine it shows what the run would take with a core to itself). The script runs each variant in a fresh process several times and
// keeps the best: the wall clock is noisy on a shared machine, and a fresh process means fresh memory, as
// for the other benchmarks of the run.
//
// The wall clock is fine here: this is a benchmark. The library itself never reads it.
#include <kstream_sim.hpp>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace kstream_sim;

namespace {

constexpr int kKeys = 1000;
constexpr size_t kValueSize = 100;
constexpr int32_t kPartitions = 3;
constexpr int16_t kReplicationFactor = 3;
const char* const kTopic = "bench";

struct Result {
    double send_s = 0;
    double flush_s = 0;
    double cpu_s = 0;  // process CPU time (user + system) of send loop + flush
};

Result runOnce(const std::string& variant, int64_t records) {
    Cluster cluster(ClusterConfig().brokers(3));
    Admin admin(cluster);
    admin.createTopics({NewTopic(kTopic, kPartitions, kReplicationFactor)}).all().get();

    Properties props;
    if (variant == "default" || variant == "built-per-send") {
        props.put(ProducerConfig::ACKS_CONFIG, "all");
    } else if (variant == "no-idempotence") {
        props.put(ProducerConfig::ACKS_CONFIG, "all");
        props.put(ProducerConfig::ENABLE_IDEMPOTENCE_CONFIG, false);
    } else if (variant == "acks1") {
        props.put(ProducerConfig::ACKS_CONFIG, "1");  // idempotence (an implicit default) gives way, as in Kafka
    } else if (variant.rfind("txn-", 0) == 0 && std::atoll(variant.c_str() + 4) > 0) {
        props.put(ProducerConfig::TRANSACTIONAL_ID_CONFIG, "bench");
    } else {
        std::fprintf(stderr, "unknown variant '%s' (default, no-idempotence, acks1, built-per-send, txn-<N>, all)\n", variant.c_str());
        std::exit(2);
    }
    props.put(ProducerConfig::LINGER_MS_CONFIG, 5);
    KafkaProducer<std::string, std::string> producer(cluster, props);

    // The inputs, built before the clock starts.
    std::vector<std::string> keys;
    keys.reserve(kKeys);
    for (int k = 0; k < kKeys; ++k) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "key-%03d", k);
        keys.emplace_back(buf);
    }
    std::string value(kValueSize, 'v');
    for (size_t i = 0; i < kValueSize; ++i) value[i] = static_cast<char>('a' + i % 26);
    const std::string topic = kTopic;
    std::vector<ProducerRecord<std::string, std::string>> prebuilt;
    for (const auto& key : keys) prebuilt.emplace_back(topic, key, value);

    const int64_t per_transaction = variant.rfind("txn-", 0) == 0 ? std::atoll(variant.c_str() + 4) : 0;
    if (per_transaction > 0) producer.initTransactions();

    using Clock = std::chrono::steady_clock;
    const std::clock_t c0 = std::clock();
    const auto t0 = Clock::now();
    // The send loop, with record(i) giving the i-th record (one call site of send(), as in an application).
    auto sendAll = [&](auto&& record) {
        for (int64_t i = 0; i < records; ++i) {
            if (per_transaction > 0 && i % per_transaction == 0) {
                if (i > 0) producer.commitTransaction();
                producer.beginTransaction();
            }
            producer.send(record(static_cast<size_t>(i % kKeys)));
        }
    };
    if (variant == "built-per-send")
        sendAll([&](size_t k) { return ProducerRecord<std::string, std::string>(topic, keys[k], value); });
    else
        sendAll([&](size_t k) -> const ProducerRecord<std::string, std::string>& { return prebuilt[k]; });
    if (per_transaction > 0) producer.commitTransaction();
    const auto t1 = Clock::now();
    producer.flush();
    const auto t2 = Clock::now();
    const std::clock_t c2 = std::clock();

    // Every record must be in the logs, once (transaction markers aside).
    int64_t stored = 0;
    for (int32_t p = 0; p < kPartitions; ++p)
        for (const auto& b : cluster.partition(TopicPartition(kTopic, p)).log.batches()) stored += b.isControl() ? 0 : b.count();
    if (stored != records) {
        std::fprintf(stderr, "FAILED: %s: the partition logs hold %lld records, expected %lld\n", variant.c_str(),
                     static_cast<long long>(stored), static_cast<long long>(records));
        std::exit(1);
    }
    return {std::chrono::duration<double>(t1 - t0).count(), std::chrono::duration<double>(t2 - t1).count(),
            static_cast<double>(c2 - c0) / CLOCKS_PER_SEC};
}

}  // namespace

int main(int argc, char** argv) {
    const std::string which = argc > 1 ? argv[1] : "all";
    const int64_t records = argc > 2 ? std::atoll(argv[2]) : 2000000;
    if (records <= 0) {
        std::fprintf(stderr, "records must be positive\n");
        return 2;
    }
    std::vector<std::string> variants;
    if (which == "all")
        variants = {"default", "no-idempotence", "acks1", "built-per-send"};
    else
        variants = {which};
    for (const auto& v : variants) {
        const Result r = runOnce(v, records);
        const double total = r.send_s + r.flush_s;
        std::printf("RESULT %s records=%lld seconds=%.6f records_per_s=%.0f cpu_s=%.6f send_s=%.6f flush_s=%.6f\n", v.c_str(),
                    static_cast<long long>(records), total, static_cast<double>(records) / total, r.cpu_s, r.send_s, r.flush_s);
        std::fflush(stdout);
    }
    return 0;
}
