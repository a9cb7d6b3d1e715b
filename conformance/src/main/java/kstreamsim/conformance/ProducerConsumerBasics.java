package kstreamsim.conformance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Producer and consumer basics on the real cluster. Timestamps are printed relative to B, the wall clock at the
 * start of the scenario ("B-60000"); a timestamp set by the broker or the producer's clock is printed only as
 * facts about it (equal to another one, inside the send window).
 */
final class ProducerConsumerBasics implements Scenario {
    private long base;

    @Override public String name() { return "producer_consumer_basics"; }
    @Override public int brokers() { return 1; }

    private String rel(long ts) {
        if (ts == -1) return "-1";
        long d = ts - base;
        return d == 0 ? "B" : (d > 0 ? "B+" + d : "B" + d);
    }

    @Override public void run(Env env, Out out) throws Exception {
        base = System.currentTimeMillis();
        keyedBatch(env, out);
        timestamps(env, out);
        listOffsets(env, out);
        seekAndPosition(env, out);
        maxPollRecords(env, out);
        commits(env, out);
        subscribe(env, out);
        autoOffsetReset(env, out);
    }

    // --- A. offsets per partition after a keyed batch (async sends, then flush)
    private void keyedBatch(Env env, Out out) throws Exception {
        env.createTopic("pcb", 3, null);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(env.producerProps())) {
            List<Future<RecordMetadata>> fs = new ArrayList<>();
            for (int i = 0; i < 12; i++) fs.add(p.send(new ProducerRecord<>("pcb", "k" + i, "value-" + i)));
            p.flush();
            for (int i = 0; i < 12; i++) {
                RecordMetadata md = fs.get(i).get();
                out.line("batch send key=k" + i + " -> " + KeyPlacementCluster.at(md)
                        + " serializedKeySize=" + md.serializedKeySize() + " serializedValueSize=" + md.serializedValueSize());
            }
            RecordMetadata md = p.send(new ProducerRecord<>("pcb", 0, null, "no-key")).get();
            out.line("send key=null partition=0 -> " + KeyPlacementCluster.at(md)
                    + " serializedKeySize=" + md.serializedKeySize() + " serializedValueSize=" + md.serializedValueSize());
            md = p.send(new ProducerRecord<>("pcb", 2, "k0", null)).get();
            out.line("send key=k0 value=null partition=2 -> " + KeyPlacementCluster.at(md)
                    + " serializedKeySize=" + md.serializedKeySize() + " serializedValueSize=" + md.serializedValueSize());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = env.admin().listOffsets(Map.of(
                new TopicPartition("pcb", 0), OffsetSpec.latest(),
                new TopicPartition("pcb", 1), OffsetSpec.latest(),
                new TopicPartition("pcb", 2), OffsetSpec.latest())).all().get();
        for (int p = 0; p < 3; p++) out.line("endOffset pcb-" + p + "=" + end.get(new TopicPartition("pcb", p)).offset());
    }

