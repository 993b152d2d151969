// What the concurrency tests share: threads that start at one instant, and a distinct visitor IP
// per thread.
#pragma once

#include <functional>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "sesame/engine.hpp"

namespace sesame::test {

// Runs body(i) on n threads that all start at once (a latch; nothing sleeps), and waits for them.
inline void together(int n, const std::function<void(int)>& body) {
    std::latch go(n);
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        threads.emplace_back([&, i] {
            go.arrive_and_wait();
            body(i);
        });
    for (auto& t : threads) t.join();
}

inline RequestInfo request_from(int i) { return RequestInfo{"198.51.100." + std::to_string(i + 1), "thread"}; }

}  // namespace sesame::test
