// Serdes write the bytes Kafka's built-in serializers write, and read them back.
#include <cmath>
#include <limits>

#include "testing.hpp"

using namespace kstream_sim;

namespace {
template <class T>
std::string hexOf(const T& value) {
    Bytes out;
    Serializer<T>().serializeInto(value, out);
    return toHex(out);
}
}  // namespace

TEST_CASE("String serializes as UTF-8 bytes", "[serdes]") {
    CHECK(hexOf(std::string("alice")) == "616c696365");
    CHECK(hexOf(std::string("")) == "");
    CHECK(hexOf(std::string("h\xc3\xa9llo")) == "68c3a96c6c6f");
}

TEST_CASE("Integer, Long and Short serialize big-endian", "[serdes]") {
    CHECK(hexOf<int32_t>(1) == "00000001");
    CHECK(hexOf<int32_t>(-1) == "ffffffff");
    CHECK(hexOf<int32_t>(42) == "0000002a");
    CHECK(hexOf<int32_t>(INT32_MIN) == "80000000");
    CHECK(hexOf<int64_t>(1234567890123LL) == "0000011f71fb04cb");
    CHECK(hexOf<int64_t>(-1) == "ffffffffffffffff");
    CHECK(hexOf<int16_t>(258) == "0102");
}

TEST_CASE("Double and Float serialize as IEEE 754 big-endian with Java's canonical NaN", "[serdes]") {
    CHECK(hexOf(1.5) == "3ff8000000000000");
    CHECK(hexOf(0.0) == "0000000000000000");
    CHECK(hexOf(-0.0) == "8000000000000000");
    CHECK(hexOf(std::numeric_limits<double>::infinity()) == "7ff0000000000000");
    CHECK(hexOf(std::nan("")) == "7ff8000000000000");
    CHECK(hexOf(1.5f) == "3fc00000");
    CHECK(hexOf(std::nanf("")) == "7fc00000");
}

TEST_CASE("Boolean and ByteArray", "[serdes]") {
    CHECK(hexOf(true) == "01");
    CHECK(hexOf(false) == "00");
    CHECK(hexOf(Bytes{0x00, 0xff, 0x10}) == "00ff10");
}

TEST_CASE("optional values serialize nullopt as Kafka's null", "[serdes]") {
    Serializer<std::optional<std::string>> s;
    CHECK_FALSE(s.serialize("t", std::nullopt).has_value());
    CHECK(s.serialize("t", std::string("x")) == std::optional<Bytes>(Bytes{'x'}));
    Deserializer<std::optional<int32_t>> d;
    CHECK_FALSE(d.deserialize(ByteView{}).has_value());
    CHECK(d.deserialize("t", Bytes{0, 0, 0, 7}) == std::optional<int32_t>(7));
}

TEST_CASE("round trips through every built-in serde", "[serdes]") {
    auto roundTrip = [](auto value) {
        using T = decltype(value);
        Bytes out;
        Serializer<T>().serializeInto(value, out);
        return Deserializer<T>().deserialize(ByteView{out.data(), static_cast<int32_t>(out.size())});
    };
    CHECK(roundTrip(std::string("日本")) == "日本");
    CHECK(roundTrip(int32_t{-123456}) == -123456);
    CHECK(roundTrip(int64_t{INT64_MIN}) == INT64_MIN);
    CHECK(roundTrip(2.25) == 2.25);
    CHECK(roundTrip(true));
}

TEST_CASE("a wrong-sized Integer is a SerializationException with Kafka's message", "[serdes]") {
    Deserializer<int32_t> d;
    try {
        d.deserialize("t", Bytes{1, 2, 3});
        FAIL("expected SerializationException");
    } catch (const SerializationException& e) {
        CHECK(std::string(e.what()) == "Size of data received by IntegerDeserializer is not 4");
    }
}

TEST_CASE("user types: specialise Serde<T> or pass a lambda serializer", "[serdes]") {
    struct Point {
        int32_t x, y;
    };
    Serializer<Point> s([](const Point& p, Bytes& out) {
        Serde<int32_t>::serialize(p.x, out);
        Serde<int32_t>::serialize(p.y, out);
    });
    Deserializer<Point> d([](const uint8_t* data, size_t) { return Point{Serde<int32_t>::deserialize(data, 4), Serde<int32_t>::deserialize(data + 4, 4)}; });
    Bytes out;
    s.serializeInto(Point{1, -2}, out);
    CHECK(toHex(out) == "00000001fffffffe");
    Point p = d.deserialize(ByteView{out.data(), 8});
    CHECK(p.x == 1);
    CHECK(p.y == -2);
    Serializer<Point> none;
    CHECK_THROWS_AS(none.serializeInto(Point{0, 0}, out), SerializationException);
}

TEST_CASE("Serdes factory objects expose serializer() and deserializer()", "[serdes]") {
    auto serde = Serdes::Long();
    auto bytes = serde.serializer().serialize("t", 5);
    REQUIRE(bytes);
    CHECK(toHex(*bytes) == "0000000000000005");
    CHECK(serde.deserializer().deserialize("t", bytes) == 5);
}

namespace {
struct Money {
    int64_t cents;
};
}  // namespace
namespace kstream_sim {
// A user's Serde needs only serialize and deserialize (no type or class names).
template <>
struct Serde<Money> {
    static void serialize(const Money& m, Bytes& out) { Serde<int64_t>::serialize(m.cents, out); }
    static Money deserialize(const uint8_t* data, size_t size) { return Money{Serde<int64_t>::deserialize(data, size)}; }
};
}  // namespace kstream_sim

TEST_CASE("a minimal user Serde<T> specialisation works with the clients", "[serdes]") {
    Cluster cluster;
    KafkaProducer<std::string, Money> producer(cluster, Properties{{"value.serializer", "com.example.MoneySerializer"}});
    producer.send(ProducerRecord<std::string, Money>("t", "k", Money{250})).get();
    KafkaConsumer<std::string, Money> consumer(cluster, Properties{{"auto.offset.reset", "earliest"}});
    consumer.assign({TopicPartition("t", 0)});
    auto records = consumer.poll(std::chrono::seconds(1));
    REQUIRE(records.count() == 1);
    CHECK(records.begin()->value().cents == 250);
}
