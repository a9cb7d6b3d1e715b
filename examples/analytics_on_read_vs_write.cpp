// Analytics on read versus on write: the same question ("how many views has /home had?") answered two ways.
//
// On read: keep only the raw events (page-views, keyed by page) and compute the answer when asked, by scanning
// the topic. Always fresh and any new question can be asked of the whole history, but every query reads every
// event, so queries get slower as the history grows.
// On write: a service keeps the answer up to date as events arrive (a materialized view: here a consumer
// counting into a map; in Kafka Streams, groupByKey().count()). A query is a lookup, whatever the history; the
// answer lags by what the service has not processed yet, and a new question needs a new view, built by
// replaying the history.
#include <kstream_sim.hpp>

#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace kstream_sim;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kPages = {"/home", "/products", "/cart", "/checkout", "/help"};

struct Scan {
    int64_t views = 0;
    int64_t unique_users = 0;
    int64_t records_read = 0;
};

// On read: every partition of page-views, from the beginning to its end offset, at query time.
Scan scanViewsOf(Cluster& cluster, const std::string& page) {
    KafkaConsumer<std::string, std::string> consumer(cluster, Properties());
    std::vector<TopicPartition> partitions;
    for (const auto& info : consumer.partitionsFor("page-views")) partitions.emplace_back("page-views", info.partition());
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    const auto end = consumer.endOffsets(partitions);
    auto done = [&] {
        for (const auto& tp : partitions)
            if (consumer.position(tp) < end.at(tp)) return false;
        return true;
    };
    Scan scan;
    std::set<std::string> users;
    while (!done())
        for (const auto& r : consumer.poll(100ms)) {
            ++scan.records_read;
            if (r.key() != page) continue;
            ++scan.views;
            users.insert(r.value());
        }
    scan.unique_users = static_cast<int64_t>(users.size());
    return scan;
}

// On write: a consumer group member that keeps a count per page as the events arrive.
class ViewCounter {
public:
    explicit ViewCounter(Cluster& cluster, const std::string& group)
        : consumer_(cluster, Properties({{ConsumerConfig::GROUP_ID_CONFIG, group}, {ConsumerConfig::AUTO_OFFSET_RESET_CONFIG, "earliest"}})) {
        consumer_.subscribe({"page-views"});
    }
    // One turn of the service's poll loop; returns how many events it processed.
    int64_t runOnce() {
        int64_t n = 0;
        for (const auto& r : consumer_.poll(100ms)) {
            ++counts_[r.key()];
            ++n;
        }
        processed_ += n;
        return n;
    }
    int64_t viewsOf(const std::string& page) const {
        auto it = counts_.find(page);
        return it == counts_.end() ? 0 : it->second;
    }
    int64_t processed() const { return processed_; }

private:
    KafkaConsumer<std::string, std::string> consumer_;
    std::map<std::string, int64_t> counts_;
    int64_t processed_ = 0;
};

}  // namespace

int main() {
    Cluster cluster(ClusterConfig().brokers(1).seed(5));
    Admin(cluster).createTopics({NewTopic("page-views", 3, 1)}).all().get();
    KafkaProducer<std::string, std::string> site(cluster, Properties());
    int64_t sent = 0;
    auto view = [&](int64_t n) {
        for (int64_t i = 0; i < n; ++i, ++sent) {
            // A page and a user from the event's number: /home every 3rd view, 50 distinct users.
            const std::string& page = sent % 3 == 0 ? kPages[0] : kPages[static_cast<size_t>(1 + sent % 4)];
            site.send(ProducerRecord<std::string, std::string>("page-views", page, "user-" + std::to_string(sent * 7 % 50)));
        }
        site.flush();
    };

    ViewCounter counter(cluster, "view-counter");
    std::cout << "views of /home, asked after each batch of page views:\n";
    std::cout << "  events | on read: answer, events read by the query | on write: answer, events read by the query\n";
    for (int64_t batch : {1000, 9000, 40000}) {
        view(batch);
        while (counter.processed() < sent) counter.runOnce();
        const Scan scan = scanViewsOf(cluster, "/home");
        std::cout << "  " << sent << " | " << scan.views << ", " << scan.records_read << " | " << counter.viewsOf("/home") << ", 0\n";
    }

    std::cout << "\nfreshness: 30 more views, asked before the counter's next poll\n";
    view(30);
    const int64_t fresh = scanViewsOf(cluster, "/home").views;
    std::cout << "  on read: " << fresh << " (fresh)\n";
    std::cout << "  on write: " << counter.viewsOf("/home") << " (" << fresh - counter.viewsOf("/home") << " behind until the counter polls)\n";
    while (counter.processed() < sent) counter.runOnce();
    std::cout << "  on write, after its poll: " << counter.viewsOf("/home") << "\n";

    std::cout << "\na new question, unique visitors of /home:\n";
    const Scan scan = scanViewsOf(cluster, "/home");
    std::cout << "  on read: " << scan.unique_users << " users, answered at once over the whole history (" << scan.records_read
              << " events read)\n";
    ViewCounter rebuilt(cluster, "view-counter-v2");  // a new view starts from the beginning of the topic
    while (rebuilt.processed() < sent) rebuilt.runOnce();
    std::cout << "  on write: a new view (here a new consumer group) must first replay " << rebuilt.processed()
              << " events; then each answer is a lookup again\n";

    std::cout << "\nthe on-write view in Kafka Streams: groupByKey().count(), checked with the TopologyTestDriver\n";
    StreamsBuilder builder;
    builder.stream<std::string, std::string>("page-views").groupByKey().count(Materialized::as("views-per-page"));
    TopologyTestDriver driver(builder.build());
    auto views = driver.createInputTopic<std::string, std::string>("page-views");
    for (int64_t i = 0; i < sent; ++i) views.pipeInput(i % 3 == 0 ? kPages[0] : kPages[static_cast<size_t>(1 + i % 4)], "user");
    auto store = driver.getKeyValueStore<std::string, int64_t>("views-per-page");
    for (const auto& kv : store.all()) std::cout << "  " << kv.key << " = " << kv.value << "\n";
}
