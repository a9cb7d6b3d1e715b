package kstreamsim.conformance;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.consumer.StickyAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Kafka's four client-side assignors called directly (ConsumerPartitionAssignor.assign(Cluster, GroupSubscription),
 * no broker), as a group leader calls them. Each case is a sequence of rounds; every assignor runs every round on
 * its own copy of the group, feeding each member its previous assignment from that assignor (sticky: through
 * onAssignment + subscriptionUserData, as the consumer does; cooperative-sticky: as owned partitions sorted by
 * topic and partition, as ConsumerProtocol sends them) with the previous round's number as generation.
 * The subscriptions map is a HashMap filled in the listed member order, as ConsumerCoordinator fills it.
 * Output: "<case> r<round> <assignor> <member> -> [topic-partition, ...]" in the assignor's list order, or
 * "<case> r<round> <assignor> -> <exception>" when Kafka's assignor throws (the members then keep what they had).
 */
final class Assignors implements Scenario {
    static final String[] ASSIGNORS = {"range", "roundrobin", "sticky", "cooperative-sticky"};

    @Override public String name() { return "assignors"; }
    @Override public int brokers() { return 0; }

    record M(String id, String instance, List<String> topics) {}

    /** One assignor's view of one group across rounds. */
    static final class State {
        final Map<String, List<TopicPartition>> last = new HashMap<>();
        final Map<String, Integer> lastGeneration = new HashMap<>();
    }

    static M m(String id, String... topics) { return new M(id, null, List.of(topics)); }
    static M s(String id, String instance, String... topics) { return new M(id, instance, List.of(topics)); }

    static Map<String, Integer> topics(Object... nameCount) {
        Map<String, Integer> t = new LinkedHashMap<>();
        for (int i = 0; i < nameCount.length; i += 2) t.put((String) nameCount[i], (Integer) nameCount[i + 1]);
        return t;
    }

    @Override public void run(Env env, Out out) {
        // Range and RoundRobin javadoc: two members, two topics of three partitions.
        runCase(out, "javadoc", topics("t0", 3, "t1", 3), List.of(List.of(m("C0", "t0", "t1"), m("C1", "t0", "t1"))));
        // RoundRobin javadoc, unequal subscriptions.
        runCase(out, "unequal", topics("t0", 1, "t1", 2, "t2", 3),
                List.of(List.of(m("C0", "t0"), m("C1", "t0", "t1"), m("C2", "t0", "t1", "t2"))));
        // RangeAssignorTest/RoundRobinAssignorTest testMultipleConsumersMixedTopics.
        runCase(out, "mixed", topics("topic1", 3, "topic2", 2),
                List.of(List.of(m("consumer1", "topic1"), m("consumer2", "topic1", "topic2"), m("consumer3", "topic1"))));
        // Static members sort by group.instance.id, before dynamic members.
        runCase(out, "static", topics("t1", 3, "t2", 3),
                List.of(List.of(s("consumer-b", "instance1", "t1", "t2"), s("consumer-a", "instance2", "t1", "t2"),
                                m("consumer-0", "t1", "t2"))));
        // StickyAssignor javadoc: C1 leaves; then a follow-up round (cooperative: the withheld partitions).
        List<M> three = List.of(m("C0", "t0", "t1", "t2", "t3"), m("C1", "t0", "t1", "t2", "t3"), m("C2", "t0", "t1", "t2", "t3"));
        List<M> two = List.of(three.get(0), three.get(2));
        runCase(out, "sticky_leave", topics("t0", 2, "t1", 2, "t2", 2, "t3", 2), List.of(three, two, two));
        // Scale out 1 -> 3 -> 2 on one subscription, with follow-up rounds.
        String[] all = {"orders", "payments", "audit"};
        M a = m("consumer-app-1-3f2a9c", all), b = m("consumer-app-2-81d0e4", all), c = m("consumer-app-3-c47b15", all);
        runCase(out, "scale", topics("orders", 7, "payments", 3, "audit", 1),
                List.of(List.of(a), List.of(a, b, c), List.of(a, b, c), List.of(a, c), List.of(a, c)));
        // Uneven topics, several topics, mixed subscriptions, joins and leaves (sticky's general algorithm).
        M m1 = m("consumer-shop-1-0a1b2c", "orders", "clicks");
        M m2 = m("consumer-shop-2-9f8e7d", "orders", "payments", "audit");
        M m3 = m("consumer-shop-3-5c5c5c", "clicks", "payments");
        M m4 = m("consumer-shop-4-e1e2e3", "orders", "payments", "audit", "clicks");
        M m5 = s("consumer-shop-5-777aaa", "shop-static-1", "orders", "audit");
        runCase(out, "churn", topics("orders", 7, "payments", 3, "audit", 1, "clicks", 5),
                List.of(List.of(m1, m2, m3), List.of(m1, m2, m3, m4), List.of(m1, m3, m4), List.of(m3, m4, m5),
                        List.of(m3, m4, m5)));
        generated(out);
    }

