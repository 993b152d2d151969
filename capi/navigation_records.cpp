#include "capi/navigation_records.hpp"

#include <string>

#include "capi/json_reader.hpp"

namespace sesame::records {
namespace {

void sidebar_item_fields(Reader& r, SidebarItem& i) {
    r.integer("agency_id", i.agency_id);
    r.integer("portal_id", i.portal_id);
    r.text("title", i.title);
    r.text_map("titles", i.titles);
    r.text("link", i.link);
    r.integer("order", i.order);
    r.word("visibility", i.visibility, "\"public\" or \"private\"");
}

void gated_resource_fields(Reader& r, GatedResource& g) {
    r.integer("agency_id", g.agency_id);
    r.integer("portal_id", g.portal_id);
    r.word("kind", g.kind, "\"calendar\" or \"form\"");
    r.text("slug", g.slug);
    r.text("title", g.title);
    r.text_map("titles", g.titles);
    r.boolean("requires_login", g.requires_login);
}

template <class T>
json write_list(const std::vector<T>& rows) {
    json a = json::array();
    for (const auto& row : rows) a.push_back(write(row));
    return a;
}

}  // namespace

Status read(const json& j, SidebarItem& out) { return read_into(j, out, "sidebar_item", sidebar_item_fields); }
Status read(const json& j, GatedResource& out) { return read_into(j, out, "gated_resource", gated_resource_fields); }

json write(const SidebarItem& v) {
    return {{"id", v.id},
            {"agency_id", v.agency_id},
            {"portal_id", v.portal_id},
            {"title", v.title},
            {"titles", v.titles},
            {"link", v.link},
            {"order", v.order},
            {"visibility", std::string(to_string(v.visibility))},
            {"created_at", v.created_at},
            {"revision", v.revision}};
}

json write(const GatedResource& v) {
    return {{"id", v.id},
            {"agency_id", v.agency_id},
            {"portal_id", v.portal_id},
            {"kind", std::string(to_string(v.kind))},
            {"slug", v.slug},
            {"title", v.title},
            {"titles", v.titles},
            {"requires_login", v.requires_login},
            {"created_at", v.created_at},
            {"revision", v.revision}};
}

json write(const std::vector<SidebarItem>& v) { return write_list(v); }
json write(const std::vector<GatedResource>& v) { return write_list(v); }

}  // namespace sesame::records
