// Staff operations: agencies, their phones, addresses and templates, portals, clients, contacts,
// the message feed, sessions and the audit log, as JSON records over sesame::Engine.
//
// Every call checks its arguments and reads its whole record before it calls the engine, so a
// refused record (malformed, a wrong type, an unknown field) writes nothing. An update loads the
// stored record through the engine, which answers NOT_FOUND for anything the actor may not see,
// and applies the fields present onto it: a partial update.
#include <initializer_list>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "capi/staff_calls.hpp"

using sesame::capi::fail;
using sesame::capi::guard;
using sesame::records::json;

using namespace sesame::capi::staff_calls;
namespace records = sesame::records;

extern "C" {

// ---- agencies ---------------------------------------------------------------------------------

sesame_status sesame_agency_create(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                   const char* agency_json) {
    return create_record<sesame::Agency>(
        "sesame_agency_create", out_json, engine, actor, "agency_json", agency_json, "agency", {"name"},
        [](sesame::Engine& e, const sesame::Actor& a, sesame::Agency v) { return e.create_agency(a, std::move(v)); });
}

sesame_status sesame_agency_update(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                   const char* agency_json) {
    return update_record<sesame::Agency>(
        "sesame_agency_update", out_json, engine, actor, "agency_json", agency_json, "agency",
        [](sesame::Engine& e, const sesame::Actor& a, sesame::Id id) { return e.get_agency(a, id); },
        [](sesame::Engine& e, const sesame::Actor& a, const sesame::Agency& v) { return e.update_agency(a, v); });
}

sesame_status sesame_agency_get(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                int64_t agency_id) {
    return staff_call("sesame_agency_get", out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) {
        return emit(out_json, e.get_agency(a, agency_id));
    });
}

sesame_status sesame_agency_phone_add(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                      const char* phone_json) {
    return create_record<sesame::AgencyPhone>(
        "sesame_agency_phone_add", out_json, engine, actor, "phone_json", phone_json, "agency_phone",
        {"agency_id", "number"}, [](sesame::Engine& e, const sesame::Actor& a, const sesame::AgencyPhone& v) {
            return e.add_agency_phone(a, v.agency_id, v.number, v.registration);
        });
}

sesame_status sesame_agency_phone_update(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                         const char* phone_json) {
    const char* fn = "sesame_agency_phone_update";
    return staff_call(fn, out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) -> sesame_status {
        auto j = parse(fn, "phone_json", phone_json, "agency_phone");
        if (!j) return fail(j.status());
        auto id = records::read_id(*j, "agency_phone");
        if (!id) return fail(id.status());
        if (auto st = refuse(*j, "agency_phone", {"number"}, "a phone's number cannot change; add the new number instead");
            !st)
            return fail(st);
        sesame::AgencyPhone change;
        if (auto st = records::read_phone_change(*j, change); !st) return fail(st);
        if (auto st = require(*j, "agency_phone", {"agency_id", "registration"}); !st) return fail(st);
        // With a "revision", the phone is compared and changed in one unit of work.
        return emit(out_json, sesame::capi::staff_calls::in_one_unit<sesame::AgencyPhone>(e, [&]() -> sesame::Result<sesame::AgencyPhone> {
            if (change.revision != 0) {
                auto phones = e.list_agency_phones(a, change.agency_id);
                if (!phones) return phones.status();
                for (const auto& p : *phones)
                    if (p.id == *id) SESAME_TRY(sesame::store_detail::unchanged_since("agency phone", p.id, p.revision, change.revision));
            }
            return e.set_carrier_registration(a, change.agency_id, *id, change.registration);
        }));
    });
}

sesame_status sesame_agency_phone_list(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                       int64_t agency_id) {
    return staff_call("sesame_agency_phone_list", out_json, engine, actor,
                      [&](sesame::Engine& e, const sesame::Actor& a) { return emit(out_json, e.list_agency_phones(a, agency_id)); });
}

sesame_status sesame_agency_email_add(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                      const char* email_json) {
    return create_record<sesame::AgencyEmail>(
        "sesame_agency_email_add", out_json, engine, actor, "email_json", email_json, "agency_email",
        {"agency_id", "address"}, [](sesame::Engine& e, const sesame::Actor& a, const sesame::AgencyEmail& v) {
            return e.add_agency_email(a, v.agency_id, v.address, v.display_name);
        });
}

