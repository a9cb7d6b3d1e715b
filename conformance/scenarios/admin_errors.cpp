// Conformance twin of conformance/expected/admin_errors.txt (Java: AdminErrors.java).
// Admin calls on a 1-broker cluster: "<call> -> ok ..." or "-> <Kafka exception class simple name>".
#include <kstream_sim.hpp>

#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace kstream_sim;
using namespace std::chrono_literals;

namespace {

void call(const std::string& label, const std::function<std::string()>& fn) {
    std::string result;
    try {
        result = fn();
    } catch (const KafkaException& e) {
        result = e.name();
    }
    std::cout << label << " -> " << result << "\n";
}

// partitions, and per partition the replica count, ISR count and whether a leader exists (broker ids vary).
std::string describe(Admin& a, const std::string& topic) {
    TopicDescription d = a.describeTopics({topic}).allTopicNames().get().at(topic);
    std::string s = "ok partitions=" + std::to_string(d.partitions().size());
    for (const auto& p : d.partitions())
        s += " p" + std::to_string(p.partition()) + "(replicas=" + std::to_string(p.replicas().size()) +
             ",isr=" + std::to_string(p.isr().size()) + ",leader=" + (p.leader() ? "yes" : "no") + ")";
    return s;
}

std::string create(Admin& a, NewTopic t) {
    a.createTopics({std::move(t)}).all().get();
    return "ok";
}

}  // namespace

int main() {
    Cluster cluster(ClusterConfig().brokers(1));
    Admin a(cluster);

    call("createTopics ae(1,1)", [&] { return create(a, NewTopic("ae", 1, 1)); });
    call("createTopics ae(1,1) again", [&] { return create(a, NewTopic("ae", 1, 1)); });
    call("createTopics ae(3,1) again", [&] { return create(a, NewTopic("ae", 3, 1)); });
    call("createTopics ae3(3,1)", [&] { return create(a, NewTopic("ae3", 3, 1)); });
    call("createTopics ae-default(default,default)", [&] { return create(a, NewTopic("ae-default")); });
    call("createTopics zero(0,1)", [&] { return create(a, NewTopic("zero", 0, 1)); });
    call("createTopics neg(-2,1)", [&] { return create(a, NewTopic("neg", -2, 1)); });
    call("createTopics rf2(1,2)", [&] { return create(a, NewTopic("rf2", 1, 2)); });
    call("createTopics rf0(1,0)", [&] { return create(a, NewTopic("rf0", 1, 0)); });
    call("createTopics \"bad name!\"(1,1)", [&] { return create(a, NewTopic("bad name!", 1, 1)); });
    call("createTopics \"..\"(1,1)", [&] { return create(a, NewTopic("..", 1, 1)); });
    call("createTopics \"\"(1,1)", [&] { return create(a, NewTopic("", 1, 1)); });
    call("createTopics 250 x \"a\"(1,1)", [&] { return create(a, NewTopic(std::string(250, 'a'), 1, 1)); });
    call("createTopics 249 x \"a\"(1,1)", [&] { return create(a, NewTopic(std::string(249, 'a'), 1, 1)); });
    call("createTopics badcfg(1,1) message.timestamp.type=Foo",
         [&] { return create(a, NewTopic("badcfg", 1, 1).configs({{"message.timestamp.type", "Foo"}})); });
    call("createTopics unknowncfg(1,1) foo.bar=1",
         [&] { return create(a, NewTopic("unknowncfg", 1, 1).configs({{"foo.bar", "1"}})); });
    call("createTopics x.y and x_y", [&] {
        create(a, NewTopic("x.y", 1, 1));
        return create(a, NewTopic("x_y", 1, 1));
    });

    call("describeTopics ae", [&] { return describe(a, "ae"); });
    call("describeTopics ae3", [&] { return describe(a, "ae3"); });
    call("describeTopics ae-default", [&] { return describe(a, "ae-default"); });
    call("describeTopics no-such-topic", [&] { return describe(a, "no-such-topic"); });
    call("listTopics contains ae,ae3", [&] {
        std::set<std::string> names = a.listTopics().names().get();
        return std::string("ok ") + (names.count("ae") && names.count("ae3") ? "true" : "false");
    });

    call("createPartitions ae3 increaseTo(2)", [&] { a.createPartitions({{"ae3", NewPartitions::increaseTo(2)}}).all().get(); return std::string("ok"); });
    call("createPartitions ae3 increaseTo(3)", [&] { a.createPartitions({{"ae3", NewPartitions::increaseTo(3)}}).all().get(); return std::string("ok"); });
    call("createPartitions ae3 increaseTo(5)", [&] { a.createPartitions({{"ae3", NewPartitions::increaseTo(5)}}).all().get(); return std::string("ok"); });
    call("describeTopics ae3 after increaseTo(5)", [&] { return describe(a, "ae3"); });
    call("createPartitions no-such-topic increaseTo(2)", [&] {
        a.createPartitions({{"no-such-topic", NewPartitions::increaseTo(2)}}).all().get();
        return std::string("ok");
    });

    call("listOffsets no-such-topic-0 latest", [&] {
        TopicPartition tp("no-such-topic", 0);
        return "ok offset=" + std::to_string(a.listOffsets({{tp, OffsetSpec::latest()}}).all().get().at(tp).offset());
    });
    call("listOffsets ae-7 latest (partition beyond the topic's count)", [&] {
        Properties quick_props;
        quick_props.put("default.api.timeout.ms", 3000);
        quick_props.put("request.timeout.ms", 1000);
        Admin quick(cluster, quick_props);
        TopicPartition tp("ae", 7);
        return "ok offset=" + std::to_string(quick.listOffsets({{tp, OffsetSpec::latest()}}).all().get().at(tp).offset());
    });

    call("deleteTopics ae", [&] { a.deleteTopics({"ae"}).all().get(); return std::string("ok"); });
    call("deleteTopics no-such-topic", [&] { a.deleteTopics({"no-such-topic"}).all().get(); return std::string("ok"); });
    call("listTopics contains ae after delete", [&] {
        return std::string("ok ") + (a.listTopics().names().get().count("ae") ? "true" : "false");
    });
    return 0;
}
