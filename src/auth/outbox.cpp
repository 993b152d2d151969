// The outbox: live messages wait here, sealed, until their channel's transport takes them.
#include <fmt/format.h>

#include "auth/engine_impl.hpp"

namespace sesame {

Result<MessageStatus> Engine::Impl::deliver(Id message_id) {
    std::lock_guard lock(outbox_mutex);
    auto m = store->get_message(message_id);
    if (!m) return m.status();
    if (m->status != MessageStatus::queued) return m->status;  // another dispatcher got there first
    const auto& transport = m->channel == Channel::sms ? options.sms_transport : options.email_transport;
    if (!transport) return MessageStatus::queued;
    // Inside a unit (a host's Engine::transact) the store is held: nothing leaves until it is
    // committed and dispatch() runs.
    if (in_unit()) return MessageStatus::queued;

    OutgoingMessage out{m->id, m->agency_id, m->channel, m->to, m->from, m->subject, ""};
    DeliveryResult result;
    if (auto body = crypto::unseal(keys, m->sealed)) {
        out.body = std::move(*body);
        try {
            result = transport->send(out);
        } catch (const std::exception& e) {
            result = {DeliveryOutcome::failed, fmt::format("transport threw: {}", e.what())};
        } catch (...) {
            result = {DeliveryOutcome::failed, "transport threw an unknown exception"};
        }
        crypto::wipe(out.body);
    } else {
        result = {DeliveryOutcome::failed, "the sealed body cannot be opened: was the master key changed?"};
    }

    // The outcome, and what it changes, in one unit of work after the transport has returned.
    SESAME_TRY(unit([&]() -> Status { return record_delivery(*m, result); }));
    return m->status;
}

Status Engine::Impl::record_delivery(Message& message, const DeliveryResult& result) {
    Message* m = &message;
    const UnixTime t = now();
    m->status = result.outcome == DeliveryOutcome::sent ? MessageStatus::sent : MessageStatus::failed;
    m->error = result.outcome == DeliveryOutcome::opted_out ? "recipient opted out" : result.error;
    m->sealed.clear();  // nothing secret stays once the message has left or failed
    m->updated_at = t;
    SESAME_TRY(store->update_message(*m));

    if (result.outcome == DeliveryOutcome::opted_out) {
        // SECURITY.md 12: the provider's word marks every contact with this value Opted-Out.
        auto contacts = store->find_contacts(m->agency_id, m->to);
        if (!contacts) return contacts.status();
        for (auto c : *contacts) {
            c.status = ContactStatus::opted_out;
            SESAME_TRY(store->update_contact(c));
        }
        auto revoked = revoke_for_destination(m->agency_id, m->to, "contact_opted_out");
        if (!revoked) return revoked.status();
    }
    audit({0, m->agency_id, t, "system", "message.deliver", fmt::format("message:{}", m->id),
           result.outcome == DeliveryOutcome::sent ? "ok" : "failed",
           result.outcome == DeliveryOutcome::sent ? "sent" : result.outcome == DeliveryOutcome::opted_out ? "opted_out" : "failed",
           "", m->error});
    return {};
}

Result<std::int64_t> Engine::dispatch(std::size_t limit) {
    auto queued = impl_->store->list_queued_messages(limit);
    if (!queued) return queued.status();
    std::int64_t sent = 0;
    for (const auto& m : *queued) {
        auto r = impl_->deliver(m.id);
        if (!r) return r.status();
        if (*r == MessageStatus::sent) ++sent;
    }
    return sent;
}

}  // namespace sesame
