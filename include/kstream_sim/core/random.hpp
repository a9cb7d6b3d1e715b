// The seeded random generator: xoshiro256** with its own bounded draws.
//
// std::uniform_int_distribution and friends are implemented differently by libstdc++ and libc++, so the
// simulation never uses them: every random choice (sticky partition for null keys, network jitter, fault
// plans) is drawn here, and every component's generator is forked from the cluster's one seed.
#pragma once

#include <cstdint>
#include <string>

namespace kstream_sim {

class Random {
public:
    explicit Random(uint64_t seed = 0) : seed_(seed) {
        uint64_t x = seed;
        for (auto& word : state_) word = splitmix64(x);
    }

    uint64_t seed() const noexcept { return seed_; }

    uint64_t nextU64() noexcept {
        const uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }

    // Uniform in [0, bound); bound 0 gives 0. Rejection sampling keeps it exactly uniform.
    uint64_t nextBelow(uint64_t bound) noexcept {
        if (bound == 0) return 0;
        const uint64_t threshold = (0 - bound) % bound;
        for (;;) {
            const uint64_t r = nextU64();
            if (r >= threshold) return r % bound;
        }
    }

    // Uniform in [lo, hi] (inclusive).
    int64_t nextBetween(int64_t lo, int64_t hi) noexcept {
        if (hi <= lo) return lo;
        return lo + static_cast<int64_t>(nextBelow(static_cast<uint64_t>(hi - lo) + 1));
    }

    // True with probability numerator/denominator, without floating point.
    bool chance(uint64_t numerator, uint64_t denominator) noexcept { return nextBelow(denominator) < numerator; }

    // An independent generator for a named component, derived from this generator's seed only (not its
    // position), so adding a draw in one component never changes another's sequence.
    Random fork(const std::string& label) const noexcept {
        uint64_t h = seed_ ^ 0x9e3779b97f4a7c15ULL;
        for (unsigned char c : label) h = (h ^ c) * 0x100000001b3ULL;
        return Random(h);
    }

private:
    static uint64_t rotl(uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
    static uint64_t splitmix64(uint64_t& x) noexcept {
        uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    uint64_t seed_;
    uint64_t state_[4];
};

}  // namespace kstream_sim
