// Configuration mistakes and what kstream_sim says about them.
#include <iostream>

#include "kstream_sim.hpp"

using namespace kstream_sim;

int main() {
    Cluster cluster;
    auto tryProducer = [&](const char* what, Properties props) {
        try {
            KafkaProducer<std::string, std::string> producer(cluster, props);
            std::cout << what << ": accepted\n";
        } catch (const KafkaException& e) {
            std::cout << what << ":\n  " << e.name() << ": " << e.what() << "\n";
        }
    };
    tryProducer("a misspelt key", {{"enable.idempotent", true}});
    tryProducer("another misspelt key", {{"linger.msec", 5}});
    tryProducer("a value of the wrong type", {{"linger.ms", "soon"}});
    tryProducer("a value out of range", {{"acks", "2"}});
    tryProducer("idempotence asked for, with acks=1", {{"enable.idempotence", true}, {"acks", "1"}});
    tryProducer("acks=1 without asking for idempotence (the default gives way)", {{"acks", "1"}});
    tryProducer("a transactional.id with idempotence off", {{"acks", "0"}, {"transactional.id", "orders-tx"}});
    tryProducer("a serializer class that does not fit the C++ key type",
                {{"key.serializer", "org.apache.kafka.common.serialization.IntegerSerializer"}});
    try {
        KafkaConsumer<std::string, std::string> consumer(cluster, Properties{{"auto.offset.reset", "beginning"}});
    } catch (const ConfigException& e) {
        std::cout << "a consumer with auto.offset.reset=beginning:\n  " << e.name() << ": " << e.what() << "\n";
    }
}
