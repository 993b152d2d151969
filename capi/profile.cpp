// The profile calls of the C ABI: the portal's profile policy for staff as a JSON object of field
// -> policy word, the client's own profile and its update over JSON, and the contact change with
// typed results like sesame_login_start / sesame_login_verify.
//
// Every call checks its arguments and reads its whole JSON before it calls the engine, so a
// refused argument writes nothing.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <sodium.h>

#include "capi/internal.hpp"
#include "capi/records.hpp"
#include "capi/staff_calls.hpp"

using sesame::capi::fail;
using sesame::capi::guard;
using sesame::capi::staff_calls::bad;
using sesame::capi::staff_calls::emit;
using sesame::capi::staff_calls::staff_call;

namespace {

using nlohmann::json;

#define SESAME_PROFILE_V1_SIZE(T, last) (offsetof(T, last) + sizeof(static_cast<T*>(nullptr)->last))
constexpr std::size_t kRequestV1 = SESAME_PROFILE_V1_SIZE(sesame_request, user_agent);
constexpr std::size_t kStartedV1 = SESAME_PROFILE_V1_SIZE(sesame_contact_change_started, resend_after);
constexpr std::size_t kConfirmedV1 = SESAME_PROFILE_V1_SIZE(sesame_contact_change_confirmed, sessions_revoked);
#undef SESAME_PROFILE_V1_SIZE

sesame::RequestInfo request_of(const sesame_request* r) {
    sesame::RequestInfo info;
    if (r) {
        if (r->ip) info.ip = r->ip;
        if (r->user_agent) info.user_agent = r->user_agent;
    }
    return info;
}

json policy_json(const sesame::ProfilePolicy& p) {
    json j = json::object();
    for (const auto& [field, policy] : p) j[field] = std::string(sesame::to_string(policy));
    return j;
}

json profile_json(const sesame::Profile& p) {
    json fields = json::array();
    for (const auto& f : p.fields)
        fields.push_back({{"name", f.name}, {"value", f.value}, {"policy", std::string(sesame::to_string(f.policy))}});
    auto word = [](const std::optional<sesame::FieldPolicy>& v) {
        return v ? json(std::string(sesame::to_string(*v))) : json(nullptr);
    };
    return {{"client_id", p.client_id},
            {"fields", std::move(fields)},
            {"phone", word(p.phone)},
            {"email", word(p.email)},
            {"contacts", sesame::records::write_all(p.contacts)}};
}

// An object parsed from the caller's text: NULL, malformed JSON or a non-object is refused.
sesame::Result<json> object_arg(const char* fn, const char* arg, const char* text, std::string_view what) {
    if (!text) return sesame::Status(sesame::Code::invalid_argument, fmt::format("{}: {} is NULL", fn, arg));
    return sesame::records::parse_object(text, what);
}

}  // namespace

extern "C" {

sesame_status sesame_profile_policy_set(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                        int64_t portal_id, const char* policy_json_text) {
    constexpr const char* fn = "sesame_profile_policy_set";
    return staff_call(fn, out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) -> sesame_status {
        auto j = object_arg(fn, "policy_json", policy_json_text, "profile policy");
        if (!j) return fail(j.status());
        sesame::ProfilePolicy policy;
        for (const auto& [field, word] : j->items()) {
            sesame::FieldPolicy p = sesame::FieldPolicy::read_only;
            if (!word.is_string() || !sesame::parse(word.get_ref<const std::string&>(), p))
                return bad(fmt::format("{}: field \"{}\" must be \"editable\", \"read_only\" or \"hidden\"", fn,
                                       field));
            policy[field] = p;
        }
        auto r = e.set_profile_policy(a, portal_id, policy);
        if (!r) return fail(r.status());
        return emit(out_json, policy_json(*r));
    });
}

sesame_status sesame_profile_policy_get(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                        int64_t portal_id) {
    return staff_call("sesame_profile_policy_get", out_json, engine, actor,
                      [&](sesame::Engine& e, const sesame::Actor& a) -> sesame_status {
                          auto r = e.get_profile_policy(a, portal_id);
                          if (!r) return fail(r.status());
                          return emit(out_json, policy_json(*r));
                      });
}

sesame_status sesame_profile_get(sesame_buf* out_json, sesame_engine* engine, int64_t portal_id, const char* token) {
    return guard([&]() -> sesame_status {
        if (!out_json) return bad("sesame_profile_get: out_json is NULL");
        if (!engine || !engine->rep) return bad("sesame_profile_get: engine is NULL");
        if (!token) return bad("sesame_profile_get: token is NULL: pass the visitor's session token");
        auto r = engine->rep->profile(portal_id, token);
        if (!r) return fail(r.status());
        return emit(out_json, profile_json(*r));
    });
}

