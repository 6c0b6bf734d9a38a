// Work orders (工单, OPS-22) for a business system's onboarding (入云), go-live (上线), change
// (变更) and exit (退出): typed, assigned, with states, comments, attachments and the
// timestamps that response and completion times are measured from later (SLA).
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "common/digest.h"
#include "workflow/documents.h"

namespace govcloud {

using namespace workflow;

namespace {

const std::vector<std::string> kTypes = {"onboarding", "go_live", "change", "exit"};
constexpr std::size_t kMaxAttachment = std::size_t{512} * 1024;

// Allowed moves; cancelled and closed are final.
bool can_move(const std::string& from, const std::string& to) {
  if (from == "open") return to == "in_progress" || to == "cancelled" || to == "resolved";
  if (from == "in_progress") return to == "resolved" || to == "cancelled";
  if (from == "resolved") return to == "closed" || to == "in_progress";
  return false;
}

bool handles(const Principal& who, const std::string& path) {
  return who.can(Action::kWorkOrderHandle, path);
}

Result<std::pair<Loaded, Org>> visible(Tx& tx, const Principal& who, const std::string& id) {
  auto w = load(tx, "workorder", id);
  std::optional<Org> org = w ? tx.find_org(OrgId{w->meta.org_id}) : std::nullopt;
  if (!w || !org || !(who.can(Action::kWorkOrder, org->path) || handles(who, org->path)))
    return not_found("work order");
  return std::make_pair(std::move(*w), *org);
}

void add_event(json::object& wo, const Principal& who, const std::string& kind,
               const std::string& text, TimeMs now) {
  wo["events"].as_array().push_back(json::object{{"at", time_json(now)},
                                                 {"by", who.user.value},
                                                 {"by_name", who.username},
                                                 {"kind", kind},
                                                 {"text", text}});
  // The first reaction of operations staff is the response time (OPS-22 → SLA later).
  if (who.can_anywhere(Action::kWorkOrderHandle) && wo.at("responded_at").is_null() &&
      kind != "created")
    wo["responded_at"] = time_json(now);
}

}  // namespace

Result<Doc> Workflow::create_work_order(const Principal& who, const WorkOrderInput& in,
                                        const RequestContext& ctx) {
  if (std::find(kTypes.begin(), kTypes.end(), in.type) == kTypes.end())
    return invalid("type", "type must be onboarding, go_live, change or exit");
  if (in.title.empty() || in.title.size() > 200)
    return invalid("title", "title is required (≤200 bytes)");
  if (in.description.size() > 20000) return invalid("description", "description is too long");
  return store_.transact([&](Tx& tx) -> Result<Doc> {
    TimeMs now = clock_.now();
    auto org = tx.find_org(in.org);
    if (!org || !who.can(Action::kOrgRead, org->path))
      return Error{ErrorCode::kNotFound, "business system not found", "org_id"};
    if (org->type != OrgType::kBusinessSystem)
      return invalid("org_id", "work orders concern a business system (业务系统)");
    if (!who.can(Action::kWorkOrder, org->path)) return denied("not allowed: workorder.use");
    std::string id = new_id("wo");
    json::object wo{{"id", id},
                    {"type", in.type},
                    {"state", "open"},
                    {"owner", who.user.value},
                    {"ref", ""},
                    {"org_id", org->id.value},
                    {"org_name", org->name},
                    {"title", in.title},
                    {"description", in.description},
                    {"assignee", nullptr},
                    {"created_at", time_json(now)},
                    {"responded_at", nullptr},
                    {"resolved_at", nullptr},
                    {"closed_at", nullptr},
                    {"events", json::array{}},
                    {"attachments", json::array{}}};
    add_event(wo, who, "created", in.title, now);
    save(tx, "workorder", id, org->id.value, wo, now);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"workorder.create", id, org->id.value, "success", {{"type", in.type}}});
    return wo;
  });
}

