// Conformance twin of conformance/expected/config_validation.txt (Java: ConfigValidation.java).
// Clients built with bad configs: "<client> k=v ... -> <exception class> keys=<config keys the message names>",
// or "-> no exception" (for a producer, plus a line with its effective enable.idempotence).
#include <kstream_sim.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "out.hpp"

using namespace kstream_sim;

namespace {

// Producer, consumer and admin config names of Kafka 4.3.1, from `Judge --config-names` (see docs/conformance.md):
// the vocabulary in which an exception message's config keys are looked up, the same on both sides.
const std::vector<std::string> kVocabulary = {
        "acks", "allow.auto.create.topics", "auto.commit.interval.ms", "auto.offset.reset", "batch.size",
        "bootstrap.controllers", "bootstrap.servers", "buffer.memory", "check.crcs", "client.dns.lookup",
        "client.id", "client.rack", "compression.gzip.level", "compression.lz4.level", "compression.type",
        "compression.zstd.level", "config.providers", "connections.max.idle.ms", "default.api.timeout.ms",
        "delivery.timeout.ms", "enable.auto.commit", "enable.idempotence", "enable.metrics.push",
        "exclude.internal.topics", "fetch.max.bytes", "fetch.max.wait.ms", "fetch.min.bytes", "group.id",
        "group.instance.id", "group.protocol", "group.remote.assignor", "heartbeat.interval.ms",
        "interceptor.classes", "internal.throw.on.fetch.stable.offset.unsupported", "isolation.level",
        "key.deserializer", "key.serializer", "linger.ms", "max.block.ms", "max.in.flight.requests.per.connection",
        "max.partition.fetch.bytes", "max.poll.interval.ms", "max.poll.records", "max.request.size",
        "metadata.max.age.ms", "metadata.max.idle.ms", "metadata.recovery.rebootstrap.trigger.ms",
        "metadata.recovery.strategy", "metric.reporters", "metrics.num.samples", "metrics.recording.level",
        "metrics.sample.window.ms", "partition.assignment.strategy", "partitioner.adaptive.partitioning.enable",
        "partitioner.availability.timeout.ms", "partitioner.class", "partitioner.ignore.keys",
        "receive.buffer.bytes", "reconnect.backoff.max.ms", "reconnect.backoff.ms", "request.timeout.ms", "retries",
        "retry.backoff.max.ms", "retry.backoff.ms", "sasl.client.callback.handler.class", "sasl.jaas.config",
        "sasl.kerberos.kinit.cmd", "sasl.kerberos.min.time.before.relogin", "sasl.kerberos.service.name",
        "sasl.kerberos.ticket.renew.jitter", "sasl.kerberos.ticket.renew.window.factor",
        "sasl.login.callback.handler.class", "sasl.login.class", "sasl.login.connect.timeout.ms",
        "sasl.login.read.timeout.ms", "sasl.login.refresh.buffer.seconds", "sasl.login.refresh.min.period.seconds",
        "sasl.login.refresh.window.factor", "sasl.login.refresh.window.jitter", "sasl.login.retry.backoff.max.ms",
        "sasl.login.retry.backoff.ms", "sasl.mechanism", "sasl.oauthbearer.assertion.algorithm",
        "sasl.oauthbearer.assertion.claim.aud", "sasl.oauthbearer.assertion.claim.exp.seconds",
        "sasl.oauthbearer.assertion.claim.iss", "sasl.oauthbearer.assertion.claim.jti.include",
        "sasl.oauthbearer.assertion.claim.nbf.seconds", "sasl.oauthbearer.assertion.claim.sub",
        "sasl.oauthbearer.assertion.file", "sasl.oauthbearer.assertion.private.key.file",
        "sasl.oauthbearer.assertion.private.key.passphrase", "sasl.oauthbearer.assertion.template.file",
        "sasl.oauthbearer.client.credentials.client.id", "sasl.oauthbearer.client.credentials.client.secret",
        "sasl.oauthbearer.clock.skew.seconds", "sasl.oauthbearer.expected.audience",
        "sasl.oauthbearer.expected.issuer", "sasl.oauthbearer.header.urlencode",
        "sasl.oauthbearer.jwks.endpoint.refresh.ms", "sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms",
        "sasl.oauthbearer.jwks.endpoint.retry.backoff.ms", "sasl.oauthbearer.jwks.endpoint.url",
        "sasl.oauthbearer.jwt.retriever.class", "sasl.oauthbearer.jwt.validator.class", "sasl.oauthbearer.scope",
        "sasl.oauthbearer.scope.claim.name", "sasl.oauthbearer.sub.claim.name",
        "sasl.oauthbearer.token.endpoint.url", "security.protocol", "security.providers", "send.buffer.bytes",
        "session.timeout.ms", "share.acknowledgement.mode", "share.acquire.mode",
        "socket.connection.setup.timeout.max.ms", "socket.connection.setup.timeout.ms", "ssl.cipher.suites",
        "ssl.enabled.protocols", "ssl.endpoint.identification.algorithm", "ssl.engine.factory.class",
        "ssl.key.password", "ssl.keymanager.algorithm", "ssl.keystore.certificate.chain", "ssl.keystore.key",
        "ssl.keystore.location", "ssl.keystore.password", "ssl.keystore.type", "ssl.protocol", "ssl.provider",
        "ssl.secure.random.implementation", "ssl.trustmanager.algorithm", "ssl.truststore.certificates",
        "ssl.truststore.location", "ssl.truststore.password", "ssl.truststore.type", "transaction.timeout.ms",
        "transaction.two.phase.commit.enable", "transactional.id", "value.deserializer", "value.serializer"};

bool isKeyChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

// Config keys named in `message`, in order of first appearance (as Out.keysIn in Java).
std::string keysIn(const std::string& message) {
    std::vector<std::pair<size_t, std::string>> found;
    for (const auto& k : kVocabulary) {
        for (size_t from = 0;;) {
            const size_t i = message.find(k, from);
            if (i == std::string::npos) break;
            const size_t e = i + k.size();
            const bool start_ok = i == 0 || !isKeyChar(message[i - 1]);
            const bool end_ok = e == message.size() || !isKeyChar(message[e]) ||
                                (message[e] == '.' && (e + 1 == message.size() || !isKeyChar(message[e + 1])));
            if (start_ok && end_ok) {
                found.emplace_back(i, k);
                break;
            }
            from = i + 1;
        }
    }
    std::sort(found.begin(), found.end());
    std::string out;
    for (const auto& f : found) out += (out.empty() ? "" : ",") + f.second;
    return out;
}

using Settings = std::vector<std::pair<std::string, std::string>>;

std::string settings(const Settings& kv) {
    if (kv.empty()) return "(base)";
    std::string s;
    for (const auto& [k, v] : kv) s += (s.empty() ? "" : " ") + k + "=" + quote(v);
    return s;
}

Properties props(const Settings& kv) {
    Properties p;
    for (const auto& [k, v] : kv) p.put(k, v);
    return p;
}

std::string failure(const KafkaException& e) {
    std::string name = e.name();
    if (e.cause()) {  // as the Java twin prints a wrapped exception: Outer(cause=Inner)
        try {
            std::rethrow_exception(e.cause());
        } catch (const KafkaException& cause) {
            name += std::string("(cause=") + cause.name() + ")";
        }
    }
    return name + " keys=" + keysIn(e.what());
}

// The producer's effective enable.idempotence (Java: new ProducerConfig(props).getBoolean(...)), read through
// KafkaProducer::config() when kstream_sim offers it.
template <class P, class = void>
struct HasConfig : std::false_type {};
template <class P>
struct HasConfig<P, std::void_t<decltype(std::declval<const P&>().config().getBoolean(std::string()))>> : std::true_type {};

template <class P>
std::string effectiveIdempotence(const P& producer) {
    if constexpr (HasConfig<P>::value)
        return producer.config().getBoolean(ProducerConfig::ENABLE_IDEMPOTENCE_CONFIG) ? "true" : "false";
    else
        return "(no public accessor in kstream_sim)";
}

}  // namespace

