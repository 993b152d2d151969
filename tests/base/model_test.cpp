#include <doctest/doctest.h>

#include "sesame/model.hpp"
#include "sesame/status.hpp"

using namespace sesame;

TEST_CASE("enum words round-trip and unknown words are refused") {
    ClientAuth a = ClientAuth::disabled;
    CHECK(parse("one-time-password", a));
    CHECK(a == ClientAuth::one_time_password);
    CHECK(to_string(a) == "one-time-password");
    CHECK_FALSE(parse("otp", a));
    CHECK(a == ClientAuth::one_time_password);  // untouched on failure
    ContactStatus s = ContactStatus::valid;
    CHECK(parse("opted_out", s));
    CHECK(s == ContactStatus::opted_out);
    MessageStatus m = MessageStatus::queued;
    CHECK(parse("simulated", m));
    CHECK(to_string(MessageStatus::simulated) == "simulated");
}

TEST_CASE("status names are stable") {
    CHECK(std::string(code_name(Code::rate_limited)) == "SESAME_E_RATE_LIMITED");
    CHECK(std::string(code_name(Code::ok)) == "SESAME_OK");
    CHECK(std::string(code_name(static_cast<Code>(-999))) == "SESAME_E_UNKNOWN");
    Status st(Code::rate_limited, "wait");
    st.with_retry_after(42);
    CHECK(st.retry_after() == 42);
    Result<int> r(Code::not_found, "nope");
    CHECK_FALSE(r.ok());
    CHECK(r.code() == Code::not_found);
    Result<int> v(7);
    CHECK(*v == 7);
    CHECK(v.status().ok());
}