    // --- B. CreateTime vs LogAppendTime
    private void timestamps(Env env, Out out) throws Exception {
        env.createTopic("ts_create", 1, null);
        env.createTopic("ts_append", 1, Map.of("message.timestamp.type", "LogAppendTime"));
        long explicit = base - 60000;
        try (KafkaProducer<String, String> p = new KafkaProducer<>(env.producerProps())) {
            for (String topic : new String[]{"ts_create", "ts_append"}) {
                long before = System.currentTimeMillis();
                RecordMetadata md = p.send(new ProducerRecord<>(topic, 0, explicit, "k", "explicit")).get();
                long after = System.currentTimeMillis();
                out.line(topic + " send timestamp=" + rel(explicit) + " -> metadata.timestamp equals explicit: " + (md.timestamp() == explicit));
                out.line(topic + " send timestamp=" + rel(explicit) + " -> metadata.timestamp inside send window: "
                        + (md.timestamp() >= before && md.timestamp() <= after));
                before = System.currentTimeMillis();
                md = p.send(new ProducerRecord<>(topic, 0, null, "k", "implicit")).get();
                after = System.currentTimeMillis();
                out.line(topic + " send timestamp=null -> metadata.timestamp inside send window: "
                        + (md.timestamp() >= before && md.timestamp() <= after));
            }
            // Far past, then 2 h ahead (past message.timestamp.after.max.ms, 1 h by default since Kafka 4.0).
            for (long ts : new long[]{base - 10L * 365 * 24 * 3600 * 1000, base + 2 * 3600 * 1000L}) {
                try {
                    RecordMetadata md = p.send(new ProducerRecord<>("ts_create", 0, ts, "k", "t")).get();
                    out.line("ts_create send timestamp=" + rel(ts) + " -> " + KeyPlacementCluster.at(md));
                } catch (Exception e) {
                    out.line("ts_create send timestamp=" + rel(ts) + " -> " + Out.exceptionName(e));
                }
            }
            try {
                p.send(new ProducerRecord<>("ts_create", 0, -5L, "k", "negative"));
                out.line("ts_create send timestamp=-5 -> no exception");
            } catch (Exception e) {
                out.line("ts_create send timestamp=-5 -> " + Out.exceptionName(e));
            }
        }
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(env.consumerProps("auto.offset.reset", "earliest"))) {
            for (String topic : new String[]{"ts_create", "ts_append"}) {
                TopicPartition tp = new TopicPartition(topic, 0);
                c.assign(List.of(tp));
                c.seekToBeginning(List.of(tp));
                List<ConsumerRecord<String, String>> rs = pollUntil(c, 2);
                ConsumerRecord<String, String> r = rs.get(0);
                out.line(topic + " consumed offset=0 timestampType=" + r.timestampType().name);
                out.line(topic + " consumed offset=0 timestamp equals explicit: " + (r.timestamp() == explicit));
                if (r.timestamp() == explicit) out.line(topic + " consumed offset=0 timestamp=" + rel(r.timestamp()));
                out.line(topic + " consumed offset=1 timestampType=" + rs.get(1).timestampType().name);
            }
        }
    }

    // --- C. listOffsets earliest / latest / by timestamp
    private void listOffsets(Env env, Out out) throws Exception {
        env.createTopic("lo", 1, null);
        long[] ts = {base - 5000, base - 3000, base - 4000, base - 1000, base - 2000};
        try (KafkaProducer<String, String> p = new KafkaProducer<>(env.producerProps())) {
            for (int i = 0; i < ts.length; i++) {
                RecordMetadata md = p.send(new ProducerRecord<>("lo", 0, ts[i], "k" + i, "v" + i)).get();
                out.line("lo send timestamp=" + rel(ts[i]) + " -> " + KeyPlacementCluster.at(md));
            }
        }
        TopicPartition tp = new TopicPartition("lo", 0);
        Object[][] specs = {
                {"earliest", OffsetSpec.earliest()}, {"latest", OffsetSpec.latest()},
                {"forTimestamp(" + rel(base - 6000) + ")", OffsetSpec.forTimestamp(base - 6000)},
                {"forTimestamp(" + rel(base - 5000) + ")", OffsetSpec.forTimestamp(base - 5000)},
                {"forTimestamp(" + rel(base - 4000) + ")", OffsetSpec.forTimestamp(base - 4000)},
                {"forTimestamp(" + rel(base - 3500) + ")", OffsetSpec.forTimestamp(base - 3500)},
                {"forTimestamp(" + rel(base - 1000) + ")", OffsetSpec.forTimestamp(base - 1000)},
                {"forTimestamp(" + rel(base) + ")", OffsetSpec.forTimestamp(base)},
        };
        for (Object[] s : specs) {
            ListOffsetsResult.ListOffsetsResultInfo info = env.admin().listOffsets(Map.of(tp, (OffsetSpec) s[1])).all().get().get(tp);
            out.line("listOffsets lo-0 " + s[0] + " -> offset=" + info.offset() + " timestamp=" + rel(info.timestamp()));
        }
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(env.consumerProps())) {
            out.line("consumer beginningOffsets lo-0=" + c.beginningOffsets(List.of(tp)).get(tp));
            out.line("consumer endOffsets lo-0=" + c.endOffsets(List.of(tp)).get(tp));
            for (long t : new long[]{base - 4000, base}) {
                OffsetAndTimestamp oat = c.offsetsForTimes(Map.of(tp, t)).get(tp);
                out.line("consumer offsetsForTimes lo-0 " + rel(t) + " -> "
                        + (oat == null ? "null" : "offset=" + oat.offset() + " timestamp=" + rel(oat.timestamp())));
            }
        }
    }

    // --- D. seek / position (no group)
    private void seekAndPosition(Env env, Out out) throws Exception {
        TopicPartition tp = new TopicPartition("lo", 0);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(env.consumerProps("auto.offset.reset", "earliest"))) {
            c.assign(List.of(tp));
            out.line("assign lo-0 position=" + c.position(tp));
            c.seek(tp, 3);
            out.line("seek 3 position=" + c.position(tp));
            out.line("poll after seek 3 -> " + offsets(pollUntil(c, 2)));
            out.line("position after poll=" + c.position(tp));
            c.seekToBeginning(List.of(tp));
            out.line("seekToBeginning position=" + c.position(tp));
            c.seekToEnd(List.of(tp));
            out.line("seekToEnd position=" + c.position(tp));
            c.seek(tp, 10);
            out.line("seek 10 position=" + c.position(tp));
            out.line("poll after seek 10 (out of range, reset earliest) -> " + offsets(pollUntil(c, 5)));
            try {
                c.commitSync();
                out.line("commitSync without group.id -> no exception");
            } catch (Exception e) {
                out.line("commitSync without group.id -> " + Out.exceptionName(e));
            }
        }
    }

    // --- E. max.poll.records
    private void maxPollRecords(Env env, Out out) throws Exception {
        TopicPartition tp = new TopicPartition("lo", 0);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(env.consumerProps(
                "auto.offset.reset", "earliest", "max.poll.records", "2"))) {
            c.assign(List.of(tp));
            List<Integer> sizes = new ArrayList<>();
            int total = 0;
            long deadline = System.currentTimeMillis() + 20000;
            while (total < 5 && System.currentTimeMillis() < deadline) {
                int n = c.poll(Duration.ofMillis(200)).count();
                if (n > 0) { sizes.add(n); total += n; }
            }
            out.line("max.poll.records=2 non-empty poll sizes=" + join(sizes));
        }
    }

    // --- F. committed after commitSync (assign + group.id)
    private void commits(Env env, Out out) throws Exception {
        TopicPartition tp = new TopicPartition("lo", 0);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(env.consumerProps(
                "group.id", "pcb-g1", "auto.offset.reset", "earliest", "enable.auto.commit", "false"))) {
            c.assign(List.of(tp));
            out.line("group pcb-g1 committed before=" + committed(c, tp));
            pollUntil(c, 5);
            c.commitSync();
            out.line("group pcb-g1 committed after poll+commitSync()=" + committed(c, tp));
            c.commitSync(Map.of(tp, new OffsetAndMetadata(2, "meta")));
            OffsetAndMetadata om = c.committed(Set.of(tp)).get(tp);
            out.line("group pcb-g1 committed after commitSync(2)=" + om.offset() + " metadata=" + om.metadata());
            out.line("group pcb-g1 position after commitSync(2)=" + c.position(tp));
        }
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(env.consumerProps(
                "group.id", "pcb-g1", "auto.offset.reset", "earliest"))) {
            c.assign(List.of(tp));
            out.line("group pcb-g1 new consumer position=" + c.position(tp));
        }
    }

    // --- G. subscribe (one-member group)
    private void subscribe(Env env, Out out) throws Exception {
        TopicPartition tp = new TopicPartition("lo", 0);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(env.consumerProps(
                "group.id", "pcb-g2", "auto.offset.reset", "earliest", "enable.auto.commit", "false"))) {
            c.subscribe(List.of("lo"));
            out.line("subscribe lo subscription=" + c.subscription());
            out.line("subscribe lo poll -> " + offsets(pollUntil(c, 5)));
            out.line("subscribe lo assignment=" + c.assignment());
            c.commitSync();
            out.line("subscribe lo committed after commitSync()=" + committed(c, tp));
        }
    }

    // --- H. auto.offset.reset for a group without committed offsets
    private void autoOffsetReset(Env env, Out out) throws Exception {
        TopicPartition tp = new TopicPartition("lo", 0);
        for (String reset : new String[]{"earliest", "latest", "none"}) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(env.consumerProps(
                    "group.id", "pcb-reset-" + reset, "auto.offset.reset", reset))) {
                c.assign(List.of(tp));
                try {
                    out.line("auto.offset.reset=" + reset + " position=" + c.position(tp));
                } catch (Exception e) {
                    out.line("auto.offset.reset=" + reset + " position -> " + Out.exceptionName(e));
                }
                try {
                    out.line("auto.offset.reset=" + reset + " poll -> " + offsets(pollAtMost(c, 5, 1500)));
                } catch (Exception e) {
                    out.line("auto.offset.reset=" + reset + " poll -> " + Out.exceptionName(e));
                }
            }
        }
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(env.consumerProps(
                "group.id", "pcb-g1", "auto.offset.reset", "none"))) {
            c.assign(List.of(tp));
            out.line("auto.offset.reset=none group with committed offset position=" + c.position(tp));
        }
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(env.consumerProps("auto.offset.reset", "none"))) {
            c.assign(List.of(tp));
            try {
                out.line("auto.offset.reset=none no group position=" + c.position(tp));
            } catch (Exception e) {
                out.line("auto.offset.reset=none no group position -> " + Out.exceptionName(e));
            }
        }
    }

    // --- helpers
    static String committed(KafkaConsumer<?, ?> c, TopicPartition tp) {
        OffsetAndMetadata om = c.committed(Set.of(tp)).get(tp);
        return om == null ? "null" : String.valueOf(om.offset());
    }

    static List<ConsumerRecord<String, String>> pollUntil(KafkaConsumer<String, String> c, int n) {
        List<ConsumerRecord<String, String>> got = pollAtMost(c, n, 20000);
        if (got.size() < n) throw new IllegalStateException("expected " + n + " records, got " + got.size());
        return got;
    }

    static List<ConsumerRecord<String, String>> pollAtMost(KafkaConsumer<String, String> c, int n, long ms) {
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        long deadline = System.currentTimeMillis() + ms;
        while (got.size() < n && System.currentTimeMillis() < deadline) {
            ConsumerRecords<String, String> rs = c.poll(Duration.ofMillis(100));
            for (ConsumerRecord<String, String> r : rs) got.add(r);
        }
        return got;
    }

    static String offsets(List<ConsumerRecord<String, String>> rs) {
        if (rs.isEmpty()) return "no records";
        StringBuilder sb = new StringBuilder("offsets=");
        for (int i = 0; i < rs.size(); i++) sb.append(i == 0 ? "" : ",").append(rs.get(i).offset());
        sb.append(" values=");
        for (int i = 0; i < rs.size(); i++) sb.append(i == 0 ? "" : ",").append(rs.get(i).value());
        return sb.toString();
    }

    static String join(List<?> xs) {
        StringBuilder sb = new StringBuilder();
        for (Object x : xs) sb.append(sb.length() == 0 ? "" : ",").append(x);
        return sb.toString();
    }
}
