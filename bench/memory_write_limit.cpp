// The physical limit of the produce workload: storing 2,000,000 records of 110 bytes each (a 7-byte key,
// a 100-byte value and a few bytes of framing) into memory the process has not touched before.
//
// Whatever a simulator does per record, it has to put the bytes somewhere; fresh pages must be zeroed by the
// kernel and, taken the ordinary way, cost a page fault each on their first write, which dominates for ~220 MB.
// Three ways of writing them:
//   malloc    one malloc'ed block of records*110 bytes, filled front to back with memcpy (first touch);
//   vector    a std::vector<char> reserved fresh, appended record by record (key, value and framing with
//             insert(), as a library appending to a buffer would);
//   populate  (Linux) one mmap'ed block with MAP_POPULATE (the pages zeroed and mapped in one system call, no
//             fault per page), filled as malloc's: how kstream_sim takes its batch memory (core/arena.hpp).
// Each prints
//   RESULT limit-<how> records=<n> seconds=<s> records_per_s=<r> cpu_s=<s> checksum=<c>
// The fastest is the limit bench/run_benchmarks.sh reports. Run it in a fresh process each time
// (the script does): memory freed by an earlier run in the same process would not be fresh.
//
// Usage: bench_memory_write_limit [malloc|vector|populate|all] [records]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace {

constexpr size_t kRecordBytes = 110;
constexpr size_t kValueSize = 100;
constexpr size_t kKeySize = 7;
constexpr size_t kFraming = kRecordBytes - kValueSize - kKeySize;  // 3
constexpr int kKeys = 1000;

struct Inputs {
    std::vector<std::string> keys;
    std::string value;
    Inputs() : value(kValueSize, 'v') {
        for (int k = 0; k < kKeys; ++k) {
            char buf[16];
            std::snprintf(buf, sizeof buf, "key-%03d", k);
            keys.emplace_back(buf);
        }
        for (size_t i = 0; i < kValueSize; ++i) value[i] = static_cast<char>('a' + i % 26);
    }
};

// A checksum over one byte per page, so the compiler cannot drop the writes and the result is printed.
uint64_t checksum(const char* data, size_t size) {
    uint64_t sum = 0;
    for (size_t i = 0; i < size; i += 4096) sum = sum * 31 + static_cast<unsigned char>(data[i]);
    return sum + static_cast<unsigned char>(data[size - 1]);
}

void report(const char* how, int64_t records, double seconds, double cpu_seconds, uint64_t sum) {
    std::printf("RESULT limit-%s records=%lld seconds=%.6f records_per_s=%.0f cpu_s=%.6f checksum=%llu\n", how,
                static_cast<long long>(records), seconds, static_cast<double>(records) / seconds, cpu_seconds,
                static_cast<unsigned long long>(sum));
    std::fflush(stdout);
}

// The records, back to back from buf.
void fill(char* buf, const Inputs& in, int64_t records) {
    char* out = buf;
    for (int64_t i = 0; i < records; ++i) {
        const std::string& key = in.keys[static_cast<size_t>(i % kKeys)];
        out[0] = static_cast<char>(kRecordBytes - 1);  // framing: length, attributes, header count
        out[1] = 0;
        out[2] = 0;
        std::memcpy(out + kFraming, key.data(), kKeySize);
        std::memcpy(out + kFraming + kKeySize, in.value.data(), kValueSize);
        out += kRecordBytes;
    }
}

void viaMalloc(const Inputs& in, int64_t records) {
    using Clock = std::chrono::steady_clock;
    const size_t total = static_cast<size_t>(records) * kRecordBytes;
    const std::clock_t c0 = std::clock();
    const auto t0 = Clock::now();
    char* buf = static_cast<char*>(std::malloc(total));
    if (!buf) {
        std::fprintf(stderr, "malloc(%zu) failed\n", total);
        std::exit(1);
    }
    fill(buf, in, records);
    const auto t1 = Clock::now();
    const std::clock_t c1 = std::clock();
    const uint64_t sum = checksum(buf, total);
    std::free(buf);
    report("malloc", records, std::chrono::duration<double>(t1 - t0).count(), static_cast<double>(c1 - c0) / CLOCKS_PER_SEC, sum);
}

#ifdef __linux__
// As viaMalloc, the pages mapped present at once (MAP_POPULATE: zeroed by the kernel without a fault per page),
// as kstream_sim's batch memory is (core/arena.hpp).
void viaPopulate(const Inputs& in, int64_t records) {
    using Clock = std::chrono::steady_clock;
    const size_t total = static_cast<size_t>(records) * kRecordBytes;
    const std::clock_t c0 = std::clock();
    const auto t0 = Clock::now();
    void* mapped = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (mapped == MAP_FAILED) {
        std::fprintf(stderr, "mmap(%zu) failed\n", total);
        std::exit(1);
    }
    char* buf = static_cast<char*>(mapped);
    fill(buf, in, records);
    const auto t1 = Clock::now();
    const std::clock_t c1 = std::clock();
    const uint64_t sum = checksum(buf, total);
    munmap(mapped, total);
    report("populate", records, std::chrono::duration<double>(t1 - t0).count(), static_cast<double>(c1 - c0) / CLOCKS_PER_SEC, sum);
}
#endif

void viaVector(const Inputs& in, int64_t records) {
    using Clock = std::chrono::steady_clock;
    const std::clock_t c0 = std::clock();
    const auto t0 = Clock::now();
    std::vector<char> buf;
    buf.reserve(static_cast<size_t>(records) * kRecordBytes);
    const char framing[kFraming] = {static_cast<char>(kRecordBytes - 1), 0, 0};
    for (int64_t i = 0; i < records; ++i) {
        const std::string& key = in.keys[static_cast<size_t>(i % kKeys)];
        buf.insert(buf.end(), framing, framing + kFraming);
        buf.insert(buf.end(), key.data(), key.data() + kKeySize);
        buf.insert(buf.end(), in.value.data(), in.value.data() + kValueSize);
    }
    const auto t1 = Clock::now();
    const std::clock_t c1 = std::clock();
    report("vector", records, std::chrono::duration<double>(t1 - t0).count(), static_cast<double>(c1 - c0) / CLOCKS_PER_SEC,
           checksum(buf.data(), buf.size()));
}

}  // namespace

int main(int argc, char** argv) {
    const std::string which = argc > 1 ? argv[1] : "all";
    const int64_t records = argc > 2 ? std::atoll(argv[2]) : 2000000;
    if (records <= 0) {
        std::fprintf(stderr, "records must be positive\n");
        return 2;
    }
    const Inputs in;
    if (which == "malloc" || which == "all") viaMalloc(in, records);
    if (which == "vector" || which == "all") viaVector(in, records);
#ifdef __linux__
    if (which == "populate" || which == "all") viaPopulate(in, records);
#endif
    if (which != "malloc" && which != "vector" && which != "populate" && which != "all") {
        std::fprintf(stderr, "unknown mode '%s' (malloc, vector, populate (Linux), all)\n", which.c_str());
        return 2;
    }
    return 0;
}
