// Internal to capi/: C vtables seen as the C++ interfaces they plug into. Each adapter owns its
// vtable's user_data and calls destroy exactly once, from its destructor.
#pragma once

#include <string>

#include "capi/internal.hpp"
#include "sesame/clock.hpp"
#include "sesame/transport.hpp"

namespace sesame::capi {

// Calls destroy(user_data) once when the last copy goes away.
class Owned {
public:
    Owned(void* user_data, void (*destroy)(void*)) : user_data_(user_data), destroy_(destroy) {}
    Owned(const Owned&) = delete;
    Owned& operator=(const Owned&) = delete;
    ~Owned() {
        if (destroy_) destroy_(user_data_);
    }
    void* user_data() const { return user_data_; }

private:
    void* user_data_;
    void (*destroy_)(void*);
};

class ClockAdapter final : public Clock {
public:
    explicit ClockAdapter(const sesame_clock_vtable& v) : owned_(v.user_data, v.destroy), now_(v.now) {}
    UnixTime now() const override { return now_(owned_.user_data()); }

private:
    Owned owned_;
    int64_t (*now_)(void*);
};

class TransportAdapter final : public Transport {
public:
    explicit TransportAdapter(const sesame_transport_vtable& v) : owned_(v.user_data, v.destroy), send_(v.send) {}

    DeliveryResult send(const OutgoingMessage& m) override {
        sesame_outgoing_message out{sizeof(sesame_outgoing_message), m.message_id, m.agency_id,
                                    m.channel == Channel::sms ? SESAME_CHANNEL_SMS : SESAME_CHANNEL_EMAIL,
                                    m.to.c_str(), m.from.c_str(), m.subject.c_str(), m.body.c_str()};
        sesame_sink error;
        int32_t outcome = SESAME_DELIVERY_FAILED;
        const sesame_status st = send_(owned_.user_data(), &outcome, &out, &error);
        if (st != SESAME_OK)
            return {DeliveryOutcome::failed,
                    error.data.empty() ? std::string("transport callback failed: ") + sesame_status_name(st) : error.data};
        switch (outcome) {
            case SESAME_DELIVERY_SENT: return {DeliveryOutcome::sent, ""};
            case SESAME_DELIVERY_OPTED_OUT: return {DeliveryOutcome::opted_out, error.data};
            case SESAME_DELIVERY_FAILED: return {DeliveryOutcome::failed, error.data.empty() ? "delivery failed" : error.data};
            default: return {DeliveryOutcome::failed, "transport callback set an unknown outcome"};
        }
    }

private:
    Owned owned_;
    sesame_status (*send_)(void*, int32_t*, const sesame_outgoing_message*, sesame_sink*);
};

}  // namespace sesame::capi
