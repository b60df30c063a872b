// A small, fast, seedable generator (SplitMix64). Deterministic across platforms, which a
// reproducible schedule needs; std::mt19937's distributions are not.
#pragma once

#include <cstdint>

namespace baton::scheduler {

class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed) {}

    uint64_t next() {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    // Uniform in [0, bound); bound > 0. Lemire's multiply-shift, bias below 2^-32 for our bounds.
    uint64_t below(uint64_t bound) {
        return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * bound) >> 64);
    }

private:
    uint64_t state_;
};

}  // namespace baton::scheduler