int main() {
    Cluster cluster(ClusterConfig().brokers(1));
    const std::vector<Settings> producer_cases = {
        {},
        {{"enable.idempotent", "true"}},
        {{"acks", "2"}},
        {{"acks", "all"}},
        {{"acks", "-1"}},
        {{"acks", "ALL"}},
        {{"linger.ms", "abc"}},
        {{"linger.ms", "-1"}},
        {{"batch.size", "-1"}},
        {{"compression.type", "brotli"}},
        {{"compression.type", "GZIP"}},
        {{"enable.idempotence", "maybe"}},
        {{"enable.idempotence", "true"}, {"acks", "1"}},
        {{"enable.idempotence", "true"}, {"acks", "0"}},
        {{"acks", "1"}},
        {{"acks", "0"}},
        {{"enable.idempotence", "true"}, {"max.in.flight.requests.per.connection", "6"}},
        {{"max.in.flight.requests.per.connection", "6"}},
        {{"enable.idempotence", "true"}, {"max.in.flight.requests.per.connection", "5"}},
        {{"max.in.flight.requests.per.connection", "0"}},
        {{"transactional.id", "tx-1"}, {"acks", "0"}},
        {{"transactional.id", "tx-1"}, {"enable.idempotence", "false"}},
        {{"transactional.id", "tx-1"}, {"acks", "1"}},
        {{"transactional.id", "tx-1"}, {"retries", "0"}},
        {{"transactional.id", "tx-1"}},
        {{"transactional.id", ""}},
        {{"enable.idempotence", "true"}, {"retries", "0"}},
        {{"retries", "0"}},
        {{"retries", "-1"}},
        {{"delivery.timeout.ms", "1000"}},
        {{"delivery.timeout.ms", "1000"}, {"linger.ms", "0"}, {"request.timeout.ms", "1000"}},
        {{"partitioner.ignore.keys", "yes"}},
    };
    const std::vector<Settings> consumer_cases = {
        {},
        {{"group.idd", "g"}},
        {{"auto.offset.reset", "foo"}},
        {{"auto.offset.reset", "EARLIEST"}},
        {{"auto.offset.reset", "by_duration:PT1H"}},
        {{"auto.offset.reset", "by_duration:1h"}},
        {{"max.poll.records", "0"}},
        {{"enable.auto.commit", "maybe"}},
        {{"fetch.min.bytes", "-1"}},
        {{"isolation.level", "read_committed"}},
        {{"isolation.level", "READ_COMMITTED"}},
        {{"isolation.level", "committed"}},
        {{"session.timeout.ms", "abc"}},
        {{"group.protocol", "foo"}},
        {{"group.protocol", "CLASSIC"}},
    };
    const std::vector<Settings> admin_cases = {
        {},
        {{"request.timeout.mss", "5"}},
        {{"request.timeout.ms", "abc"}},
        {{"retries", "-1"}},
        {{"default.api.timeout.ms", "-1"}},
    };

    for (const auto& c : producer_cases) {
        std::string result, idempotence;
        try {
            KafkaProducer<std::string, std::string> producer(cluster, props(c));
            result = "no exception";
            idempotence = effectiveIdempotence(producer);
        } catch (const KafkaException& e) {
            result = failure(e);
        }
        std::cout << "producer " << settings(c) << " -> " << result << "\n";
        if (!idempotence.empty()) std::cout << "producer " << settings(c) << " effective enable.idempotence=" << idempotence << "\n";
    }
    for (const auto& c : consumer_cases) {
        std::string result;
        try {
            KafkaConsumer<std::string, std::string> consumer(cluster, props(c));
            result = "no exception";
        } catch (const KafkaException& e) {
            result = failure(e);
        }
        std::cout << "consumer " << settings(c) << " -> " << result << "\n";
    }
    for (const auto& c : admin_cases) {
        std::string result;
        try {
            Admin admin(cluster, props(c));
            result = "no exception";
        } catch (const KafkaException& e) {
            result = failure(e);
        }
        std::cout << "admin " << settings(c) << " -> " << result << "\n";
    }
    return 0;
}
