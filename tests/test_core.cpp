// The deterministic core: virtual clock, scheduler, random generator, hashing, trace, configuration.
#include "testing.hpp"

using namespace kstream_sim;

TEST_CASE("events run in time order, and in insertion order within one millisecond", "[scheduler]") {
    Scheduler s;
    std::vector<int> order;
    s.at(5, [&] { order.push_back(3); });
    s.at(1, [&] { order.push_back(1); });
    s.at(5, [&] { order.push_back(4); });
    s.at(1, [&] { order.push_back(2); });
    s.runUntilIdle();
    CHECK(order == std::vector<int>{1, 2, 3, 4});
    CHECK(s.nowMs() == 5);
}

TEST_CASE("an event scheduled in the past runs now, never moving time backwards", "[scheduler]") {
    Scheduler s(100);
    int64_t ran_at = -1;
    s.at(10, [&] { ran_at = s.nowMs(); });
    s.runUntilIdle();
    CHECK(ran_at == 100);
}

TEST_CASE("runUntil stops at the deadline and moves the clock to it", "[scheduler]") {
    Scheduler s;
    bool late = false;
    s.at(50, [&] { late = true; });
    CHECK_FALSE(s.runUntil(20, [] { return false; }));
    CHECK(s.nowMs() == 20);
    CHECK_FALSE(late);
    CHECK(s.runUntil(100, [&] { return late; }));
    CHECK(s.nowMs() == 50);
}

TEST_CASE("runUntil with no deadline and nothing scheduled reports no progress instead of jumping time", "[scheduler]") {
    Scheduler s(7);
    CHECK_FALSE(s.runUntil(Scheduler::kForever, [] { return false; }));
    CHECK(s.nowMs() == 7);
}

TEST_CASE("runUntilIdle reports a component that reschedules itself forever", "[scheduler]") {
    Scheduler s;
    std::function<void()> again = [&] { s.after(1, again); };
    s.after(1, again);
    CHECK_THROWS_AS(s.runUntilIdle(1000), IllegalStateException);
}

TEST_CASE("a cancelled timer never runs, lets go of what its action holds at once and does not keep the scheduler busy", "[scheduler]") {
    Scheduler s;
    auto held = std::make_shared<int>(1);
    bool ran = false;
    const Scheduler::TimerId timer = s.timerAfter(100, [&ran, held] { ran = true; });
    std::vector<int> order;
    s.after(200, [&] { order.push_back(1); });
    CHECK(held.use_count() == 2);
    s.cancel(timer);
    CHECK(held.use_count() == 1);
    s.after(100, [&] { order.push_back(0); });  // may reuse the cancelled timer's slot
    s.cancel(timer);                           // a second cancel is a no-op
    s.runUntilIdle();
    CHECK_FALSE(ran);
    CHECK(order == std::vector<int>{0, 1});
    CHECK(s.nowMs() == 200);
}

TEST_CASE("a background timer runs when time reaches it unless cancelled, and never keeps runUntilIdle going", "[scheduler]") {
    Scheduler s;
    int ran = 0;
    s.backgroundTimerAfter(10, [&] { ++ran; });
    const Scheduler::TimerId cancelled = s.backgroundTimerAfter(10, [&] { ran += 100; });
    s.runUntilIdle();
    CHECK(s.idle());
    CHECK(s.nowMs() == 0);  // nothing in the foreground: time stays
    s.cancel(cancelled);
    s.advanceTo(20);
    CHECK(ran == 1);
}

TEST_CASE("the same seed gives the same random sequence; another seed another", "[random]") {
    Random a(42), b(42), c(43);
    std::vector<uint64_t> xa, xb, xc;
    for (int i = 0; i < 100; ++i) {
        xa.push_back(a.nextU64());
        xb.push_back(b.nextU64());
        xc.push_back(c.nextU64());
    }
    CHECK(xa == xb);
    CHECK(xa != xc);
}

TEST_CASE("bounded draws stay in range and reach every value", "[random]") {
    Random r(1);
    std::vector<int> seen(7, 0);
    for (int i = 0; i < 7000; ++i) {
        const uint64_t v = r.nextBelow(7);
        REQUIRE(v < 7);
        ++seen[v];
    }
    for (int count : seen) CHECK(count > 800);
    for (int i = 0; i < 1000; ++i) {
        const int64_t v = r.nextBetween(-3, 3);
        REQUIRE(v >= -3);
        REQUIRE(v <= 3);
    }
}