sesame_status sesame_agency_email_list(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                       int64_t agency_id) {
    return staff_call("sesame_agency_email_list", out_json, engine, actor,
                      [&](sesame::Engine& e, const sesame::Actor& a) { return emit(out_json, e.list_agency_emails(a, agency_id)); });
}

sesame_status sesame_template_set(sesame_engine* engine, const sesame_actor* actor, const char* template_json) {
    const char* fn = "sesame_template_set";
    return staff_call(fn, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) -> sesame_status {
        auto j = parse(fn, "template_json", template_json, "template");
        if (!j) return fail(j.status());
        // A template is keyed by (agency, channel, language): it has no id or creation time.
        if (auto st = refuse(*j, "template", {"id", "created_at"}, "a template has no such field"); !st) return fail(st);
        sesame::MessageTemplate t;
        if (auto st = records::read(*j, t); !st) return fail(st);
        if (auto st = require(*j, "template", {"agency_id", "channel", "language", "body"}); !st) return fail(st);
        auto st = e.set_message_template(a, t);
        return st.ok() ? SESAME_OK : fail(st);
    });
}

// ---- portals ----------------------------------------------------------------------------------

sesame_status sesame_portal_create(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                   const char* portal_json) {
    return create_record<sesame::Portal>(
        "sesame_portal_create", out_json, engine, actor, "portal_json", portal_json, "portal",
        {"agency_id", "name", "slug"},
        [](sesame::Engine& e, const sesame::Actor& a, sesame::Portal v) { return e.create_portal(a, std::move(v)); });
}

sesame_status sesame_portal_update(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                   const char* portal_json) {
    return update_record<sesame::Portal>(
        "sesame_portal_update", out_json, engine, actor, "portal_json", portal_json, "portal",
        [](sesame::Engine& e, const sesame::Actor& a, sesame::Id id) { return e.get_portal(a, id); },
        [](sesame::Engine& e, const sesame::Actor& a, const sesame::Portal& v) { return e.update_portal(a, v); });
}

sesame_status sesame_portal_get(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                int64_t portal_id) {
    return staff_call("sesame_portal_get", out_json, engine, actor,
                      [&](sesame::Engine& e, const sesame::Actor& a) { return emit(out_json, e.get_portal(a, portal_id)); });
}

sesame_status sesame_portal_list(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                 int64_t agency_id) {
    return staff_call("sesame_portal_list", out_json, engine, actor,
                      [&](sesame::Engine& e, const sesame::Actor& a) { return emit(out_json, e.list_portals(a, agency_id)); });
}

// ---- clients and contacts ---------------------------------------------------------------------

sesame_status sesame_client_create(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                   const char* client_json) {
    return create_record<sesame::Client>(
        "sesame_client_create", out_json, engine, actor, "client_json", client_json, "client", {"agency_id"},
        [](sesame::Engine& e, const sesame::Actor& a, sesame::Client v) { return e.create_client(a, std::move(v)); });
}

sesame_status sesame_client_update(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                   const char* client_json) {
    return update_record<sesame::Client>(
        "sesame_client_update", out_json, engine, actor, "client_json", client_json, "client",
        [](sesame::Engine& e, const sesame::Actor& a, sesame::Id id) { return e.get_client(a, id); },
        [](sesame::Engine& e, const sesame::Actor& a, const sesame::Client& v) { return e.update_client(a, v); });
}

sesame_status sesame_client_get(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                int64_t client_id) {
    return staff_call("sesame_client_get", out_json, engine, actor,
                      [&](sesame::Engine& e, const sesame::Actor& a) { return emit(out_json, e.get_client(a, client_id)); });
}

sesame_status sesame_client_list(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                 int64_t agency_id) {
    return staff_call("sesame_client_list", out_json, engine, actor,
                      [&](sesame::Engine& e, const sesame::Actor& a) { return emit(out_json, e.list_clients(a, agency_id)); });
}

sesame_status sesame_client_delete(sesame_engine* engine, const sesame_actor* actor, int64_t client_id) {
    return staff_call("sesame_client_delete", engine, actor,
                      [&](sesame::Engine& e, const sesame::Actor& a) -> sesame_status {
                          sesame::Status st = e.delete_client(a, client_id);
                          return st.ok() ? sesame::capi::ok() : fail(st);
                      });
}

