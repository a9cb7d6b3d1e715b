package kstreamsim.conformance;

import java.time.Duration;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Client construction with bad configs: "<client> k=v[ k=v] -> <ExceptionSimpleName> keys=<config keys named in the
 * message, in order>" or "-> no exception". For a producer built without exception a second line gives the
 * effective enable.idempotence (after Kafka's post-processing). A case's settings are applied on top of a
 * valid base config (bootstrap.servers of the test kit, String (de)serializers).
 */
final class ConfigValidation implements Scenario {
    static final String[][] PRODUCER_CASES = {
            {},
            {"enable.idempotent", "true"},                      // misspelt key: Kafka only logs a warning
            {"acks", "2"},
            {"acks", "all"},
            {"acks", "-1"},
            {"acks", "ALL"},                                   // case sensitivity, key by key
            {"linger.ms", "abc"},
            {"linger.ms", "-1"},
            {"batch.size", "-1"},
            {"compression.type", "brotli"},
            {"compression.type", "GZIP"},
            {"enable.idempotence", "maybe"},
            {"enable.idempotence", "true", "acks", "1"},
            {"enable.idempotence", "true", "acks", "0"},
            {"acks", "1"},                                     // idempotence left implicit
            {"acks", "0"},
            {"enable.idempotence", "true", "max.in.flight.requests.per.connection", "6"},
            {"max.in.flight.requests.per.connection", "6"},
            {"enable.idempotence", "true", "max.in.flight.requests.per.connection", "5"},
            {"max.in.flight.requests.per.connection", "0"},
            {"transactional.id", "tx-1", "acks", "0"},
            {"transactional.id", "tx-1", "enable.idempotence", "false"},
            {"transactional.id", "tx-1", "acks", "1"},
            {"transactional.id", "tx-1", "retries", "0"},
            {"transactional.id", "tx-1"},
            {"transactional.id", ""},
            {"enable.idempotence", "true", "retries", "0"},
            {"retries", "0"},                                  // idempotence left implicit
            {"retries", "-1"},
            {"delivery.timeout.ms", "1000"},
            {"delivery.timeout.ms", "1000", "linger.ms", "0", "request.timeout.ms", "1000"},
            {"partitioner.ignore.keys", "yes"},
    };
    static final String[][] CONSUMER_CASES = {
            {},
            {"group.idd", "g"},                                // misspelt key: Kafka only logs a warning
            {"auto.offset.reset", "foo"},
            {"auto.offset.reset", "EARLIEST"},
            {"auto.offset.reset", "by_duration:PT1H"},         // KIP-1106 (Kafka 4.0)
            {"auto.offset.reset", "by_duration:1h"},
            {"max.poll.records", "0"},
            {"enable.auto.commit", "maybe"},
            {"fetch.min.bytes", "-1"},
            {"isolation.level", "read_committed"},
            {"isolation.level", "READ_COMMITTED"},
            {"isolation.level", "committed"},
            {"session.timeout.ms", "abc"},
            {"group.protocol", "foo"},
            {"group.protocol", "CLASSIC"},
    };
    static final String[][] ADMIN_CASES = {
            {},
            {"request.timeout.mss", "5"},                      // misspelt key: Kafka only logs a warning
            {"request.timeout.ms", "abc"},
            {"retries", "-1"},
            {"default.api.timeout.ms", "-1"},
    };

    static TreeSet<String> vocabulary() {
        TreeSet<String> v = new TreeSet<>(ProducerConfig.configNames());
        v.addAll(ConsumerConfig.configNames());
        v.addAll(AdminClientConfig.configNames());
        return v;
    }

    @Override public String name() { return "config_validation"; }
    @Override public int brokers() { return 1; }

    @Override public void run(Env env, Out out) {
        TreeSet<String> vocab = vocabulary();
        for (String[] c : PRODUCER_CASES) {
            Properties p = env.producerProps((Object[]) c);
            String result;
            Boolean idempotence = null;
            try {
                KafkaProducer<String, String> producer = new KafkaProducer<>(p);
                producer.close(Duration.ZERO);
                result = "no exception";
                // The value after Kafka's post-processing (a conflicting setting turns an implicit default off).
                idempotence = new ProducerConfig(p).getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
            } catch (Exception e) {
                result = failure(e, vocab);
            }
            out.line("producer " + settings(c) + " -> " + result);
            if (idempotence != null) out.line("producer " + settings(c) + " effective enable.idempotence=" + idempotence);
        }
        for (String[] c : CONSUMER_CASES) {
            String result;
            try {
                new KafkaConsumer<String, String>(env.consumerProps((Object[]) c)).close(Duration.ZERO);
                result = "no exception";
            } catch (Exception e) {
                result = failure(e, vocab);
            }
            out.line("consumer " + settings(c) + " -> " + result);
        }
        for (String[] c : ADMIN_CASES) {
            String result;
            try {
                Admin.create(env.adminProps((Object[]) c)).close(Duration.ZERO);
                result = "no exception";
            } catch (Exception e) {
                result = failure(e, vocab);
            }
            out.line("admin " + settings(c) + " -> " + result);
        }
    }

    static String settings(String[] kv) {
        if (kv.length == 0) return "(base)";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) sb.append(i == 0 ? "" : " ").append(kv[i]).append('=').append(Out.quote(kv[i + 1]));
        return sb.toString();
    }

    static String failure(Exception e, TreeSet<String> vocab) {
        Throwable t = Out.unwrap(e);
        // A wrapping KafkaException ("Failed to construct kafka producer") names no key; its cause does.
        Throwable named = (t.getClass() == org.apache.kafka.common.KafkaException.class && t.getCause() != null) ? t.getCause() : t;
        return Out.exceptionName(t) + " keys=" + Out.keysIn(named.getMessage(), vocab);
    }
}
