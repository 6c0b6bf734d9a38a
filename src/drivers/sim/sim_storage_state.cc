// The sim storage twin's state file: volumes (with their data and snapshots), the disks on
// guests and the removed volumes, written whole and renamed into place so a kill never leaves
// half a file.
#include <boost/json.hpp>

#include "drivers/sim/sim_storage.h"
#include "drivers/sim/state_file.h"

namespace govcloud {

namespace json = boost::json;

namespace {

json::object spec_json(const VolumeSpec& v) {
  return json::object{
      {"name", v.name}, {"tier", v.tier}, {"size_gb", v.size_gb}, {"shareable", v.shareable}};
}

VolumeSpec spec_of(const json::value& v) {
  return VolumeSpec{std::string(v.at("name").as_string()), std::string(v.at("tier").as_string()),
                    v.at("size_gb").as_int64(), v.at("shareable").as_bool()};
}

}  // namespace

void SimStorageDriver::save_locked() const {
  if (state_file_.empty()) return;
  json::object root, removed;
  for (const auto& [host_id, h] : hosts_) {
    json::array volumes, disks;
    for (const auto& [name, v] : h.volumes) {
      json::array snaps;
      for (const auto& [snap, kept] : v.snapshots)
        snaps.push_back(
            json::object{{"name", snap}, {"data", kept.first}, {"size_gb", kept.second}});
      volumes.push_back(
          json::object{{"spec", spec_json(v.spec)}, {"data", v.data}, {"snapshots", snaps}});
    }
    for (const auto& [domain, on_guest] : h.disks)
      for (const auto& [target, d] : on_guest)
        disks.push_back(json::object{{"volume", spec_json(d.volume)},
                                     {"domain", domain},
                                     {"target", target},
                                     {"iops", d.limits.iops},
                                     {"bytes_per_sec", d.limits.bytes_per_sec}});
    root[host_id] = json::object{{"volumes", volumes}, {"disks", disks}};
  }
  for (const auto& [name, wiped] : removed_) removed[name] = wiped;
  sim::write_state(state_file_, json::object{{"hosts", root}, {"removed", removed}});
}

void SimStorageDriver::load() {
  auto state = sim::read_state(state_file_);
  if (!state) return;
  const json::value& root = *state;
  try {
    load_from(root);
  } catch (const std::exception&) {  // not a file this twin wrote: start empty
    hosts_.clear();
    removed_.clear();
  }
}

void SimStorageDriver::load_from(const json::value& root) {
  for (const auto& [host_id, v] : root.at("hosts").as_object()) {
    SimHost& h = hosts_[std::string(host_id)];
    for (const auto& vol : v.at("volumes").as_array()) {
      SimVolume sv{spec_of(vol.at("spec")), std::string(vol.at("data").as_string()), {}};
      for (const auto& sn : vol.at("snapshots").as_array())
        sv.snapshots[std::string(sn.at("name").as_string())] = {
            std::string(sn.at("data").as_string()), sn.at("size_gb").as_int64()};
      h.volumes[sv.spec.name] = std::move(sv);
    }
    for (const auto& d : v.at("disks").as_array()) {
      DiskSpec disk{spec_of(d.at("volume")), std::string(d.at("domain").as_string()),
                    std::string(d.at("target").as_string()),
                    IoLimits{d.at("iops").as_int64(), d.at("bytes_per_sec").as_int64()}};
      h.disks[disk.domain][disk.target] = disk;
    }
  }
  for (const auto& [name, wiped] : root.at("removed").as_object())
    removed_[std::string(name)] = wiped.as_bool();
}

}  // namespace govcloud
