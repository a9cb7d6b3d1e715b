// The packaging consumers' program: includes the single header the way a user does and uses it.
#include <kstream_sim.hpp>

#include <iostream>

int main() {
    try {
        throw kstream_sim::TopicExistsException("Topic 'orders' already exists.");
    } catch (const kstream_sim::KafkaException& e) {
        std::cout << "caught " << e.name() << ": " << e.what() << "\n";
    }
    return 0;
}
