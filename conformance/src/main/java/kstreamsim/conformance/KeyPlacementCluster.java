package kstreamsim.conformance;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Keyed records produced to topics with 3 and 7 partitions on the real cluster, one at a time (send().get()),
 * printing "topic-partition@offset" for each record in send order.
 */
final class KeyPlacementCluster implements Scenario {
    static final String[] KEYS = {"", "a", "alice", "bob", "key1", "alice", "h\u00e9llo", "\u65e5\u672c", "bob",
            "the quick brown fox jumps over the lazy dog 0123456789", "alice"};
    static final int[] INT_KEYS = {0, 1, -1, 42, Integer.MIN_VALUE, Integer.MAX_VALUE, 42};

    @Override public String name() { return "key_placement_cluster"; }
    @Override public int brokers() { return 1; }

    @Override public void run(Env env, Out out) throws Exception {
        env.createTopic("kp3", 3, null);
        env.createTopic("kp7", 7, null);
        env.createTopic("kpi5", 5, null);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(env.producerProps())) {
            for (String topic : new String[]{"kp3", "kp7"})
                for (int i = 0; i < KEYS.length; i++) {
                    RecordMetadata md = p.send(new ProducerRecord<>(topic, KEYS[i], "v" + i)).get();
                    out.line("send " + topic + " string:" + Out.quote(KEYS[i]) + " -> " + at(md));
                }
        }
        try (KafkaProducer<Integer, String> p = new KafkaProducer<>(env.producerProps(),
                new IntegerSerializer(), new StringSerializer())) {
            for (int i = 0; i < INT_KEYS.length; i++) {
                RecordMetadata md = p.send(new ProducerRecord<>("kpi5", INT_KEYS[i], "v" + i)).get();
                out.line("send kpi5 int:" + INT_KEYS[i] + " -> " + at(md));
            }
        }
    }

    static String at(RecordMetadata md) { return md.topic() + "-" + md.partition() + "@" + md.offset(); }
}
