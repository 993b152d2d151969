#include <chrono>

#include "sesame/clock.hpp"

namespace sesame {

UnixTime SystemClock::now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace sesame
