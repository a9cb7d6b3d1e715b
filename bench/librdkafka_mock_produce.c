/* The produce workload of docs/performance.md on librdkafka's built-in mock cluster, for comparison.
 *
 *   2,000,000 records, 1,000 keys ("key-000".."key-999"), 100-byte values, one topic of 3 partitions
 *   (replication factor 3) on a 3-broker mock cluster (test.mock.num.brokers=3), acks=all, linger.ms=5,
 *   partitioner murmur2_random (the Java client's). Produces in a loop (RD_KAFKA_MSG_F_COPY, as the
 *   kstream_sim producer copies too), then flushes and waits for every delivery report. Prints
 *   records per second of wall-clock time, from the first produce to the last delivery report.
 *
 * librdkafka is multi-threaded: its broker threads and the mock cluster's thread run beside the
 * application thread, so on this workload it uses every core it gets. Its other settings keep their
 * defaults (batch.size 1 MB, enable.idempotence false); the queue limits are raised so produce() never
 * reports a full queue for this workload (the loop would poll and retry if it did).
 *
 * Plain C, so the CMake glob of the bench .cpp files leaves it alone; bench/run_benchmarks.sh builds it:
 *   gcc -O2 -DNDEBUG bench/librdkafka_mock_produce.c -o bench_librdkafka_mock_produce -lrdkafka
 * Usage: bench_librdkafka_mock_produce [records]
 * Prints: RESULT librdkafka-mock records=<n> seconds=<s> records_per_s=<r> cpu_s=<s> produce_s=<s> flush_s=<s>
 * (cpu_s: CPU time of all the process's threads over the same span, clock()).
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEYS 1000
#define VALUE_SIZE 100
#define PARTITIONS 3
#define REPLICATION_FACTOR 3
#define TOPIC "bench"

static long long delivered_ok = 0;
static long long delivered_failed = 0;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque) {
    (void)rk;
    (void)opaque;
    if (msg->err)
        ++delivered_failed;
    else
        ++delivered_ok;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set(rd_kafka_conf_t *conf, const char *name, const char *value) {
    char err[512];
    if (rd_kafka_conf_set(conf, name, value, err, sizeof err) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "config %s=%s: %s\n", name, value, err);
        exit(1);
    }
}

int main(int argc, char **argv) {
    const long long records = argc > 1 ? atoll(argv[1]) : 2000000;
    if (records <= 0) {
        fprintf(stderr, "records must be positive\n");
        return 2;
    }
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    set(conf, "test.mock.num.brokers", "3");
    set(conf, "acks", "all");
    set(conf, "linger.ms", "5");
    set(conf, "partitioner", "murmur2_random");
    set(conf, "queue.buffering.max.messages", "0"); /* 0: no limit on the message count */
    set(conf, "queue.buffering.max.kbytes", "2147483647");
    set(conf, "log_level", "3");
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) {
        fprintf(stderr, "rd_kafka_new: %s\n", err);
        return 1;
    }
    rd_kafka_mock_cluster_t *mcluster = rd_kafka_handle_mock_cluster(rk);
    if (!mcluster) {
        fprintf(stderr, "no mock cluster (test.mock.num.brokers not honoured?)\n");
        return 1;
    }
    rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(mcluster, TOPIC, PARTITIONS, REPLICATION_FACTOR);
    if (e) {
        fprintf(stderr, "rd_kafka_mock_topic_create: %s\n", rd_kafka_err2str(e));
        return 1;
    }
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, TOPIC, NULL);
    /* Wait for the topic's metadata, so the timed loop does not include the bootstrap. */
    const struct rd_kafka_metadata *md = NULL;
    for (int attempt = 0; attempt < 100; ++attempt) {
        if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR && md->topic_cnt == 1 &&
            md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR && md->topics[0].partition_cnt == PARTITIONS) {
            rd_kafka_metadata_destroy(md);
            md = NULL;
            break;
        }
        if (md) rd_kafka_metadata_destroy(md);
        md = NULL;
        if (attempt == 99) {
            fprintf(stderr, "topic metadata not available\n");
            return 1;
        }
    }

    char keys[KEYS][8];
    for (int k = 0; k < KEYS; ++k) snprintf(keys[k], sizeof keys[k], "key-%03d", k);
    char value[VALUE_SIZE];
    for (int i = 0; i < VALUE_SIZE; ++i) value[i] = (char)('a' + i % 26);

    const clock_t c0 = clock();
    const double t0 = now_s();
    for (long long i = 0; i < records; ++i) {
        const char *key = keys[i % KEYS];
        for (;;) {
            e = rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_KEY(key, 7), RD_KAFKA_V_VALUE(value, VALUE_SIZE),
                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
            if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
            rd_kafka_poll(rk, 10);
        }
        if (e) {
            fprintf(stderr, "produce failed: %s\n", rd_kafka_err2str(e));
            return 1;
        }
        if ((i & 0xffff) == 0) rd_kafka_poll(rk, 0); /* serve delivery reports now and then, as an application would */
    }
    const double t1 = now_s();
    while (delivered_ok + delivered_failed < records) {
        e = rd_kafka_flush(rk, 60 * 1000);
        if (e == RD_KAFKA_RESP_ERR__TIMED_OUT) {
            fprintf(stderr, "flush timed out with %d messages outstanding\n", rd_kafka_outq_len(rk));
            return 1;
        }
        rd_kafka_poll(rk, 0);
    }
    const double t2 = now_s();
    const clock_t c2 = clock();

    if (delivered_ok != records || delivered_failed != 0) {
        fprintf(stderr, "FAILED: %lld delivered, %lld failed, expected %lld\n", delivered_ok, delivered_failed, records);
        return 1;
    }
    printf("RESULT librdkafka-mock records=%lld seconds=%.6f records_per_s=%.0f cpu_s=%.6f produce_s=%.6f flush_s=%.6f\n",
           records, t2 - t0, (double)records / (t2 - t0), (double)(c2 - c0) / CLOCKS_PER_SEC, t1 - t0, t2 - t1);
    fflush(stdout);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
    return 0;
}
