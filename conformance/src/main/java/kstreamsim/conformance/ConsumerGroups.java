package kstreamsim.conformance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.consumer.StickyAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer groups (classic protocol) on the real cluster: 1, 2, 3 and again 2 consumers of one group, with the
 * default assignors (range, eager) and with cooperative-sticky. After each rebalance has settled (every consumer
 * polled until the group is Stable with every partition owned once, Admin agrees, and each consumer has read its
 * partitions to the end): which partitions each consumer owns and the first offset it read from each since that
 * partition was last assigned to it; committed offsets and lag as Admin reports them; describeConsumerGroups;
 * the protocol vote of members with different partition.assignment.strategy lists; and the errors of the group
 * APIs. Members are printed by client.id (c1, c2, ...), which also orders them: a member id is the client.id + "-" + a UUID.
 */
final class ConsumerGroups implements Scenario {
    @Override public String name() { return "consumer_groups"; }
    @Override public int brokers() { return 1; }

    static final String A = "cg-a", B = "cg-b";  // 4 and 2 partitions
    static final List<TopicPartition> ALL = List.of(new TopicPartition(A, 0), new TopicPartition(A, 1), new TopicPartition(A, 2),
            new TopicPartition(A, 3), new TopicPartition(B, 0), new TopicPartition(B, 1));

    /** A group member: its consumer and the first offset it read from each partition since that partition was assigned. */
    static final class Member implements ConsumerRebalanceListener {
        final String name;
        final KafkaConsumer<String, String> consumer;
        final Map<TopicPartition, Long> firstRead = new HashMap<>();

        Member(Env env, String group, String name, String strategies) { this(env, group, name, strategies, null, null); }

        /** With a pattern: subscribe(pattern) (and the given consumer configs) instead of the topics cg-a, cg-b. */
        Member(Env env, String group, String name, String strategies, Pattern pattern, Object[] extra) {
            this.name = name;
            Object[] kv = strategies == null
                    ? new Object[]{"group.id", group, "client.id", name, "auto.offset.reset", "earliest", "enable.auto.commit", "false",
                                   "heartbeat.interval.ms", "100"}
                    : new Object[]{"group.id", group, "client.id", name, "auto.offset.reset", "earliest", "enable.auto.commit", "false",
                                   "heartbeat.interval.ms", "100", "partition.assignment.strategy", strategies};
            Properties props = env.consumerProps(kv);
            if (extra != null) Env.put(props, extra);
            consumer = new KafkaConsumer<>(props);
            if (pattern != null) consumer.subscribe(pattern, this);
            else consumer.subscribe(List.of(A, B), this);
        }

