// Admin: create, describe, grow and delete topics; list offsets; Kafka's exceptions for bad requests.
#include <iostream>

#include "kstream_sim.hpp"

using namespace kstream_sim;

int main() {
    Cluster cluster(ClusterConfig().brokers(3).seed(1));
    Admin admin(cluster);
    admin.createTopics({NewTopic("clicks", 2, 3), NewTopic("audit", 1, 1).configs({{"message.timestamp.type", "LogAppendTime"}})}).all().get();
    auto names = admin.listTopics().names().get();
    std::cout << "topics:";
    for (const auto& n : names) std::cout << " " << n;
    std::cout << "\n";

    admin.createPartitions({{"clicks", NewPartitions::increaseTo(4)}}).all().get();
    std::cout << cluster.describe();

    KafkaProducer<std::string, std::string> producer(cluster, Properties{{"linger.ms", 0}});
    for (int64_t ts : {1000, 2000, 3000}) producer.send(ProducerRecord<std::string, std::string>("clicks", 0, ts, "user", "click"));
    producer.flush();
    const TopicPartition tp("clicks", 0);
    auto offsets = admin.listOffsets({{tp, OffsetSpec::forTimestamp(1500)}}).all().get();
    std::cout << "first offset at or after t=1500 in clicks-0: " << offsets.at(tp).offset() << " (timestamp " << offsets.at(tp).timestamp() << ")\n";
    std::cout << "latest offset of clicks-0: " << admin.listOffsets({{tp, OffsetSpec::latest()}}).all().get().at(tp).offset() << "\n";

    auto attempt = [&](const char* what, auto call) {
        try {
            call();
            std::cout << what << ": ok\n";
        } catch (const KafkaException& e) {
            std::cout << what << ": " << e.name() << ": " << e.what() << "\n";
        }
    };
    attempt("create clicks again", [&] { admin.createTopics({NewTopic("clicks", 1, 1)}).all().get(); });
    attempt("describe a missing topic", [&] { admin.describeTopics({"nope"}).allTopicNames().get(); });
    attempt("shrink clicks to 2 partitions", [&] { admin.createPartitions({{"clicks", NewPartitions::increaseTo(2)}}).all().get(); });
    attempt("replication factor 5 on 3 brokers", [&] { admin.createTopics({NewTopic("big", 1, 5)}).all().get(); });
    attempt("a topic name with a space", [&] { admin.createTopics({NewTopic("my topic", 1, 1)}).all().get(); });
    attempt("a misspelt topic config", [&] { admin.createTopics({NewTopic("x", 1, 1).configs({{"retention.msec", "1000"}})}).all().get(); });
    attempt("delete audit", [&] { admin.deleteTopics({"audit"}).all().get(); });
}