sesame_status sesame_contact_add(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                 const char* contact_json) {
    const char* fn = "sesame_contact_add";
    return staff_call(fn, out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) -> sesame_status {
        auto j = parse(fn, "contact_json", contact_json, "contact");
        if (!j) return fail(j.status());
        if (auto st = refuse(*j, "contact", {"id"}, kAssigned); !st) return fail(st);
        sesame::Contact c;
        if (auto st = records::read_new_contact(*j, c); !st) return fail(st);
        if (auto st = require(*j, "contact", {"client_id", "kind", "value"}); !st) return fail(st);
        return emit(out_json, e.add_contact(a, c.client_id, c.kind, c.value));
    });
}

sesame_status sesame_contact_update(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                    const char* contact_json) {
    const char* fn = "sesame_contact_update";
    return staff_call(fn, out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) -> sesame_status {
        auto j = parse(fn, "contact_json", contact_json, "contact");
        if (!j) return fail(j.status());
        auto id = records::read_id(*j, "contact");
        if (!id) return fail(id.status());
        auto updated = sesame::capi::staff_calls::in_one_unit<sesame::Contact>(e, [&]() -> sesame::Result<sesame::Contact> {
            auto current = e.get_contact(a, *id);
            if (!current) return current.status();
            sesame::Contact next = *current;
            SESAME_TRY(records::read_contact_change(*j, next));
            // A contact belongs to one client of one agency and is a phone or an email for good: a
            // different one is a new contact.
            using sesame::Code;
            if (next.agency_id != current->agency_id)
                return sesame::Status(Code::invalid_argument, "field \"contact.agency_id\" cannot change");
            if (next.client_id != current->client_id)
                return sesame::Status(Code::invalid_argument,
                                      "field \"contact.client_id\" cannot change: add the contact to the other client instead");
            if (next.kind != current->kind)
                return sesame::Status(Code::invalid_argument, "field \"contact.kind\" cannot change: add a new contact instead");
            SESAME_TRY(sesame::store_detail::unchanged_since("contact", current->id, current->revision, next.revision));
            return e.update_contact(a, *id, next.value, next.status);
        });
        return emit(out_json, std::move(updated));
    });
}

sesame_status sesame_contact_list(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                  int64_t client_id) {
    return staff_call("sesame_contact_list", out_json, engine, actor,
                      [&](sesame::Engine& e, const sesame::Actor& a) { return emit(out_json, e.list_contacts(a, client_id)); });
}

sesame_status sesame_contact_remove(sesame_engine* engine, const sesame_actor* actor, int64_t contact_id) {
    return staff_call("sesame_contact_remove", engine, actor,
                      [&](sesame::Engine& e, const sesame::Actor& a) -> sesame_status {
                          sesame::Status st = e.remove_contact(a, contact_id);
                          return st.ok() ? sesame::capi::ok() : fail(st);
                      });
}

// ---- what staff may read about logins ---------------------------------------------------------

sesame_status sesame_message_feed(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                  int64_t client_id, size_t limit) {
    return staff_call("sesame_message_feed", out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) {
        return emit(out_json, e.message_feed(a, client_id, limit));
    });
}

sesame_status sesame_client_sessions(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                     int64_t client_id) {
    return staff_call("sesame_client_sessions", out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) {
        return emit(out_json, e.client_sessions(a, client_id));
    });
}

sesame_status sesame_client_sessions_revoke(int64_t* out_count, sesame_engine* engine, const sesame_actor* actor,
                                            int64_t client_id) {
    const char* fn = "sesame_client_sessions_revoke";
    if (!out_count) return guard([&] { return bad(fmt::format("{}: out_count is NULL", fn)); });
    return staff_call(fn, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) -> sesame_status {
        auto r = e.revoke_client_sessions(a, client_id);
        if (!r) return fail(r.status());
        *out_count = *r;
        return SESAME_OK;
    });
}

sesame_status sesame_audit_log(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                               int64_t agency_id, size_t limit) {
    return staff_call("sesame_audit_log", out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) {
        return emit(out_json, e.audit_log(a, agency_id, limit));
    });
}

}  // extern "C"