Result<Listing<Doc>> Workflow::list_work_orders(const Principal& who, const std::string& state,
                                                const std::string& type, const Page& page) {
  return store_.read([&](Tx& tx) -> Result<Listing<Doc>> {
    DocumentQuery q;
    q.kind = "workorder";
    q.state = state;
    auto paths = who.paths_for(Action::kWorkOrder);
    for (const auto& p : who.paths_for(Action::kWorkOrderHandle)) paths.push_back(p);
    q.within_paths = paths;
    q.page = type.empty() ? page : Page{10000, 0};
    auto docs = tx.list_documents(q);
    Listing<Doc> out;
    out.total = docs.total;
    for (const auto& d : docs.items) {
      boost::system::error_code ec;
      auto v = json::parse(d.body, ec);
      if (ec || !v.is_object()) continue;
      if (!type.empty() && str(v.as_object(), "type") != type) continue;
      out.items.push_back(v.as_object());
    }
    if (!type.empty()) {
      out.total = static_cast<std::int64_t>(out.items.size());
      auto begin = std::min<std::size_t>(out.items.size(), static_cast<std::size_t>(page.offset));
      auto end =
          std::min<std::size_t>(out.items.size(), begin + static_cast<std::size_t>(page.limit));
      out.items = std::vector<Doc>(out.items.begin() + static_cast<long>(begin),
                                   out.items.begin() + static_cast<long>(end));
    }
    return out;
  });
}

Result<Doc> Workflow::get_work_order(const Principal& who, const std::string& id) {
  return store_.read([&](Tx& tx) -> Result<Doc> {
    GC_ASSIGN_OR_RETURN(auto pair, visible(tx, who, id));
    return pair.first.body;
  });
}

Result<Doc> Workflow::assign_work_order(const Principal& who, const std::string& id,
                                        const UserId& assignee, const RequestContext& ctx) {
  return store_.transact([&](Tx& tx) -> Result<Doc> {
    GC_ASSIGN_OR_RETURN(auto pair, visible(tx, who, id));
    auto& [w, org] = pair;
    if (!handles(who, org.path)) return denied("work orders are assigned by operations staff");
    auto user = tx.find_user(assignee);
    if (!user || user->disabled)
      return Error{ErrorCode::kNotFound, "assignee not found", "assignee"};
    BindingQuery bq;
    bq.user = user->id;
    bool is_handler = false;
    for (const auto& b : tx.list_bindings(bq)) is_handler |= b.role == Role::kOps;
    if (!is_handler)
      return invalid("assignee", "work orders are assigned to operations (ops) staff");
    if (str(w.body, "state") == "closed" || str(w.body, "state") == "cancelled")
      return conflict("the work order is " + str(w.body, "state"));
    TimeMs now = clock_.now();
    w.body["assignee"] = user->id.value;
    w.body["assignee_name"] = user->username;
    add_event(w.body, who, "assigned", user->username, now);
    save(tx, "workorder", id, org.id.value, w.body, now);
    notify(tx, user->id.value, org.id.value,
           "工单指派 / work order assigned: " + str(w.body, "title"), "/api/v1/workorders/" + id,
           now);
    write_audit(
        tx, clock_, &who, ctx,
        AuditEvent{
            "workorder.assign", id, org.id.value, "success", {{"assignee", user->username}}});
    return w.body;
  });
}

Result<Doc> Workflow::transition_work_order(const Principal& who, const std::string& id,
                                            const std::string& state, const std::string& comment,
                                            const RequestContext& ctx) {
  if (comment.size() > 20000) return invalid("comment", "comment is too long");
  return store_.transact([&](Tx& tx) -> Result<Doc> {
    GC_ASSIGN_OR_RETURN(auto pair, visible(tx, who, id));
    auto& [w, org] = pair;
    std::string from = str(w.body, "state");
    if (!can_move(from, state))
      return invalid("state", "a work order cannot go from " + from + " to " + state);
    bool handler = handles(who, org.path);
    bool owner = str(w.body, "owner") == who.user.value || who.can(Action::kWorkOrder, org.path);
    // Operations move work along; the requesting side cancels, closes or reopens.
    bool allowed = (state == "in_progress" && (handler || (from == "resolved" && owner))) ||
                   (state == "resolved" && handler) || (state == "closed" && owner) ||
                   (state == "cancelled" && owner);
    if (!allowed) return denied("not allowed to move this work order to " + state);
    TimeMs now = clock_.now();
    w.body["state"] = state;
    if (state == "resolved") w.body["resolved_at"] = time_json(now);
    if (state == "closed" || state == "cancelled") w.body["closed_at"] = time_json(now);
    add_event(w.body, who, "state", from + " → " + state + (comment.empty() ? "" : ": " + comment),
              now);
    save(tx, "workorder", id, org.id.value, w.body, now);
    if (str(w.body, "owner") != who.user.value)
      notify(tx, str(w.body, "owner"), org.id.value, "工单 " + str(w.body, "title") + ": " + state,
             "/api/v1/workorders/" + id, now);
    write_audit(
        tx, clock_, &who, ctx,
        AuditEvent{
            "workorder.transition", id, org.id.value, "success", {{"from", from}, {"to", state}}});
    return w.body;
  });
}

