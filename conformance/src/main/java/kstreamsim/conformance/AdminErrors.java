package kstreamsim.conformance;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/** Admin calls on a 1-broker cluster: "<call> -> ok ..." or "-> <ExceptionSimpleName>" (ExecutionException unwrapped). */
final class AdminErrors implements Scenario {
    @Override public String name() { return "admin_errors"; }
    @Override public int brokers() { return 1; }

    interface Call { String run() throws Exception; }

    /** "<label> -> <result>" or "-> <ExceptionSimpleName>"; ConsumerGroups prints its calls the same way. */
    static void call(Out out, String label, Call c) {
        String r;
        try {
            r = c.run();
        } catch (Exception e) {
            r = Out.exceptionName(e);
        }
        out.line(label + " -> " + r);
    }

    @Override public void run(Env env, Out out) {
        Admin a = env.admin();
        call(out, "createTopics ae(1,1)", () -> { a.createTopics(List.of(new NewTopic("ae", 1, (short) 1))).all().get(); return "ok"; });
        call(out, "createTopics ae(1,1) again", () -> { a.createTopics(List.of(new NewTopic("ae", 1, (short) 1))).all().get(); return "ok"; });
        call(out, "createTopics ae(3,1) again", () -> { a.createTopics(List.of(new NewTopic("ae", 3, (short) 1))).all().get(); return "ok"; });
        call(out, "createTopics ae3(3,1)", () -> { a.createTopics(List.of(new NewTopic("ae3", 3, (short) 1))).all().get(); return "ok"; });
        call(out, "createTopics ae-default(default,default)", () -> {
            a.createTopics(List.of(new NewTopic("ae-default", Optional.empty(), Optional.empty()))).all().get(); return "ok"; });
        call(out, "createTopics zero(0,1)", () -> { a.createTopics(List.of(new NewTopic("zero", 0, (short) 1))).all().get(); return "ok"; });
        call(out, "createTopics neg(-2,1)", () -> { a.createTopics(List.of(new NewTopic("neg", -2, (short) 1))).all().get(); return "ok"; });
        call(out, "createTopics rf2(1,2)", () -> { a.createTopics(List.of(new NewTopic("rf2", 1, (short) 2))).all().get(); return "ok"; });
        call(out, "createTopics rf0(1,0)", () -> { a.createTopics(List.of(new NewTopic("rf0", 1, (short) 0))).all().get(); return "ok"; });
        call(out, "createTopics \"bad name!\"(1,1)", () -> { a.createTopics(List.of(new NewTopic("bad name!", 1, (short) 1))).all().get(); return "ok"; });
        call(out, "createTopics \"..\"(1,1)", () -> { a.createTopics(List.of(new NewTopic("..", 1, (short) 1))).all().get(); return "ok"; });
        call(out, "createTopics \"\"(1,1)", () -> { a.createTopics(List.of(new NewTopic("", 1, (short) 1))).all().get(); return "ok"; });
        call(out, "createTopics 250 x \"a\"(1,1)", () -> { a.createTopics(List.of(new NewTopic("a".repeat(250), 1, (short) 1))).all().get(); return "ok"; });
        call(out, "createTopics 249 x \"a\"(1,1)", () -> { a.createTopics(List.of(new NewTopic("a".repeat(249), 1, (short) 1))).all().get(); return "ok"; });
        call(out, "createTopics badcfg(1,1) message.timestamp.type=Foo", () -> {
            a.createTopics(List.of(new NewTopic("badcfg", 1, (short) 1).configs(Map.of("message.timestamp.type", "Foo")))).all().get(); return "ok"; });
        call(out, "createTopics unknowncfg(1,1) foo.bar=1", () -> {
            a.createTopics(List.of(new NewTopic("unknowncfg", 1, (short) 1).configs(Map.of("foo.bar", "1")))).all().get(); return "ok"; });
        call(out, "createTopics x.y and x_y", () -> {
            a.createTopics(List.of(new NewTopic("x.y", 1, (short) 1))).all().get();
            a.createTopics(List.of(new NewTopic("x_y", 1, (short) 1))).all().get(); return "ok"; });

        call(out, "describeTopics ae", () -> describe(a, "ae"));
        call(out, "describeTopics ae3", () -> describe(a, "ae3"));
        call(out, "describeTopics ae-default", () -> describe(a, "ae-default"));
        call(out, "describeTopics no-such-topic", () -> describe(a, "no-such-topic"));
        call(out, "listTopics contains ae,ae3", () -> {
            Set<String> names = a.listTopics().names().get();
            return "ok " + (names.contains("ae") && names.contains("ae3"));
        });

        call(out, "createPartitions ae3 increaseTo(2)", () -> { a.createPartitions(Map.of("ae3", NewPartitions.increaseTo(2))).all().get(); return "ok"; });
        call(out, "createPartitions ae3 increaseTo(3)", () -> { a.createPartitions(Map.of("ae3", NewPartitions.increaseTo(3))).all().get(); return "ok"; });
        call(out, "createPartitions ae3 increaseTo(5)", () -> { a.createPartitions(Map.of("ae3", NewPartitions.increaseTo(5))).all().get(); return "ok"; });
        call(out, "describeTopics ae3 after increaseTo(5)", () -> {
            // metadata propagation: wait until the new count is visible
            for (int i = 0; i < 200; i++) {
                String d = describe(a, "ae3");
                if (d.contains("partitions=5")) return d;
                Thread.sleep(20);
            }
            return describe(a, "ae3");
        });
        call(out, "createPartitions no-such-topic increaseTo(2)", () -> {
            a.createPartitions(Map.of("no-such-topic", NewPartitions.increaseTo(2))).all().get(); return "ok"; });

        call(out, "listOffsets no-such-topic-0 latest", () -> {
            TopicPartition tp = new TopicPartition("no-such-topic", 0);
            return "ok offset=" + a.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
        });
        call(out, "listOffsets ae-7 latest (partition beyond the topic's count)", () -> {
            // The admin client keeps waiting for metadata of the missing partition until default.api.timeout.ms
            // (60 s by default); a short timeout gives the same outcome quickly.
            try (Admin quick = Admin.create(env.adminProps("default.api.timeout.ms", "3000", "request.timeout.ms", "1000"))) {
                TopicPartition tp = new TopicPartition("ae", 7);
                return "ok offset=" + quick.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
            }
        });

        call(out, "deleteTopics ae", () -> { a.deleteTopics(List.of("ae")).all().get(); return "ok"; });
        call(out, "deleteTopics no-such-topic", () -> { a.deleteTopics(List.of("no-such-topic")).all().get(); return "ok"; });
        call(out, "listTopics contains ae after delete", () -> {
            for (int i = 0; i < 200 && a.listTopics().names().get().contains("ae"); i++) Thread.sleep(20);
            return "ok " + a.listTopics().names().get().contains("ae");
        });
    }

    /** partitions, and per partition the replica count, ISR count and whether a leader exists (broker ids vary). */
    static String describe(Admin a, String topic) throws Exception {
        TopicDescription d = a.describeTopics(Set.of(topic)).allTopicNames().get().get(topic);
        StringBuilder sb = new StringBuilder("ok partitions=" + d.partitions().size());
        d.partitions().forEach(p -> sb.append(" p").append(p.partition())
                .append("(replicas=").append(p.replicas().size())
                .append(",isr=").append(p.isr().size())
                .append(",leader=").append(p.leader() != null && !p.leader().isEmpty() ? "yes" : "no").append(')'));
        return sb.toString();
    }
}
