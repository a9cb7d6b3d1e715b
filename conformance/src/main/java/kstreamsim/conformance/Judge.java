package kstreamsim.conformance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * The real-Kafka judge. Usage: Judge [--out DIR] [--list] [--config-names] [--probe-cluster N] [SCENARIO...]   (no scenario = all)
 * Writes DIR/<scenario>.txt (default DIR: expected). Starts one in-process KRaft cluster on loopback
 * (Kafka's KafkaClusterTestKit, combined broker+controller nodes) the first time a scenario needs it,
 * and reuses it for every later scenario that needs the same number of brokers.
 */
public final class Judge {
    static final List<Scenario> ALL = List.of(
            new KeyPlacement(),
            new SerdeBytes(),
            new RecordBytes(),
            new Assignors(),
            new StreamsDescribe(),
            new StreamsWordCount(),
            new StreamsStatelessOps(),
            new StreamsKtableTombstones(),
            new StreamsPunctuate(),
            new StreamsCogroup(),
            new StreamsTimestamps(),
            new StreamsCaching(),
            new KeyPlacementCluster(),
            new ProducerConsumerBasics(),
            new ConfigValidation(),
            new AdminErrors(),
            new ConsumerGroups(),
            new TransactionsLayout(),
            new ReplicationFailover());

    private static KafkaClusterTestKit cluster;
    private static int clusterBrokers;
    private static Env clusterEnv;

    public static void main(String[] args) throws Exception {
        Path outDir = Path.of("expected");
        List<String> wanted = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out")) outDir = Path.of(args[++i]);
            else if (args[i].equals("--list")) { for (Scenario s : ALL) System.out.println(s.name()); return; }
            // The producer/consumer/admin config names of this Kafka version, one a line: the vocabulary
            // config_validation uses to find the keys an exception message names (its C++ twin has a copy).
            else if (args[i].equals("--config-names")) { ConfigValidation.vocabulary().forEach(System.out::println); return; }
            // Diagnostics: start a cluster of N brokers, print what the admin client sees, stop.
            else if (args[i].equals("--probe-cluster")) {
                int n = Integer.parseInt(args[++i]);
                try {
                    Env env = clusterWith(n);
                    var nodes = env.admin().describeCluster().nodes().get();
                    System.out.println("brokers=" + nodes.size() + " bootstrap=" + env.bootstrap());
                } finally {
                    stopCluster();
                }
                return;
            }
            else wanted.add(args[i]);
        }
        Map<String, Scenario> byName = new LinkedHashMap<>();
        for (Scenario s : ALL) byName.put(s.name(), s);
        List<Scenario> run = new ArrayList<>();
        if (wanted.isEmpty()) run.addAll(ALL);
        else for (String w : wanted) {
            Scenario s = byName.get(w);
            if (s == null) { System.err.println("unknown scenario: " + w + " (known: " + byName.keySet() + ")"); System.exit(2); }
            run.add(s);
        }
        Files.createDirectories(outDir);
        long t0 = System.nanoTime();
        int failed = 0;
        try {
            for (Scenario s : run) {
                long ts = System.nanoTime();
                Env env = s.brokers() == 0 ? new Env(null) : clusterWith(s.brokers());
                Out out = new Out();
                try {
                    s.run(env, out);
                } catch (Throwable e) {
                    failed++;
                    System.err.println("judge: scenario " + s.name() + " FAILED:");
                    e.printStackTrace();
                    continue;
                }
                Files.write(outDir.resolve(s.name() + ".txt"), out.text().getBytes(StandardCharsets.US_ASCII));
                System.err.printf("judge: %-28s %6d ms%n", s.name(), (System.nanoTime() - ts) / 1_000_000);
            }
        } finally {
            stopCluster();
        }
        System.err.printf("judge: total %d ms (JVM start not included)%n", (System.nanoTime() - t0) / 1_000_000);
        System.exit(failed == 0 ? 0 : 1);
    }

    /** The shared cluster with `brokers` brokers; starts it (or replaces one of another size). */
    private static Env clusterWith(int brokers) throws Exception {
        if (cluster != null && clusterBrokers == brokers) return clusterEnv;
        stopCluster();
        long t = System.nanoTime();
        Exception last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            KafkaClusterTestKit kit = null;
            try {
                kit = buildCluster(brokers);
                kit.format();
                kit.startup();
                kit.waitForReadyBrokers();
                cluster = kit;
                clusterBrokers = brokers;
                clusterEnv = new Env(kit.bootstrapServers(), kit);
                System.err.printf("judge: KRaft cluster with %d broker(s) up in %d ms (attempt %d)%n",
                        brokers, (System.nanoTime() - t) / 1_000_000, attempt);
                return clusterEnv;
            } catch (Exception e) {
                last = e;
                System.err.println("judge: cluster start attempt " + attempt + " failed: " + e);
                if (kit != null) try { kit.close(); } catch (Exception ignored) { }
                Thread.sleep(1000L * attempt);
            }
        }
        throw last;
    }

    private static KafkaClusterTestKit buildCluster(int brokers) throws Exception {
        int rf = Math.min(3, brokers);
        // What `kafka-storage.sh format` does by default: the latest *production* metadata.version and each
        // production feature at its default level for it (the test kit's own default is the latest testing
        // version, which enables unreleased features).
        MetadataVersion mv = MetadataVersion.latestProduction();
        Map<String, Short> features = new TreeMap<>();
        for (Feature f : Feature.PRODUCTION_FEATURES)
            if (f != Feature.KRAFT_VERSION) features.put(f.featureName(), f.defaultLevel(mv));  // the kit sets up the quorum itself
        System.err.println("judge: metadata.version " + mv + ", features " + features);
        TestKitNodes nodes = new TestKitNodes.Builder(BootstrapMetadata.fromVersions(mv, features, "judge"))
                .setCombined(true)            // each node is broker + KRaft controller (like a quickstart server)
                .setNumBrokerNodes(brokers)
                .setNumControllerNodes(1)
                .build();
        return new KafkaClusterTestKit.Builder(nodes)
                // As Kafka's shipped config/server.properties: no delay before the first group rebalance.
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                // Internal topics must fit on a small cluster (defaults need 3 brokers).
                .setConfigProp("offsets.topic.replication.factor", String.valueOf(rf))
                .setConfigProp("transaction.state.log.replication.factor", String.valueOf(rf))
                .setConfigProp("transaction.state.log.min.isr", String.valueOf(Math.min(2, rf)))
                .setConfigProp("share.coordinator.state.topic.replication.factor", String.valueOf(rf))
                .setConfigProp("share.coordinator.state.topic.min.isr", String.valueOf(Math.min(2, rf)))
                .setDeleteOnClose(true)
                .build();
    }

    private static void stopCluster() {
        if (clusterEnv != null) clusterEnv.close();
        if (cluster != null) {
            try { cluster.close(); } catch (Exception e) { System.err.println("judge: cluster close: " + e); }
        }
        cluster = null;
        clusterEnv = null;
    }
}