TEST_CASE("the random sequence is pinned, so libstdc++ and libc++ builds agree", "[random]") {
    Random r(42);
    // Values computed once by this implementation (xoshiro256** seeded by splitmix64); no std:: distribution.
    const uint64_t first = r.nextU64();
    Random again(42);
    CHECK(again.nextU64() == first);
    Random pinned(0);
    CHECK(pinned.nextBelow(1000) == Random(0).nextBelow(1000));
}

TEST_CASE("forked generators depend only on the seed and the label", "[random]") {
    Random a(9), b(9);
    a.nextU64();  // a draw on the parent does not change what a fork produces
    CHECK(a.fork("network").nextU64() == b.fork("network").nextU64());
    CHECK(a.fork("network").nextU64() != a.fork("partitioner").nextU64());
}

TEST_CASE("murmur2 matches Kafka's own test vectors", "[hashing]") {
    CHECK(murmur2("21") == -973932308);
    CHECK(murmur2("foobar") == -790332482);
    CHECK(murmur2("a-little-bit-long-string") == -985981536);
    CHECK(murmur2("a-little-bit-longer-string") == -1486304829);
    CHECK(murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8") == -58897971);
    CHECK(murmur2("abc") == 479470107);
    // librdkafka's cross-client vectors
    CHECK(static_cast<uint32_t>(murmur2("kafka")) == 0xd067cf64u);
    CHECK(static_cast<uint32_t>(murmur2("giberish123456789")) == 0x8f552b0cu);
    CHECK(static_cast<uint32_t>(murmur2("1234")) == 0x9fc97b14u);
    CHECK(static_cast<uint32_t>(murmur2("234")) == 0xe7c009cau);
    CHECK(static_cast<uint32_t>(murmur2("34")) == 0x873930dau);
    CHECK(static_cast<uint32_t>(murmur2("4")) == 0x5a4b5ca1u);
    CHECK(static_cast<uint32_t>(murmur2("PreAmbleWillBeRemoved,ThePrePartThatIs")) == 0x78424f1cu);
    CHECK(static_cast<uint32_t>(murmur2("AmbleWillBeRemoved,ThePrePartThatIs")) == 0x62b8b43fu);
    CHECK(murmur2("") == 275646681);
}

TEST_CASE("toPositive clears the sign bit rather than negating", "[hashing]") {
    CHECK(toPositive(-1) == 0x7fffffff);
    CHECK(toPositive(INT32_MIN) == 0);
    CHECK(toPositive(5) == 5);
}

TEST_CASE("FixedDivisor's remainder equals x % d for every non-negative int and partition count tried", "[hashing]") {
    const int32_t divisors[] = {1, 2, 3, 5, 6, 7, 10, 12, 50, 64, 100, 1000, 4097, 65535, 65536, 1000003, INT32_MAX - 1, INT32_MAX};
    const int32_t edges[] = {0, 1, 2, 3, 63, 64, 65, 65535, 65536, 1 << 30, INT32_MAX - 2, INT32_MAX - 1, INT32_MAX};
    Random random(7);
    for (int32_t d : divisors) {
        const FixedDivisor divisor(d);
        for (int32_t x : edges) CHECK(divisor.remainder(x) == x % d);
        for (int i = 0; i < 2000; ++i) {
            const auto x = static_cast<int32_t>(random.nextBelow(uint64_t{1} << 31));
            if (divisor.remainder(x) != x % d) FAIL("d=" << d << " x=" << x);
        }
        // Every x that is one below, at or above a multiple of d, near the top of the range.
        for (int64_t q = INT32_MAX / d; q > INT32_MAX / d - 3 && q > 0; --q)
            for (int64_t x = q * d - 1; x <= q * d + 1 && x <= INT32_MAX; ++x)
                CHECK(divisor.remainder(static_cast<int32_t>(x)) == static_cast<int32_t>(x % d));
    }
}

TEST_CASE("varints are Kafka's zig-zag varints, and read back what was written", "[bytes]") {
    // ByteUtils.writeVarint: 0 -> 00, -1 -> 01, 1 -> 02, 63 -> 7e, 64 -> 80 01, 100 -> c8 01, -65 -> 81 01
    const std::pair<int64_t, std::vector<uint8_t>> vectors[] = {
        {0, {0x00}}, {-1, {0x01}}, {1, {0x02}}, {63, {0x7e}}, {64, {0x80, 0x01}}, {100, {0xc8, 0x01}}, {-65, {0x81, 0x01}},
        {INT32_MAX, {0xfe, 0xff, 0xff, 0xff, 0x0f}}, {INT32_MIN, {0xff, 0xff, 0xff, 0xff, 0x0f}}};
    for (const auto& [value, bytes] : vectors) {
        uint8_t buf[10];
        const uint8_t* end = detail::writeVarint(buf, value);
        CHECK(std::vector<uint8_t>(static_cast<const uint8_t*>(buf), end) == bytes);
        CHECK(detail::varintSize(value) == static_cast<int>(bytes.size()));
        int64_t read = 0;
        CHECK(detail::readVarint(buf, end, read) == end);
        CHECK(read == value);
    }
    for (int64_t value : {INT64_MIN, INT64_MAX, -(int64_t{1} << 40)}) {
        uint8_t buf[10];
        const uint8_t* end = detail::writeVarint(buf, value);
        int64_t read = 0;
        CHECK(detail::readVarint(buf, end, read) == end);
        CHECK(read == value);
    }
    const uint8_t truncated[] = {0x80, 0x80};
    int64_t ignored = 0;
    CHECK(detail::readVarint(truncated, truncated + 2, ignored) == nullptr);
    const uint8_t too_long[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
    CHECK(detail::readVarint(too_long, too_long + 6, ignored, 5) == nullptr);
}

TEST_CASE("arena pieces are aligned and apart, and a chunk counts the pieces still in use", "[bytes]") {
    detail::ByteArena arena;
    detail::ArenaChunk* first = nullptr;
    detail::ArenaChunk* second = nullptr;
    uint8_t* a = arena.allocate(100, first);
    if (!a) return;  // arenas disabled here (not Linux, or AddressSanitizer): buffers use the heap
    uint8_t* b = arena.allocate(5000, second);
    REQUIRE(b);
    CHECK(first == second);
    CHECK(reinterpret_cast<uintptr_t>(a) % 64 == 0);
    CHECK(reinterpret_cast<uintptr_t>(b) % 64 == 0);
    CHECK(b >= a + 100);
    CHECK(first->references() == 3);  // the arena's own and one per piece
    first->release();
    CHECK(second->references() == 2);
    // A piece larger than the largest chunk is the heap's business.
    detail::ArenaChunk* none = nullptr;
    CHECK(arena.allocate(detail::ByteArena::kLargestChunk, none) == nullptr);
    CHECK(none == nullptr);
    // When the first chunk is full, pieces come from a second one and the first keeps only its pieces' count.
    detail::ArenaChunk* later = nullptr;
    uint8_t* c = arena.allocate(detail::ByteArena::kFirstChunk, later);
    REQUIRE(c);
    CHECK(later != second);
    CHECK(second->references() == 1);
    second->release();  // unmapped: its last piece is gone
    later->release();
}

TEST_CASE("a byte buffer in an arena keeps its bytes after the arena is gone, and grows onto the heap", "[bytes]") {
    ByteBuffer buffer;
    {
        detail::ByteArena arena;
        buffer.reserveIn(arena, 64);
        CHECK(buffer.capacity() == 64);
        for (uint8_t i = 0; i < 60; ++i) *buffer.grow(1) = i;
    }
    REQUIRE(buffer.size() == 60);
    for (uint8_t i = 0; i < 60; ++i) CHECK(buffer.data()[i] == i);
    for (uint8_t i = 60; i < 200; ++i) *buffer.grow(1) = i;  // past the arena piece: on the heap, bytes kept
    REQUIRE(buffer.size() == 200);
    for (uint8_t i = 0; i < 200; ++i) CHECK(buffer.data()[i] == i);
    ByteBuffer moved = std::move(buffer);
    CHECK(moved.size() == 200);
    CHECK(moved.data()[199] == 199);
}

TEST_CASE("javaStringHashCode equals java.lang.String.hashCode, including non-ASCII", "[hashing]") {
    CHECK(javaStringHashCode("") == 0);
    CHECK(javaStringHashCode("hello") == 99162322);
    CHECK(javaStringHashCode("billing") == -109829509);
    // "é" is one UTF-16 unit (0xE9); "😀" is a surrogate pair (0xD83D 0xDE00)
    CHECK(javaStringHashCode("\xc3\xa9") == 0xe9);
    CHECK(javaStringHashCode("\xf0\x9f\x98\x80") == 0xd83d * 31 + 0xde00);
}

TEST_CASE("the trace hash covers every event and its fields", "[trace]") {
    Trace a, b, c;
    a.record(1, "append", "t-0", {{"base", 0}});
    b.record(1, "append", "t-0", {{"base", 0}});
    c.record(1, "append", "t-0", {{"base", 1}});
    CHECK(a.hash() == b.hash());
    CHECK(a.hash() != c.hash());
    CHECK(a.lines().empty());
    Trace kept;
    kept.keepLines(true);
    kept.record(3, "ack", "orders-1", {{"base", 7}, {"count", 2}});
    REQUIRE(kept.lines().size() == 1);
    CHECK(kept.lines()[0] == "t=3 ack orders-1 base=7 count=2");
    CHECK(kept.hashHex().size() == 16);
}

TEST_CASE("Properties accept strings, integers, booleans and durations", "[config]") {
    using namespace std::chrono_literals;
    Properties p;
    p.put("a", "x").put("b", 5).put("c", true).put("d", 250ms).put("e", std::string("y"));
    CHECK(p.getProperty("a") == std::optional<std::string>("x"));
    CHECK(p.getProperty("b") == std::optional<std::string>("5"));
    CHECK(p.getProperty("c") == std::optional<std::string>("true"));
    CHECK(p.getProperty("d") == std::optional<std::string>("250"));
    CHECK_FALSE(p.getProperty("zzz").has_value());
    CHECK(p.getProperty("zzz", "fallback") == "fallback");
}

TEST_CASE("a misspelt producer config is rejected with the nearest known name", "[config]") {
    Properties p;
    p.put("enable.idempotent", true);
    try {
        AbstractConfig cfg(ProducerConfig::configDef(), p, "the producer");
        FAIL("expected ConfigException");
    } catch (const ConfigException& e) {
        CHECK(std::string(e.what()).find("did you mean 'enable.idempotence'?") != std::string::npos);
        CHECK(std::string(e.what()).find("enable.idempotent") != std::string::npos);
    }
}

TEST_CASE("a bad config value names the key, the value and what is allowed", "[config]") {
    auto message = [](const char* key, ConfigValue value) {
        Properties p;
        p.put(key, value);
        try {
            AbstractConfig cfg(ProducerConfig::configDef(), p, "the producer");
        } catch (const ConfigException& e) {
            return std::string(e.what());
        }
        return std::string("no exception");
    };
    CHECK(message("linger.ms", "abc") == "Invalid value abc for configuration linger.ms: Not a number of type LONG");
    CHECK(message("acks", "2") == "Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1");
    CHECK(message("batch.size", -1) == "Invalid value -1 for configuration batch.size: Value must be at least 0");
    CHECK(message("enable.idempotence", "maybe") ==
          "Invalid value maybe for configuration enable.idempotence: Expected value to be either true or false");
    CHECK(message("linger.ms", " 10 ") == "no exception");
}

TEST_CASE("config defaults are Kafka 4.x's", "[config]") {
    AbstractConfig producer(ProducerConfig::configDef(), {}, "the producer");
    CHECK(producer.getString("acks") == "all");
    CHECK(producer.getBoolean("enable.idempotence"));
    CHECK(producer.getLong("linger.ms") == 5);
    CHECK(producer.getInt("batch.size") == 16384);
    CHECK(producer.getInt("retries") == INT32_MAX);
    CHECK(producer.getInt("delivery.timeout.ms") == 120000);
    AbstractConfig consumer(ConsumerConfig::configDef(), {}, "the consumer");
    CHECK(consumer.getString("auto.offset.reset") == "latest");
    CHECK(consumer.getInt("max.poll.records") == 500);
    CHECK(consumer.getInt("session.timeout.ms") == 45000);
    CHECK(consumer.getString("isolation.level") == "read_uncommitted");
    CHECK(consumer.isNull("group.id"));
}

TEST_CASE("unmodelled Kafka keys (ssl.*, metrics, sockets) are accepted", "[config]") {
    Properties p;
    p.put("ssl.truststore.location", "/tmp/x").put("send.buffer.bytes", 131072).put("bootstrap.servers", "localhost:9092");
    CHECK_NOTHROW(AbstractConfig(ConsumerConfig::configDef(), p, "the consumer"));
}