    /** Deterministic pseudo-random rounds (the C++ twin draws the same numbers). */
    static long x = 20260101L;
    static int next(int n) {
        x = x * 6364136223846793005L + 1442695040888963407L;
        return (int) ((x >>> 33) % n);
    }

    static void generated(Out out) {
        String[] names = {"events", "users", "metrics", "logs", "txn"};
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (String n : names) topics.put(n, 1 + next(12));
        String[] ids = {"consumer-gen-1-a91f", "consumer-gen-2-03bc", "consumer-gen-3-77e0", "consumer-gen-4-5d12",
                        "consumer-gen-5-c0de", "consumer-gen-6-beef", "consumer-gen-7-f00d"};
        String[] instances = {null, "gen-static-b", null, null, "gen-static-a", null, null};
        List<List<M>> rounds = new ArrayList<>();
        for (int r = 0; r < 10; r++) {
            boolean equal = next(3) == 0;
            List<M> members = new ArrayList<>();
            for (int i = 0; i < ids.length; i++) {
                if (next(7) >= 5) continue;
                List<String> subscribed = new ArrayList<>();
                for (String n : names) if (equal || next(2) == 0) subscribed.add(n);
                if (subscribed.isEmpty()) subscribed.add(names[next(names.length)]);
                members.add(new M(ids[i], instances[i], subscribed));
            }
            if (members.isEmpty()) members.add(new M(ids[r % ids.length], instances[r % ids.length], List.of(names)));
            rounds.add(members);
        }
        StringBuilder sb = new StringBuilder("generated topics");
        topics.forEach((t, n) -> sb.append(' ').append(t).append('=').append(n));
        out.line(sb.toString());
        runCase(out, "generated", topics, rounds);
    }

    static void runCase(Out out, String label, Map<String, Integer> topics, List<List<M>> rounds) {
        Node node = new Node(0, "localhost", 9092);
        List<PartitionInfo> partitions = new ArrayList<>();
        topics.forEach((t, n) -> {
            for (int p = 0; p < n; p++) partitions.add(new PartitionInfo(t, p, node, new Node[]{node}, new Node[]{node}));
        });
        Cluster cluster = new Cluster("conformance", List.of(node), partitions, new HashSet<>(), new HashSet<>());
        for (String assignor : ASSIGNORS) {
            State state = new State();
            for (int r = 0; r < rounds.size(); r++) {
                int round = r + 1;
                Map<String, Subscription> subscriptions = new HashMap<>();
                for (M m : rounds.get(r)) subscriptions.put(m.id(), subscription(assignor, m, state));
                ConsumerPartitionAssignor.GroupAssignment result;
                try {
                    result = newAssignor(assignor).assign(cluster, new GroupSubscription(subscriptions));
                } catch (RuntimeException e) {  // the leader's assignment fails; the members keep what they had
                    out.line(label + " r" + round + " " + assignor + " -> " + Out.exceptionName(e));
                    continue;
                }
                for (M m : rounds.get(r)) {
                    List<TopicPartition> got = result.groupAssignment().get(m.id()).partitions();
                    out.line(label + " r" + round + " " + assignor + " " + m.id() + " -> " + got);
                    state.last.put(m.id(), new ArrayList<>(got));
                    state.lastGeneration.put(m.id(), round);
                }
            }
        }
    }

    static Subscription subscription(String assignor, M m, State state) {
        List<TopicPartition> owned = state.last.getOrDefault(m.id(), List.of());
        int generation = state.lastGeneration.getOrDefault(m.id(), -1);
        Subscription s;
        if (assignor.equals("sticky")) {
            ByteBuffer userData = null;
            if (generation >= 0) {
                StickyAssignor member = new StickyAssignor();
                member.onAssignment(new Assignment(owned),
                        new ConsumerGroupMetadata("group", generation, m.id(), Optional.ofNullable(m.instance())));
                userData = member.subscriptionUserData(new HashSet<>(m.topics()));
            }
            s = new Subscription(m.topics(), userData, List.of(), generation, Optional.empty());
        } else if (assignor.equals("cooperative-sticky")) {
            List<TopicPartition> sorted = new ArrayList<>(owned);
            sorted.sort(Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition));
            s = new Subscription(m.topics(), null, sorted, generation, Optional.empty());
        } else {
            s = new Subscription(m.topics());
        }
        s.setGroupInstanceId(Optional.ofNullable(m.instance()));
        return s;
    }

    static ConsumerPartitionAssignor newAssignor(String name) {
        switch (name) {
            case "range": return new RangeAssignor();
            case "roundrobin": return new RoundRobinAssignor();
            case "sticky": return new StickyAssignor();
            default: return new CooperativeStickyAssignor();
        }
    }
}
