// Sesame — the Transport interface: how a channel's messages leave the building.
//
// Live-mode messages are queued in the outbox and handed to the transport of their channel by
// Engine::dispatch(). Simulated messages (simulate mode, or a staging agency) never reach a
// transport. A transport is called from the thread that calls dispatch(); it must not call back
// into the engine.
#pragma once

#include <string>

#include "sesame/model.hpp"

namespace sesame {

struct OutgoingMessage {
    Id message_id = 0;
    Id agency_id = 0;
    Channel channel = Channel::sms;
    std::string to;
    std::string from;
    std::string subject;
    std::string body;  // the whole text, code included: never log it
};

enum class DeliveryOutcome {
    sent,       // accepted by the provider
    failed,     // temporary or permanent failure; `error` says which
    opted_out,  // the provider says the recipient opted out: the contact becomes Opted-Out
};

struct DeliveryResult {
    DeliveryOutcome outcome = DeliveryOutcome::sent;
    std::string error;
};

class Transport {
public:
    virtual ~Transport() = default;
    virtual DeliveryResult send(const OutgoingMessage& message) = 0;
};

}  // namespace sesame
