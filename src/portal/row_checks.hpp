// Checks of many rows (bulk import) run on worker threads while the caller writes the rows already
// checked. `check(i)` must touch only row i's own state: rows are handed out in chunks, in order.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace sesame::portal {

class RowChecks {
public:
    // Rows per chunk: small enough that the first write does not wait long, large enough that
    // handing out chunks costs nothing next to checking them.
    static constexpr std::size_t kChunk = 128;
    // At most this many workers, and never more than the machine has hardware threads.
    static constexpr std::size_t kMaxWorkers = 8;

    RowChecks(std::size_t rows, std::function<void(std::size_t)> check)
        : rows_(rows), chunks_((rows + kChunk - 1) / kChunk), check_(std::move(check)), done_(chunks_, 0) {
        // One chunk or none is checked on the caller's thread, in wait_for: a thread would cost more.
        if (chunks_ < 2) return;
        const std::size_t hardware = std::max<std::size_t>(1, std::thread::hardware_concurrency());
        const std::size_t workers = std::min({hardware, kMaxWorkers, chunks_});
        for (std::size_t w = 0; w < workers; ++w) {
            try {
                threads_.emplace_back([this] { work(); });
            } catch (const std::system_error&) {
                break;  // no thread to be had: wait_for checks the rest on the caller's thread
            }
        }
    }

    RowChecks(const RowChecks&) = delete;
    RowChecks& operator=(const RowChecks&) = delete;

    ~RowChecks() { stop(); }

    // Returns once rows [0, end) are checked; checks unclaimed chunks itself rather than wait idle.
    void wait_for(std::size_t end) {
        const std::size_t needed = (std::min(end, rows_) + kChunk - 1) / kChunk;
        while (true) {
            {
                std::unique_lock lock(mutex_);
                if (prefix_ >= needed) return;
            }
            if (!run_one()) {
                std::unique_lock lock(mutex_);
                changed_.wait(lock, [&] { return prefix_ >= needed; });
                return;
            }
        }
    }

    // No chunk is handed out after this; returns once every worker has finished its own.
    void stop() {
        stopped_.store(true);
        for (auto& t : threads_)
            if (t.joinable()) t.join();
    }

    // Worker threads started (0 when the rows fit one chunk); for tests.
    std::size_t workers() const { return threads_.size(); }

private:
    void work() {
        while (run_one()) {
        }
    }

    // Claims the next chunk and checks its rows; false when none is left (or after stop()).
    bool run_one() {
        if (stopped_.load()) return false;
        const std::size_t c = next_.fetch_add(1);
        if (c >= chunks_) return false;
        const std::size_t last = std::min(rows_, (c + 1) * kChunk);
        for (std::size_t i = c * kChunk; i < last; ++i) check_(i);
        {
            std::lock_guard lock(mutex_);
            done_[c] = 1;
            while (prefix_ < chunks_ && done_[prefix_]) ++prefix_;
        }
        changed_.notify_all();
        return true;
    }

    const std::size_t rows_;
    const std::size_t chunks_;
    const std::function<void(std::size_t)> check_;
    std::atomic<std::size_t> next_{0};
    std::atomic<bool> stopped_{false};
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<char> done_;   // under mutex_
    std::size_t prefix_ = 0;   // chunks [0, prefix_) are done; under mutex_
    std::vector<std::thread> threads_;
};

}  // namespace sesame::portal