Result<Doc> Workflow::comment_work_order(const Principal& who, const std::string& id,
                                         const std::string& body, const RequestContext& ctx) {
  if (body.empty() || body.size() > 20000) return invalid("body", "a comment has 1-20000 bytes");
  return store_.transact([&](Tx& tx) -> Result<Doc> {
    GC_ASSIGN_OR_RETURN(auto pair, visible(tx, who, id));
    auto& [w, org] = pair;
    TimeMs now = clock_.now();
    add_event(w.body, who, "comment", body, now);
    save(tx, "workorder", id, org.id.value, w.body, now);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"workorder.comment", id, org.id.value, "success", {}});
    return w.body;
  });
}

Result<Doc> Workflow::attach_to_work_order(const Principal& who, const std::string& id,
                                           const std::string& filename, const std::string& content,
                                           const RequestContext& ctx) {
  static const std::regex kName("^[^/\\\\\\x00-\\x1f]{1,200}$");
  if (!std::regex_match(filename, kName) || filename == "." || filename == "..")
    return invalid("filename", "filename must be 1-200 characters without slashes");
  if (content.size() > kMaxAttachment)
    return Error{ErrorCode::kPayloadTooLarge, "attachments are at most 512 KiB", "content_base64"};
  std::string sha = to_hex(sha256(content));
  auto dir = std::filesystem::path(data_dir_) / "attachments" / id;
  auto path = dir / sha;
  return store_.transact([&](Tx& tx) -> Result<Doc> {
    GC_ASSIGN_OR_RETURN(auto pair, visible(tx, who, id));
    auto& [w, org] = pair;
    if (w.body.at("attachments").as_array().size() >= 50)
      return conflict("a work order has at most 50 attachments");
    // Content-addressed file first, written aside and renamed into place so that a reader never
    // sees half a file; the record commits only if the file is there.
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (!std::filesystem::exists(path, ec)) {
      auto part = dir / (sha + "." + new_id("part"));
      {
        std::ofstream out(part, std::ios::binary | std::ios::trunc);
        out << content;
        if (!out) return Error{ErrorCode::kInternal, "cannot store the attachment", {}};
      }
      std::filesystem::rename(part, path, ec);
      if (ec) {
        std::filesystem::remove(part, ec);
        return Error{ErrorCode::kInternal, "cannot store the attachment", {}};
      }
    }
    TimeMs now = clock_.now();
    w.body["attachments"].as_array().push_back(json::object{{"filename", filename},
                                                            {"size", content.size()},
                                                            {"sha256", sha},
                                                            {"uploaded_by", who.user.value},
                                                            {"uploaded_at", time_json(now)}});
    add_event(w.body, who, "attachment", filename, now);
    save(tx, "workorder", id, org.id.value, w.body, now);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"workorder.attach",
                           id,
                           org.id.value,
                           "success",
                           {{"filename", filename}, {"sha256", sha}}});
    return w.body;
  });
}

Result<std::pair<std::string, std::string>> Workflow::attachment(const Principal& who,
                                                                 const std::string& id, int index) {
  GC_ASSIGN_OR_RETURN(auto doc, get_work_order(who, id));
  const auto& list = doc.at("attachments").as_array();
  if (index < 0 || static_cast<std::size_t>(index) >= list.size()) return not_found("attachment");
  const auto& a = list[static_cast<std::size_t>(index)].as_object();
  std::ifstream in(std::filesystem::path(data_dir_) / "attachments" / id / str(a, "sha256"),
                   std::ios::binary);
  if (!in) return not_found("attachment file");
  std::stringstream buf;
  buf << in.rdbuf();
  return std::make_pair(buf.str(), str(a, "filename"));
}

}  // namespace govcloud