        void poll() {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(50)))
                firstRead.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.offset());
        }

        @Override public void onPartitionsAssigned(Collection<TopicPartition> ps) { ps.forEach(firstRead::remove); }
        @Override public void onPartitionsRevoked(Collection<TopicPartition> ps) { ps.forEach(firstRead::remove); }
        @Override public void onPartitionsLost(Collection<TopicPartition> ps) { ps.forEach(firstRead::remove); }

        /** "c1=[cg-a-0@1 cg-b-1@-]": owned partitions, each with the first offset read since it was assigned ("-": none). */
        String owned() {
            StringBuilder sb = new StringBuilder(name + "=[");
            for (TopicPartition tp : sorted(consumer.assignment())) {
                if (sb.charAt(sb.length() - 1) != '[') sb.append(' ');
                Long f = firstRead.get(tp);
                sb.append(tp).append('@').append(f == null ? "-" : f.toString());
            }
            return sb.append(']').toString();
        }
    }

    static List<TopicPartition> sorted(Collection<TopicPartition> ps) {
        List<TopicPartition> l = new ArrayList<>(ps);
        l.sort((x, y) -> x.topic().equals(y.topic()) ? Integer.compare(x.partition(), y.partition()) : x.topic().compareTo(y.topic()));
        return l;
    }

    static String list(Collection<TopicPartition> ps) {
        StringBuilder sb = new StringBuilder("[");
        for (TopicPartition tp : sorted(ps)) sb.append(sb.length() > 1 ? " " : "").append(tp);
        return sb.append(']').toString();
    }

    private Map<TopicPartition, Long> ends;

    @Override public void run(Env env, Out out) throws Exception {
        env.createTopic(A, 4, null);
        env.createTopic(B, 2, null);
        // partition p of cg-a gets 3+p records, of cg-b 5+p
        try (KafkaProducer<String, String> p = new KafkaProducer<>(env.producerProps())) {
            for (TopicPartition tp : ALL) {
                int n = (tp.topic().equals(A) ? 3 : 5) + tp.partition();
                for (int i = 0; i < n; i++) p.send(new ProducerRecord<>(tp.topic(), tp.partition(), "k", tp + "/" + i));
            }
            p.flush();
        }
        ends = new TreeMap<>((x, y) -> x.toString().compareTo(y.toString()));
        for (TopicPartition tp : ALL) ends.put(tp, env.admin().listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset());
        StringBuilder e = new StringBuilder("log end offsets:");
        for (TopicPartition tp : ALL) e.append(' ').append(tp).append('=').append(ends.get(tp));
        out.line(e.toString());

        scaleOut(env, out, "cg-eager", null);
        scaleOut(env, out, "cg-coop", CooperativeStickyAssignor.class.getName());
        vote(env, out);
        pattern(env, out);
        adminErrors(env, out);
    }

    /** 1 -> 2 -> 3 members, c3 closes (-> 2), everyone closes; commits, lag, describe and the Admin calls on the way. */
    private void scaleOut(Env env, Out out, String group, String strategy) throws Exception {
        Admin admin = env.admin();
        String label = group + " (" + (strategy == null ? "default strategy" : "cooperative-sticky") + ")";
        out.line("=== " + label);
        List<Member> ms = new ArrayList<>();
        ms.add(new Member(env, group, "c1", strategy));
        settle(admin, group, ms, out, "1 member");
        // c1 commits half of each partition: a new owner starts there
        Map<TopicPartition, OffsetAndMetadata> half = new HashMap<>();
        for (TopicPartition tp : ALL) half.put(tp, new OffsetAndMetadata(ends.get(tp) / 2));
        ms.get(0).consumer.commitSync(half);
        offsets(admin, group, out, "after c1 commits half");
        ms.add(new Member(env, group, "c2", strategy));
        settle(admin, group, ms, out, "2 members");
        ms.add(new Member(env, group, "c3", strategy));
        settle(admin, group, ms, out, "3 members");
        describe(admin, group, out);
        ms.get(2).consumer.commitSync();  // c3 commits what it read: its partitions have no lag
        offsets(admin, group, out, "after c3 commits its positions");
        AdminErrors.call(out, group + " alterConsumerGroupOffsets while active", () -> {
            admin.alterConsumerGroupOffsets(group, Map.of(ALL.get(0), new OffsetAndMetadata(0))).all().get();
            return "ok";
        });
        AdminErrors.call(out, group + " deleteConsumerGroups while active", () -> { admin.deleteConsumerGroups(List.of(group)).all().get(); return "ok"; });
        ms.remove(2).consumer.close();
        settle(admin, group, ms, out, "c3 closed");
        for (Member m : ms) m.consumer.close();
        describe(admin, group, out);
        for (ConsumerGroupListing l : admin.listConsumerGroups().all().get())
            if (l.groupId().equals(group))
                out.line("listConsumerGroups " + group + " state=" + l.groupState().map(Object::toString).orElse("?")
                        + " simple=" + l.isSimpleConsumerGroup());
        AdminErrors.call(out, group + " alterConsumerGroupOffsets when empty: cg-a-0 to 0, cg-b-1 to the end", () -> {
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(A, 0), new OffsetAndMetadata(0),
                    new TopicPartition(B, 1), new OffsetAndMetadata(ends.get(new TopicPartition(B, 1))))).all().get();
            return "ok";
        });
        offsets(admin, group, out, "after alter");
        AdminErrors.call(out, group + " deleteConsumerGroups when empty", () -> { admin.deleteConsumerGroups(List.of(group)).all().get(); return "ok"; });
        AdminErrors.call(out, group + " describeConsumerGroups after delete", () -> describeLine(admin, group));
        offsets(admin, group, out, "after delete");
    }

    /**
     * Every member polls in turn until the rebalance has settled: each partition owned by exactly one member,
     * describeConsumerGroups shows a Stable group of these members with these assignments, and every member
     * has read its partitions to the end. Then prints who owns what.
     */
    private void settle(Admin admin, String group, List<Member> ms, Out out, String what) throws Exception {
        settle(admin, group, ms, out, what, ALL);
    }

    private void settle(Admin admin, String group, List<Member> ms, Out out, String what, List<TopicPartition> expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            for (Member m : ms) m.poll();
            if (settled(admin, group, ms, expected)) break;
            if (System.nanoTime() > deadline) throw new IllegalStateException(group + ": no settled group after 60 s (" + what + ")");
        }
        StringBuilder sb = new StringBuilder(group + " " + what + ":");
        for (Member m : ms) sb.append(' ').append(m.owned());
        out.line(sb.toString());
    }

    private boolean settled(Admin admin, String group, List<Member> ms, List<TopicPartition> expected) throws Exception {
        Set<TopicPartition> seen = new TreeSet<>((x, y) -> x.toString().compareTo(y.toString()));
        for (Member m : ms)
            for (TopicPartition tp : m.consumer.assignment())
                if (!seen.add(tp)) return false;
        if (seen.size() != expected.size() || !seen.containsAll(expected)) return false;
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        if (!d.groupState().toString().equals("Stable") || d.members().size() != ms.size()) return false;
        for (MemberDescription md : d.members()) {
            Member m = ms.stream().filter(x -> x.name.equals(md.clientId())).findFirst().orElse(null);
            if (m == null || !md.assignment().topicPartitions().equals(m.consumer.assignment())) return false;
        }
        for (Member m : ms)
            for (TopicPartition tp : m.consumer.assignment())
                if (m.consumer.position(tp) != ends.getOrDefault(tp, 0L)) return false;
        return true;
    }

    static String describeLine(Admin admin, String group) throws Exception {
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        List<MemberDescription> members = new ArrayList<>(d.members());
        members.sort((x, y) -> x.clientId().compareTo(y.clientId()));
        StringBuilder sb = new StringBuilder("state=" + d.groupState() + " members=" + members.size()
                + " assignor=" + Out.quote(d.partitionAssignor()) + " simple=" + d.isSimpleConsumerGroup());
        for (MemberDescription m : members)
            sb.append(' ').append(m.clientId()).append('=').append(list(m.assignment().topicPartitions()))
              .append(m.consumerId().startsWith(m.clientId() + "-") ? "" : "(member id does not start with the client.id)");
        return sb.toString();
    }

    private static void describe(Admin admin, String group, Out out) throws Exception {
        out.line("describeConsumerGroups " + group + ": " + describeLine(admin, group));
    }

    /** listConsumerGroupOffsets, and lag = log end offset - committed offset (listOffsets latest). */
    private void offsets(Admin admin, String group, Out out, String when) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        StringBuilder sb = new StringBuilder("offsets " + group + " " + when + ":");
        if (committed.isEmpty()) sb.append(" none");
        for (TopicPartition tp : sorted(committed.keySet())) {
            long c = committed.get(tp).offset();
            long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
            sb.append(' ').append(tp).append("=").append(c).append("(lag ").append(end - c).append(')');
        }
        out.line(sb.toString());
    }

    /** The protocol (assignor) a group chooses when its members list different partition.assignment.strategy. */
    private void vote(Env env, Out out) throws Exception {
        Admin admin = env.admin();
        String group = "cg-vote";
        String range = RangeAssignor.class.getName(), rr = RoundRobinAssignor.class.getName();
        out.line("=== " + group + " (c1: range,roundrobin; c2, c3: roundrobin,range; c4: sticky)");
        List<Member> ms = new ArrayList<>();
        ms.add(new Member(env, group, "c1", range + "," + rr));
        ms.add(new Member(env, group, "c2", rr + "," + range));
        settle(admin, group, ms, out, "c1 + c2 (one vote each)");
        describe(admin, group, out);
        ms.add(new Member(env, group, "c3", rr + "," + range));
        settle(admin, group, ms, out, "c1 + c2 + c3 (roundrobin 2 votes)");
        describe(admin, group, out);
        try (KafkaConsumer<String, String> c4 = new KafkaConsumer<>(env.consumerProps("group.id", group, "client.id", "c4",
                "partition.assignment.strategy", StickyAssignor.class.getName()))) {
            c4.subscribe(List.of(A, B));
            AdminErrors.call(out, group + " c4 (sticky only) poll", () -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline) {
                    c4.poll(Duration.ofMillis(100));
                    for (Member m : ms) m.poll();
                }
                return "no error in 30 s";
            });
        }
        describe(admin, group, out);
        for (Member m : ms) m.consumer.close();
        // The same tie with the preferences swapped: the vote, not the leader's preference, decides.
        String tie = "cg-tie";
        out.line("=== " + tie + " (c1: roundrobin,range; c2: range,roundrobin)");
        List<Member> ts = List.of(new Member(env, tie, "c1", rr + "," + range), new Member(env, tie, "c2", range + "," + rr));
        settle(admin, tie, ts, out, "c1 + c2 (one vote each)");
        describe(admin, tie, out);
        for (Member m : ts) m.consumer.close();
    }

    /**
     * subscribe(Pattern) with metadata.max.age.ms=1000: a matching topic created, then one deleted, while two
     * members (range) are in the group; internal topics are not matched (exclude.internal.topics=true).
     */
    private void pattern(Env env, Out out) throws Exception {
        Admin admin = env.admin();
        String group = "cg-pattern";
        Object[] fast = {"metadata.max.age.ms", "1000"};
        out.line("=== " + group + " (subscribe(Pattern cg-p-.*), metadata.max.age.ms=1000)");
        env.createTopic("cg-p-1", 2, null);
        env.createTopic("cg-px", 1, null);  // does not match
        List<Member> ms = List.of(new Member(env, group, "c1", null, Pattern.compile("cg-p-.*"), fast),
                new Member(env, group, "c2", null, Pattern.compile("cg-p-.*"), fast));
        settle(admin, group, ms, out, "cg-p-1 exists", List.of(new TopicPartition("cg-p-1", 0), new TopicPartition("cg-p-1", 1)));
        for (Member m : ms) out.line(group + " " + m.name + " subscription=" + new TreeSet<>(m.consumer.subscription()));
        env.createTopic("cg-p-2", 2, null);
        settle(admin, group, ms, out, "cg-p-2 created", List.of(new TopicPartition("cg-p-1", 0), new TopicPartition("cg-p-1", 1),
                new TopicPartition("cg-p-2", 0), new TopicPartition("cg-p-2", 1)));
        for (Member m : ms) out.line(group + " " + m.name + " subscription=" + new TreeSet<>(m.consumer.subscription()));
        admin.deleteTopics(List.of("cg-p-1")).all().get();
        settle(admin, group, ms, out, "cg-p-1 deleted", List.of(new TopicPartition("cg-p-2", 0), new TopicPartition("cg-p-2", 1)));
        for (Member m : ms) out.line(group + " " + m.name + " subscription=" + new TreeSet<>(m.consumer.subscription()));
        for (Member m : ms) m.consumer.close();

        String internal = "cg-internal";
        Member c = new Member(env, internal, "c1", null, Pattern.compile("__consumer_offsets"), fast);
        settle(admin, internal, List.of(c), out, "pattern __consumer_offsets", List.of());
        out.line(internal + " c1 subscription=" + new TreeSet<>(c.consumer.subscription()));
        c.consumer.close();
    }

    private void adminErrors(Env env, Out out) {
        Admin admin = env.admin();
        out.line("=== errors");
        AdminErrors.call(out, "describeConsumerGroups cg-unknown", () -> describeLine(admin, "cg-unknown"));
        AdminErrors.call(out, "deleteConsumerGroups cg-unknown", () -> { admin.deleteConsumerGroups(List.of("cg-unknown")).all().get(); return "ok"; });
        AdminErrors.call(out, "listConsumerGroupOffsets cg-unknown", () -> {
            var m = admin.listConsumerGroupOffsets("cg-unknown").partitionsToOffsetAndMetadata().get();
            return "ok " + m.size() + " partitions";
        });
        // Offsets for a group that does not exist create it: a group with offsets only (no member ever joined).
        AdminErrors.call(out, "alterConsumerGroupOffsets cg-simple cg-a-1 to 2", () -> {
            admin.alterConsumerGroupOffsets("cg-simple", Map.of(new TopicPartition(A, 1), new OffsetAndMetadata(2))).all().get();
            return "ok";
        });
        AdminErrors.call(out, "describeConsumerGroups cg-simple", () -> describeLine(admin, "cg-simple"));
        AdminErrors.call(out, "listConsumerGroups cg-simple", () -> {
            for (ConsumerGroupListing l : admin.listConsumerGroups().all().get())
                if (l.groupId().equals("cg-simple"))
                    return "state=" + l.groupState().map(Object::toString).orElse("?") + " simple=" + l.isSimpleConsumerGroup();
            return "absent";
        });
        AdminErrors.call(out, "alterConsumerGroupOffsets cg-simple no-such-topic-0", () -> {
            admin.alterConsumerGroupOffsets("cg-simple", Map.of(new TopicPartition("no-such-topic", 0), new OffsetAndMetadata(1))).all().get();
            return "ok";
        });
        AdminErrors.call(out, "deleteConsumerGroups cg-simple", () -> { admin.deleteConsumerGroups(List.of("cg-simple")).all().get(); return "ok"; });
    }
}
