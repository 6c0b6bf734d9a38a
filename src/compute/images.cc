// Images (CMP-04): imported from a file dropped in the server's import folder, converted to
// qcow2 with qemu-img (qcow2, raw, vmdk, vhd), with size, OS type and SHA-256 recorded. Global
// images are the platform's (image.manage); private ones belong to an org's subtree. An image
// in use cannot be deleted.
#include <boost/json.hpp>
#include <filesystem>
#include <regex>

#include "common/digest.h"
#include "common/process.h"
#include "compute/vm_internal.h"

namespace govcloud {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

// The file must lie inside the import folder (no path leads elsewhere, links included).
Result<std::string> import_file(const std::string& import_dir, const std::string& given,
                                const char* field) {
  std::error_code ec;
  auto dir = fs::weakly_canonical(import_dir, ec);
  fs::path p = given;
  if (p.is_relative()) p = dir / p;
  auto real = fs::canonical(p, ec);
  if (ec || !fs::is_regular_file(real))
    return invalid(field,
                   std::string(field) + ": no such file in the import folder " + dir.string());
  auto rel = real.lexically_relative(dir);
  if (rel.empty() || *rel.begin() == "..")
    return invalid(field, std::string(field) + " must be a file inside " + dir.string());
  return real.string();
}

}  // namespace

Result<Image> VmService::import_image(const Principal& who, const NewImage& in,
                                      const RequestContext& ctx) {
  static const std::regex kName("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
  if (!std::regex_match(in.name, kName))
    return invalid("name", "an image name is 1–64 letters, digits, '.', '_' or '-'");
  if (in.scope != "global" && in.scope != "private")
    return invalid("scope", "scope must be global or private");
  auto arch = parse_arch(in.arch);
  if (!arch) return invalid("arch", "arch must be x86, arm or c86");
  if (in.os_type != "linux" && in.os_type != "windows")
    return invalid("os_type", "os_type must be linux or windows");
  if (in.cmdline.size() > 1000) return invalid("cmdline", "cmdline is at most 1000 bytes");
  std::string org_path;
  GC_TRY(store_.read([&](Tx& tx) -> Status {
    auto root = tx.find_root_org();
    if (!root || !who.can(Action::kImageManage, root->path))
      return denied("not allowed: image.manage (images are imported by operations)");
    if (in.scope == "private") {
      auto org = in.org ? tx.find_org(*in.org) : std::nullopt;
      if (!org) return invalid("org_id", "a private image names the org it belongs to");
      org_path = org->path;
    }
    if (tx.compute().find_image_by_name(in.name))
      return conflict("an image named '" + in.name + "' exists", "name");
    return ok_status();
  }));
  std::string import_dir = data_dir_ + "/image-imports";
  GC_ASSIGN_OR_RETURN(auto source, import_file(import_dir, in.source, "source"));
  std::string kernel, initrd;
  if (!in.kernel.empty()) {
    GC_ASSIGN_OR_RETURN(kernel, import_file(import_dir, in.kernel, "kernel"));
  }
  if (!in.initrd.empty()) {
    GC_ASSIGN_OR_RETURN(initrd, import_file(import_dir, in.initrd, "initrd"));
  }

  // What the file is, as qemu-img reads it (never trusting the name or the caller).
  GC_ASSIGN_OR_RETURN(auto info, run_program({"qemu-img", "info", "--output=json", "--", source}));
  boost::system::error_code ec;
  auto parsed = json::parse(info.out, ec);
  if (info.exit_code != 0 || ec || !parsed.is_object())
    return invalid("source", "not a disk image qemu-img can read");
  std::string format(parsed.as_object().at("format").as_string());
  if (format != "qcow2" && format != "raw" && format != "vmdk" && format != "vpc")
    return invalid("source", "format " + format + " is not qcow2, raw, vmdk or vhd");
  if (!in.format.empty() && in.format != format && !(in.format == "vhd" && format == "vpc"))
    return invalid("format", "the file is " + format + ", not " + in.format);
  std::int64_t virtual_bytes = parsed.as_object().at("virtual-size").to_number<std::int64_t>();

  Image img;
  img.id = new_id("img");
  std::string dir = storage_dir_ + "/images";
  fs::create_directories(dir, ec);
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec, ec);
  img.path = dir + "/" + img.id + ".qcow2";
  GC_ASSIGN_OR_RETURN(auto converted, run_program({"qemu-img", "convert", "-f", format, "-O",
                                                   "qcow2", "--", source, img.path}));
  if (converted.exit_code != 0) {
    fs::remove(img.path, ec);
    return invalid("source", "qemu-img could not convert it: " + converted.out.substr(0, 300));
  }
  auto copy_boot = [&](const std::string& from, const char* suffix) -> std::string {
    if (from.empty()) return "";
    std::string to = dir + "/" + img.id + suffix;
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    return to;
  };
  img.kernel = copy_boot(kernel, ".kernel");
  img.initrd = copy_boot(initrd, ".initrd");
  img.cmdline = in.cmdline;
  img.name = in.name;
  img.scope = in.scope;
  img.org_id = in.scope == "private" ? in.org->value : "";
  img.org_path = org_path;
  img.arch = *arch;
  img.os_type = in.os_type;
  img.format = "qcow2";
  img.size_bytes = static_cast<std::int64_t>(fs::file_size(img.path, ec));
  img.virtual_gb = (virtual_bytes + (1LL << 30) - 1) >> 30;
  img.sha256 = to_hex(sha256_file(img.path));
  img.created_by = who.user.value;
  img.created_at = clock_.now();
  auto saved = store_.transact([&](Tx& tx) -> Result<Image> {
    if (tx.compute().find_image_by_name(img.name))
      return conflict("an image named '" + img.name + "' exists", "name");
    tx.compute().insert_image(img);
    auto root = tx.find_root_org();
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"image.import",
                           img.id,
                           img.scope == "private" ? img.org_id : (root ? root->id.value : ""),
                           "success",
                           {{"name", img.name}, {"sha256", img.sha256}, {"format", format}}});
    return img;
  });
  if (!saved.ok())
    for (const auto& f : {img.path, img.kernel, img.initrd})
      if (!f.empty()) fs::remove(f, ec);
  return saved;
}

