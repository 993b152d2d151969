// Agencies, their sending phones and addresses, and their message templates. Creating and
// changing an agency is a super admin's job; its own staff may read it.
#include <algorithm>

#include <fmt/format.h>

#include "auth/engine_impl.hpp"
#include "identity/identity.hpp"
#include "portal/agency_time.hpp"
#include "portal/staff.hpp"

namespace sesame {
namespace {

using portal::check_text;

constexpr std::int32_t kMaxSmsPerHour = 100000;
constexpr std::size_t kMaxTimeZone = 64;
constexpr std::size_t kMaxTemplateBody = 2000;  // a message's content bound (DOMAIN.md)
constexpr std::size_t kMaxSubject = 255;

Status validate_agency(const Agency& a) {
    SESAME_TRY(check_text("agency.name", a.name, portal::kMaxField, true));
    SESAME_TRY(check_text("agency.time_zone", a.time_zone, kMaxTimeZone, true));
    if (!portal::is_time_zone(a.time_zone))
        return {Code::invalid_argument,
                "agency.time_zone must be an IANA time zone name such as \"America/Chicago\" or \"UTC\""};
    if (a.environment != Environment::staging && a.environment != Environment::production)
        return {Code::invalid_argument, "agency.environment must be staging or production"};
    if (a.send_mode != SendMode::live && a.send_mode != SendMode::simulate)
        return {Code::invalid_argument, "agency.send_mode must be live or simulate"};
    if (!identity::is_known_region(a.default_region))
        return {Code::invalid_argument,
                "agency.default_region must be a region code such as \"US\" (ISO 3166-1 alpha-2, upper case)"};
    for (const auto& r : a.sms_countries)
        if (!identity::is_known_region(r))
            return {Code::invalid_argument,
                    fmt::format("agency.sms_countries: \"{}\" is not a region code such as \"US\"",
                                r.size() <= 8 ? r : r.substr(0, 8) + "...")};
    if (a.sms_per_hour_limit < 1 || a.sms_per_hour_limit > kMaxSmsPerHour)
        return {Code::invalid_argument, fmt::format("agency.sms_per_hour_limit must be between 1 and {} (got {})",
                                                    kMaxSmsPerHour, a.sms_per_hour_limit)};
    return {};
}

std::vector<std::string> agency_changes(const Agency& before, const Agency& after) {
    std::vector<std::string> f;
    if (before.name != after.name) f.push_back("name");
    if (before.time_zone != after.time_zone) f.push_back("time_zone");
    if (before.environment != after.environment) f.push_back(fmt::format("environment={}", to_string(after.environment)));
    if (before.send_mode != after.send_mode) f.push_back(fmt::format("send_mode={}", to_string(after.send_mode)));
    if (before.default_region != after.default_region) f.push_back("default_region");
    if (before.sms_countries != after.sms_countries) f.push_back("sms_countries");
    if (before.sms_per_hour_limit != after.sms_per_hour_limit) f.push_back("sms_per_hour_limit");
    return f;
}

}  // namespace

Result<Agency> Engine::create_agency(const Actor& actor, Agency agency) {
    Impl& im = *impl_;
    SESAME_TRY(portal::require_super_admin_audited(im, actor, "agency.create", "agency:new"));
    // Every agency starts simulated (DOMAIN.md): going live is a separate, deliberate update.
    agency.send_mode = SendMode::simulate;
    SESAME_TRY(validate_agency(agency));
    agency.created_at = im.now();
    auto id = im.store->insert_agency(agency);
    if (!id) return id.status();
    agency.id = *id;
    agency.revision = 1;
    portal::audit_change(im, actor, agency.id, "agency.create", fmt::format("agency:{}", agency.id),
                         fmt::format("environment={}, send_mode=simulate", to_string(agency.environment)));
    return agency;
}

Result<Agency> Engine::update_agency(const Actor& actor, const Agency& agency) {
    Impl& im = *impl_;
    return portal::in_unit<Agency>(im, [&]() -> Result<Agency> {
        const std::string target = fmt::format("agency:{}", agency.id);
        SESAME_TRY(portal::require_super_admin_audited(im, actor, "agency.update", target));
        auto before = im.visible_agency(actor, agency.id);
        if (!before) return before.status();
        SESAME_TRY(validate_agency(agency));
        auto over = portal::update_over("agency", agency.id, before->revision, agency.revision);
        if (!over) return over.status();
        Agency after = agency;
        after.created_at = before->created_at;
        after.revision = *over;
        SESAME_TRY(im.store->update_agency(after));
        after.revision = store_detail::next_revision(*over);
        portal::audit_change(im, actor, after.id, "agency.update", target, portal::join_fields(agency_changes(*before, after)));
        return after;
    });
}

Result<Agency> Engine::get_agency(const Actor& actor, Id agency_id) { return impl_->visible_agency(actor, agency_id); }

Result<std::vector<Agency>> Engine::list_agencies(const Actor& actor) {
    if (actor.super_admin) return impl_->store->list_agencies();
    auto own = impl_->visible_agency(actor, actor.agency_id);
    if (!own) return own.code() == Code::not_found ? Result<std::vector<Agency>>(std::vector<Agency>{}) : own.status();
    return std::vector<Agency>{std::move(*own)};
}

Result<AgencyPhone> Engine::add_agency_phone(const Actor& actor, Id agency_id, const std::string& number,
                                             CarrierRegistration registration) {
    Impl& im = *impl_;
    const std::string target = fmt::format("agency:{}", agency_id);
    SESAME_TRY(portal::require_super_admin_audited(im, actor, "agency_phone.add", target));
    auto agency = im.visible_agency(actor, agency_id);
    if (!agency) return agency.status();
    if (registration != CarrierRegistration::pending && registration != CarrierRegistration::complete)
        return Status(Code::invalid_argument, "registration must be pending or complete");
    auto e164 = identity::normalize_phone(number, agency->default_region);
    if (!e164) return Status(Code::invalid_argument, "the agency phone number is not valid: " + e164.status().message());
    AgencyPhone phone{0, agency_id, *e164, registration};
    auto id = im.store->insert_agency_phone(phone);
    if (!id) {
        if (id.code() == Code::already_exists)
            return Status(Code::already_exists, fmt::format("the agency already has the phone number {}", phone.number));
        return id.status();
    }
    phone.id = *id;
    phone.revision = 1;
    portal::audit_change(im, actor, agency_id, "agency_phone.add", fmt::format("agency_phone:{}", phone.id),
                         fmt::format("{} registration={}", phone.number, to_string(registration)));
    return phone;
}

Result<AgencyPhone> Engine::set_carrier_registration(const Actor& actor, Id agency_id, Id phone_id,
                                                     CarrierRegistration registration) {
    Impl& im = *impl_;
    return portal::in_unit<AgencyPhone>(im, [&]() -> Result<AgencyPhone> {
        const std::string target = fmt::format("agency_phone:{}", phone_id);
        SESAME_TRY(portal::require_super_admin_audited(im, actor, "agency_phone.update", target));
        auto agency = im.visible_agency(actor, agency_id);
        if (!agency) return agency.status();
        if (registration != CarrierRegistration::pending && registration != CarrierRegistration::complete)
            return Status(Code::invalid_argument, "registration must be pending or complete");
        auto phones = im.store->list_agency_phones(agency_id);
        if (!phones) return phones.status();
        auto it = std::find_if(phones->begin(), phones->end(), [&](const AgencyPhone& p) { return p.id == phone_id; });
        if (it == phones->end()) return portal::not_found("agency phone", phone_id);
        AgencyPhone phone = *it;
        const CarrierRegistration before = phone.registration;
        phone.registration = registration;
        SESAME_TRY(im.store->update_agency_phone(phone));  // over the revision just read
        phone.revision = store_detail::next_revision(phone.revision);
        portal::audit_change(im, actor, agency_id, "agency_phone.update", target,
                             before == registration ? "no change" : fmt::format("registration={}", to_string(registration)));
        return phone;
    });
}

Result<std::vector<AgencyPhone>> Engine::list_agency_phones(const Actor& actor, Id agency_id) {
    auto agency = impl_->visible_agency(actor, agency_id);
    if (!agency) return agency.status();
    return impl_->store->list_agency_phones(agency_id);
}

Result<AgencyEmail> Engine::add_agency_email(const Actor& actor, Id agency_id, const std::string& address,
                                             const std::string& display_name) {
    Impl& im = *impl_;
    const std::string target = fmt::format("agency:{}", agency_id);
    SESAME_TRY(portal::require_super_admin_audited(im, actor, "agency_email.add", target));
    auto agency = im.visible_agency(actor, agency_id);
    if (!agency) return agency.status();
    auto normalized = identity::normalize_email(address);
    if (!normalized)
        return Status(Code::invalid_argument, "the agency email address is not valid: " + normalized.status().message());
    // The display name goes into a From: header: control characters there would let it forge headers.
    SESAME_TRY(check_text("display_name", display_name, portal::kMaxField, false));
    AgencyEmail email{0, agency_id, *normalized, display_name};
    auto id = im.store->insert_agency_email(email);
    if (!id) {
        if (id.code() == Code::already_exists)
            return Status(Code::already_exists, fmt::format("the agency already has the address {}", email.address));
        return id.status();
    }
    email.id = *id;
    portal::audit_change(im, actor, agency_id, "agency_email.add", fmt::format("agency_email:{}", email.id), email.address);
    return email;
}

Result<std::vector<AgencyEmail>> Engine::list_agency_emails(const Actor& actor, Id agency_id) {
    auto agency = impl_->visible_agency(actor, agency_id);
    if (!agency) return agency.status();
    return impl_->store->list_agency_emails(agency_id);
}

Status Engine::set_message_template(const Actor& actor, const MessageTemplate& t) {
    Impl& im = *impl_;
    const std::string target = fmt::format("template:{}:{}:{}", t.agency_id, to_string(t.channel),
                                           portal::is_language(t.language) ? t.language : "?");
    SESAME_TRY(portal::require_audited(im, actor, "update_portals", "template.set", target));
    if (t.agency_id == 0)
        return {Code::invalid_argument, "template.agency_id must name an agency: the built-in templates cannot be changed"};
    auto agency = im.visible_agency(actor, t.agency_id);
    if (!agency) return agency.status();
    if (t.channel != Channel::sms && t.channel != Channel::email)
        return {Code::invalid_argument, "template.channel must be sms or email"};
    if (!portal::is_language(t.language))
        return {Code::invalid_argument, "template.language must be two lowercase letters (an ISO 639-1 code such as \"es\")"};
    SESAME_TRY(check_text("template.body", t.body, kMaxTemplateBody, true, true));
    // Without the placeholder the message would reach the person with no code in it.
    if (t.body.find("{code}") == std::string::npos)
        return {Code::invalid_argument, "template.body must contain {code}"};
    // An email needs a subject; an SMS has none, and whatever is passed is never sent.
    SESAME_TRY(check_text("template.subject", t.subject, kMaxSubject, t.channel == Channel::email));
    SESAME_TRY(im.store->put_template(t));
    portal::audit_change(im, actor, t.agency_id, "template.set", target,
                         t.channel == Channel::email ? "subject, body" : "body");
    return {};
}

}  // namespace sesame
