package kstreamsim.conformance;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.serialization.StringSerializer;

/** What a scenario gets: the shared cluster's loopback bootstrap servers and client-config helpers. */
final class Env {
    private final String bootstrap;
    private final KafkaClusterTestKit kit;
    private Admin admin;

    Env(String bootstrap) { this(bootstrap, null); }
    Env(String bootstrap, KafkaClusterTestKit kit) { this.bootstrap = bootstrap; this.kit = kit; }

    /** Stops a broker of the shared cluster (BrokerServer.shutdown: a controlled shutdown). */
    void stopBroker(int id) { kit.brokers().get(id).shutdown(); }
    /** Starts a stopped broker again. */
    void startBroker(int id) { kit.brokers().get(id).startup(); }

    boolean hasCluster() { return bootstrap != null; }

    String bootstrap() {
        if (bootstrap == null) throw new IllegalStateException("scenario declared brokers()=0 but asked for the cluster");
        return bootstrap;
    }

    /** Producer config: String/String, the test kit's bootstrap servers, plus overrides. */
    Properties producerProps(Object... kv) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return put(p, kv);
    }

    /** Consumer config: String/String, the test kit's bootstrap servers, plus overrides (no group.id unless given). */
    Properties consumerProps(Object... kv) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return put(p, kv);
    }

    Properties adminProps(Object... kv) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        return put(p, kv);
    }

    static Properties put(Properties p, Object... kv) {
        for (int i = 0; i < kv.length; i += 2) p.put(kv[i], kv[i + 1]);
        return p;
    }

    Admin admin() {
        if (admin == null) admin = Admin.create(adminProps());
        return admin;
    }

    /** Creates a topic (replication factor 1) and waits until every broker's metadata knows all its partitions. */
    void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
        NewTopic t = new NewTopic(name, partitions, (short) 1);
        if (configs != null) t.configs(configs);
        admin().createTopics(List.of(t)).all().get();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                var d = admin().describeTopics(Set.of(name)).allTopicNames().get().get(name);
                if (d.partitions().size() == partitions && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()))
                    return;
            } catch (Exception e) {
                // not visible yet
            }
            if (System.nanoTime() > deadline) throw new IllegalStateException("topic " + name + " not ready");
            Thread.sleep(20);
        }
    }

    void close() {
        if (admin != null) admin.close(Duration.ofSeconds(5));
    }
}