sesame_status sesame_profile_update(sesame_buf* out_json, sesame_engine* engine, int64_t portal_id, const char* token,
                                    const char* changes_json) {
    constexpr const char* fn = "sesame_profile_update";
    return guard([&]() -> sesame_status {
        if (!out_json) return bad("sesame_profile_update: out_json is NULL");
        if (!engine || !engine->rep) return bad("sesame_profile_update: engine is NULL");
        if (!token) return bad("sesame_profile_update: token is NULL: pass the visitor's session token");
        auto j = object_arg(fn, "changes_json", changes_json, "profile changes");
        if (!j) return fail(j.status());
        std::map<std::string, std::string> changes;
        for (const auto& [field, value] : j->items()) {
            if (!value.is_string()) return bad(fmt::format("{}: field \"{}\" must be a string", fn, field));
            changes[field] = value.get<std::string>();
        }
        auto r = engine->rep->update_profile(portal_id, token, changes);
        if (!r) return fail(r.status());
        return emit(out_json, profile_json(*r));
    });
}

sesame_status sesame_contact_change_request(sesame_contact_change_started* out, sesame_engine* engine,
                                            int64_t portal_id, const char* token, const char* kind, const char* value,
                                            int64_t replaces_contact_id, const sesame_request* request) {
    return guard([&]() -> sesame_status {
        if (!out || out->struct_size < kStartedV1)
            return bad("sesame_contact_change_request: out is NULL or its struct_size is too small: use "
                       "SESAME_CONTACT_CHANGE_STARTED_INIT");
        if (!engine || !engine->rep) return bad("sesame_contact_change_request: engine is NULL");
        if (!token) return bad("sesame_contact_change_request: token is NULL: pass the visitor's session token");
        sesame::ContactKind k = sesame::ContactKind::phone;
        if (!kind || !sesame::parse(kind, k))
            return bad("sesame_contact_change_request: kind must be \"phone\" or \"email\"");
        if (!value) return bad("sesame_contact_change_request: value is NULL: pass the new phone number or email");
        if (replaces_contact_id < 0)
            return bad("sesame_contact_change_request: replaces_contact_id must be a contact id, or 0 to add one");
        if (request && request->struct_size < kRequestV1)
            return bad("sesame_contact_change_request: request's struct_size is too small: use SESAME_REQUEST_INIT");
        std::optional<sesame::Id> replaces;
        if (replaces_contact_id > 0) replaces = replaces_contact_id;
        auto r = engine->rep->request_contact_change(portal_id, token, k, value, replaces, request_of(request));
        if (!r) return fail(r.status());
        sesame::capi::copy_text(out->challenge_id, r->challenge_id);
        out->channel = r->channel == sesame::Channel::sms ? SESAME_CHANNEL_SMS : SESAME_CHANNEL_EMAIL;
        sesame::capi::copy_text(out->masked_destination, r->masked_destination);
        out->expires_at = r->expires_at;
        out->resend_after = r->resend_after;
        return SESAME_OK;
    });
}

sesame_status sesame_contact_change_confirm(sesame_contact_change_confirmed* out, sesame_engine* engine,
                                            int64_t portal_id, const char* token, const char* challenge_id,
                                            const char* code, const sesame_request* request) {
    return guard([&]() -> sesame_status {
        if (!out || out->struct_size < kConfirmedV1)
            return bad("sesame_contact_change_confirm: out is NULL or its struct_size is too small: use "
                       "SESAME_CONTACT_CHANGE_CONFIRMED_INIT");
        if (!engine || !engine->rep) return bad("sesame_contact_change_confirm: engine is NULL");
        if (!token) return bad("sesame_contact_change_confirm: token is NULL: pass the visitor's session token");
        if (!challenge_id || !code) return bad("sesame_contact_change_confirm: challenge_id and code are required");
        if (request && request->struct_size < kRequestV1)
            return bad("sesame_contact_change_confirm: request's struct_size is too small: use SESAME_REQUEST_INIT");
        auto r = engine->rep->confirm_contact_change(portal_id, token, challenge_id, code, request_of(request));
        if (!r) return fail(r.status());
        out->contact_id = r->contact.id;
        out->replaced = r->replaced ? 1 : 0;
        out->sessions_revoked = r->sessions_revoked;
        return SESAME_OK;
    });
}

}  // extern "C"
