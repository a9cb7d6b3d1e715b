package kstreamsim.conformance;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Transactions on one partition: two transactional producers interleaved as in Kafka's FetcherTest
 * (testReadCommittedWithCommittedAndAbortedTransactions): the offset of every data record (markers take the
 * offsets in between), what read_committed and read_uncommitted consumers return and their positions, endOffsets
 * under each isolation level while a transaction is open and after; then a zombie: a producer whose
 * transactional.id is initialised again by a second producer, and the exception classes it gets.
 */
final class TransactionsLayout implements Scenario {
    @Override public String name() { return "transactions_layout"; }
    @Override public int brokers() { return 1; }

    static final TopicPartition TP = new TopicPartition("txn", 0);

    @Override public void run(Env env, Out out) throws Exception {
        env.admin().createTopics(List.of(new NewTopic("txn", 1, (short) 1))).all().get();
        try (KafkaProducer<String, String> p1 = new KafkaProducer<>(env.producerProps("transactional.id", "tx-1", "linger.ms", "0"));
             KafkaProducer<String, String> p2 = new KafkaProducer<>(env.producerProps("transactional.id", "tx-2", "linger.ms", "0"))) {
            p1.initTransactions();
            p2.initTransactions();
            p1.beginTransaction();
            p2.beginTransaction();
            send(out, p1, "commit1-1");
            send(out, p1, "commit1-2");
            send(out, p2, "abort2-1");
            endOffsets(env, out, "two transactions open");
            p1.commitTransaction();
            out.line("p1 committed");
            endOffsets(env, out, "p2's transaction open");
            send(out, p2, "abort2-2");
            p2.abortTransaction();
            out.line("p2 aborted");
            // abortTransaction() returns once the coordinator has decided; its marker reaches the partition later. Wait
            // for it, so that p1's next record lands after it (offset 6) on every run, not only on an idle machine.
            awaitNoOpenTransaction(env);
            p1.beginTransaction();
            p2.beginTransaction();
            send(out, p1, "abort1-1");
            send(out, p2, "commit2-1");
            send(out, p1, "abort1-2");
            p1.abortTransaction();
            out.line("p1 aborted");
            p2.commitTransaction();
            out.line("p2 committed");
            endOffsets(env, out, "all decided");
        }
        for (String isolation : new String[]{"read_committed", "read_uncommitted"}) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(env.consumerProps(
                    "isolation.level", isolation, "auto.offset.reset", "earliest"))) {
                c.assign(List.of(TP));
                StringBuilder line = new StringBuilder(isolation + ":");
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (c.position(TP) < 11 && System.nanoTime() < deadline)
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) line.append(' ').append(r.offset()).append('=').append(r.value());
                out.line(line + " position=" + c.position(TP));
            }
        }
        zombie(env, out);
    }

    private static void send(Out out, KafkaProducer<String, String> p, String value) throws Exception {
        out.line(value + " -> offset " + p.send(new ProducerRecord<>("txn", 0, value, value)).get().offset());
    }

    /**
     * endOffsets under both isolation levels. commitTransaction()/abortTransaction() return before the coordinator
     * has written every marker, so the read_committed end offset (the LSO) is read until it stops moving (it is
     * read again until two reads 200 ms apart agree): the output does not depend on that race.
     */
    private static void endOffsets(Env env, Out out, String when) throws Exception {
        for (String isolation : new String[]{"read_committed", "read_uncommitted"})
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(env.consumerProps("isolation.level", isolation))) {
                out.line("endOffsets " + isolation + " (" + when + ") = " + settledEndOffset(c));
            }
    }

    /** Until the partition has no open transaction: its read_committed end offset (the LSO) equals its log end offset. */
    private static void awaitNoOpenTransaction(Env env) throws Exception {
        try (KafkaConsumer<String, String> committed = new KafkaConsumer<>(env.consumerProps("isolation.level", "read_committed"));
             KafkaConsumer<String, String> uncommitted = new KafkaConsumer<>(env.consumerProps("isolation.level", "read_uncommitted"))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (committed.endOffsets(List.of(TP)).get(TP) < uncommitted.endOffsets(List.of(TP)).get(TP) && System.nanoTime() < deadline)
                Thread.sleep(50);
        }
    }

    private static long settledEndOffset(KafkaConsumer<String, String> c) throws Exception {
        long end = c.endOffsets(List.of(TP)).get(TP);
        for (int i = 0; i < 50; i++) {
            Thread.sleep(200);
            long again = c.endOffsets(List.of(TP)).get(TP);
            if (again == end) break;
            end = again;
        }
        return end;
    }

    private static void zombie(Env env, Out out) throws Exception {
        try (KafkaProducer<String, String> zombie = new KafkaProducer<>(env.producerProps("transactional.id", "tx-z", "linger.ms", "0"))) {
            zombie.initTransactions();
            zombie.beginTransaction();
            zombie.send(new ProducerRecord<>("txn", 0, "z", "zombie-1")).get();
            try (KafkaProducer<String, String> successor = new KafkaProducer<>(env.producerProps("transactional.id", "tx-z", "linger.ms", "0"))) {
                successor.initTransactions();
                out.line("successor initialised: the zombie's open transaction is aborted");
                out.line("zombie send -> " + outcome(() -> zombie.send(new ProducerRecord<>("txn", 0, "z", "zombie-2")).get()));
                out.line("zombie commitTransaction -> " + outcome(zombie::commitTransaction));
                successor.beginTransaction();
                successor.send(new ProducerRecord<>("txn", 0, "z", "successor")).get();
                successor.commitTransaction();
            }
        }
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(env.consumerProps("isolation.level", "read_committed", "auto.offset.reset", "earliest"))) {
            c.assign(List.of(TP));
            c.seek(TP, 11);
            StringBuilder line = new StringBuilder("read_committed after the zombie:");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            long end = settledEndOffset(c);
            while (c.position(TP) < end && System.nanoTime() < deadline)
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) line.append(' ').append(r.offset()).append('=').append(r.value());
            out.line(line + " position=" + c.position(TP));
        }
    }

    interface Call { void run() throws Exception; }

    private static String outcome(Call call) {
        try {
            call.run();
            return "ok";
        } catch (Exception e) {
            Throwable t = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            return t.getClass().getSimpleName();
        }
    }
}
