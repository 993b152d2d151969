// Sesame — the random source behind one-time codes, replaceable so that tests can fix a code.
#pragma once

#include <cstdint>

#include "sesame/export.hpp"

namespace sesame {

class RandomSource {
public:
    virtual ~RandomSource() = default;
    // A uniformly distributed value in [0, upper), upper >= 1. Must be thread-safe.
    virtual std::uint32_t uniform(std::uint32_t upper) = 0;
};

}  // namespace sesame
