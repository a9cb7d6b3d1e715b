// Positions and committed offsets: where a consumer reads next, and where its group resumes after a crash.
#include <iostream>

#include "kstream_sim.hpp"

using namespace kstream_sim;
using namespace std::chrono_literals;

int main() {
    Cluster cluster;
    Admin admin(cluster);
    admin.createTopics({NewTopic("tasks", 1, 1)}).all().get();
    KafkaProducer<std::string, std::string> producer(cluster, Properties{{"linger.ms", 0}});
    for (int i = 0; i < 6; ++i) producer.send(ProducerRecord<std::string, std::string>("tasks", "task-" + std::to_string(i)));
    producer.flush();
    const TopicPartition tp("tasks", 0);

    Properties props{{"group.id", "workers"}, {"auto.offset.reset", "earliest"}, {"enable.auto.commit", false}, {"max.poll.records", 4}};
    {
        KafkaConsumer<std::string, std::string> worker(cluster, props);
        worker.assign({tp});
        auto batch = worker.poll(1s);
        std::cout << "worker 1 polled " << batch.count() << " records; position is now " << worker.position(tp) << "\n";
        worker.commitSync({{tp, OffsetAndMetadata(2)}});  // it finished only 2 of them before crashing
        std::cout << "worker 1 committed offset 2, then crashed\n";
    }
    KafkaConsumer<std::string, std::string> worker2(cluster, props);
    worker2.assign({tp});
    std::cout << "worker 2 starts at the committed offset " << worker2.committed({tp}).at(tp)->offset() << ":";
    for (const auto& r : worker2.poll(1s)) std::cout << " " << r.value();
    std::cout << "\n(tasks 2 and 3 are processed twice: at-least-once delivery)\n";

    worker2.seek(tp, 5);
    std::cout << "after seek(5):";
    for (const auto& r : worker2.poll(1s)) std::cout << " " << r.value() << "@" << r.offset();
    std::cout << "\n";
    worker2.seekToBeginning({tp});
    std::cout << "after seekToBeginning: position " << worker2.position(tp) << "\n";
    std::cout << "end offset " << worker2.endOffsets({tp}).at(tp) << ", lag of the group = end - committed = "
              << worker2.endOffsets({tp}).at(tp) - worker2.committed({tp}).at(tp)->offset() << "\n";

    Properties strict{{"group.id", "newcomers"}, {"auto.offset.reset", "none"}};
    KafkaConsumer<std::string, std::string> newcomer(cluster, strict);
    newcomer.assign({tp});
    try {
        newcomer.poll(100ms);
    } catch (const NoOffsetForPartitionException& e) {
        std::cout << e.name() << ": " << e.what() << "\n";
    }
}
