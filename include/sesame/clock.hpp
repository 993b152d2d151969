// Sesame — the clock. Every time Sesame reads comes from a Clock the host may replace, so tests
// move time instead of sleeping.
#pragma once

#include "sesame/export.hpp"

#include <atomic>
#include <memory>

#include "sesame/model.hpp"

namespace sesame {

class Clock {
public:
    virtual ~Clock() = default;
    // Unix seconds. Called from any thread; must be thread-safe.
    virtual UnixTime now() const = 0;
};

// The system's real-time clock.
class SESAME_CXX_API SystemClock final : public Clock {
public:
    UnixTime now() const override;
};

// A clock that moves only when told to. Thread-safe.
class FakeClock final : public Clock {
public:
    explicit FakeClock(UnixTime start = 1'767'225'600) : now_(start) {}  // 2026-01-01T00:00:00Z
    UnixTime now() const override { return now_.load(); }
    void set(UnixTime t) { now_.store(t); }
    void advance(std::int64_t seconds) { now_.fetch_add(seconds); }

private:
    std::atomic<UnixTime> now_;
};

}  // namespace sesame