Result<Listing<Image>> VmService::list_images(const Principal& who, const Page& page) {
  // Private images are their org's: managing images does not open tenants' to ops (IAM-06).
  auto paths = who.paths_for(Action::kVmRead);
  return store_.read(
      [&](Tx& tx) -> Result<Listing<Image>> { return tx.compute().list_images(paths, page); });
}

Result<Image> VmService::get_image(const Principal& who, const std::string& id) {
  return store_.read([&](Tx& tx) -> Result<Image> {
    auto img = tx.compute().find_image(id);
    if (!img || (img->scope != "global" && !who.can(Action::kVmRead, img->org_path)))
      return not_found("image");
    return *img;
  });
}

Status VmService::delete_image(const Principal& who, const std::string& id,
                               const RequestContext& ctx) {
  Image gone;
  GC_TRY(store_.transact([&](Tx& tx) -> Status {
    auto root = tx.find_root_org();
    auto img = tx.compute().find_image(id);
    if (!img || !root || !who.can(Action::kImageManage, root->path)) return not_found("image");
    if (auto n = tx.compute().count_vms_with_image(id); n > 0)
      return conflict("the image is in use by " + std::to_string(n) + " VM(s)");
    tx.compute().delete_image(id);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"image.delete", id, root->id.value, "success", {{"name", img->name}}});
    gone = *img;
    return ok_status();
  }));
  std::error_code ec;
  for (const auto& f : {gone.path, gone.kernel, gone.initrd})
    if (!f.empty()) fs::remove(f, ec);
  return ok_status();
}

}  // namespace govcloud
