// Helpers shared by the C++ tests of the C ABI: a C host's actor, and calls that answer JSON.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "sesame/sesame.h"

namespace sesame::test::capi {

using nlohmann::json;

inline bool has(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

// A staff member as a C host fills sesame_actor: the strings live as long as this object.
class CActor {
public:
    CActor(std::string id, int64_t agency_id, std::vector<std::string> permissions, bool super_admin = false)
        : id_(std::move(id)), permissions_(std::move(permissions)) {
        for (const auto& p : permissions_) pointers_.push_back(p.c_str());
        actor_.id = id_.c_str();
        actor_.agency_id = agency_id;
        actor_.permissions = pointers_.data();
        actor_.permission_count = pointers_.size();
        actor_.super_admin = super_admin ? 1 : 0;
    }
    CActor(const CActor&) = delete;
    CActor& operator=(const CActor&) = delete;
    const sesame_actor* get() const { return &actor_; }

private:
    std::string id_;
    std::vector<std::string> permissions_;
    std::vector<const char*> pointers_;
    sesame_actor actor_ = SESAME_ACTOR_INIT;
};

// The outcome of one C call that answers JSON.
struct Answer {
    sesame_status status = SESAME_E_INTERNAL;
    std::string message;  // sesame_last_error_message() right after the call
    json body;            // the JSON answer on success
};

template <class F>
Answer call(F&& f) {
    sesame_buf out{nullptr, 0};
    Answer a;
    a.status = f(&out);
    a.message = sesame_last_error_message();
    if (a.status == SESAME_OK) {
        REQUIRE(out.data != nullptr);
        CHECK(out.data[out.size] == '\0');
        a.body = json::parse(out.data, out.data + out.size);
    } else {
        CHECK(out.data == nullptr);  // a refusal hands nothing back
    }
    sesame_buf_free(&out);
    CHECK(out.data == nullptr);
    return a;
}

// A call that must succeed: its JSON.
template <class F>
json ok(F&& f) {
    Answer a = call(std::forward<F>(f));
    REQUIRE_MESSAGE(a.status == SESAME_OK, sesame_status_name(a.status), ": ", a.message);
    return a.body;
}

}  // namespace sesame::test::capi
