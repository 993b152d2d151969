// The dashboard: staff calls on a portal's templates (answered as JSON records) and the page a
// logged-in client gets, as HTML.
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capi/internal.hpp"
#include "capi/staff_calls.hpp"

using sesame::capi::fail;
using sesame::capi::give;
using sesame::capi::guard;
using sesame::capi::staff_calls::bad;
using sesame::capi::staff_calls::emit;
using sesame::capi::staff_calls::staff_call;

namespace {

using nlohmann::json;

json record(const sesame::DashboardTemplate& t) {
    return json{{"portal_id", t.portal_id}, {"language", t.language}, {"text", t.text}, {"updated_at", t.updated_at}};
}

sesame_status answer(sesame_buf* out, const sesame::Result<sesame::DashboardTemplate>& r) {
    if (!r) return fail(r.status());
    return emit(out, record(*r));
}

}  // namespace

extern "C" {

sesame_status sesame_dashboard_template_set(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                            int64_t portal_id, const char* language, const char* text) {
    const char* fn = "sesame_dashboard_template_set";
    return staff_call(fn, out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) -> sesame_status {
        if (!language) return bad(fmt::format("{}: language is NULL: pass an ISO 639-1 code such as \"en\"", fn));
        if (!text) return bad(fmt::format("{}: text is NULL: pass the template, in the merge-tag syntax", fn));
        return answer(out_json, e.set_dashboard_template(a, portal_id, language, text));
    });
}

sesame_status sesame_dashboard_template_get(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                            int64_t portal_id, const char* language) {
    const char* fn = "sesame_dashboard_template_get";
    return staff_call(fn, out_json, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) -> sesame_status {
        if (!language) return bad(fmt::format("{}: language is NULL: pass an ISO 639-1 code such as \"en\"", fn));
        return answer(out_json, e.get_dashboard_template(a, portal_id, language));
    });
}

sesame_status sesame_dashboard_template_list(sesame_buf* out_json, sesame_engine* engine, const sesame_actor* actor,
                                             int64_t portal_id) {
    return staff_call("sesame_dashboard_template_list", out_json, engine, actor,
                      [&](sesame::Engine& e, const sesame::Actor& a) -> sesame_status {
                          auto rows = e.list_dashboard_templates(a, portal_id);
                          if (!rows) return fail(rows.status());
                          json out = json::array();
                          for (const auto& t : *rows) out.push_back(record(t));
                          return emit(out_json, out);
                      });
}

sesame_status sesame_dashboard_template_delete(sesame_engine* engine, const sesame_actor* actor, int64_t portal_id,
                                               const char* language) {
    const char* fn = "sesame_dashboard_template_delete";
    return staff_call(fn, engine, actor, [&](sesame::Engine& e, const sesame::Actor& a) -> sesame_status {
        if (!language) return bad(fmt::format("{}: language is NULL: pass an ISO 639-1 code such as \"en\"", fn));
        if (auto st = e.delete_dashboard_template(a, portal_id, language); !st.ok()) return fail(st);
        return sesame::capi::ok();
    });
}

sesame_status sesame_dashboard_render(sesame_buf* out_html, sesame_engine* engine, int64_t portal_id,
                                      const char* token) {
    const char* fn = "sesame_dashboard_render";
    return guard([&]() -> sesame_status {
        if (!out_html) return bad(fmt::format("{}: out_html is NULL", fn));
        if (!engine || !engine->rep) return bad(fmt::format("{}: engine is NULL", fn));
        if (!token) return bad(fmt::format("{}: token is NULL", fn));
        auto page = engine->rep->render_dashboard(portal_id, token);
        if (!page) return fail(page.status());
        return give(out_html, page->html);
    });
}

}  // extern "C"
