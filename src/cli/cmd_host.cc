// govcloud host add | list | show | maintenance | up   (CMP-06, CMP-14; ops and sysadmin)
#include <boost/json.hpp>

#include "cli/cli_internal.h"

namespace govcloud::cli {

namespace json = boost::json;

namespace {

const std::vector<Column> kHostColumns = {
    {"NAME", "name"},   {"ARCH", "arch"}, {"CORES", "cores"},   {"MEMORY_MB", "memory_mb"},
    {"POOL", "pool"},   {"SITE", "site"}, {"DOMAIN", "domain"}, {"DRIVER", "driver"},
    {"STATE", "state"}, {"ID", "id"}};

}  // namespace

void register_host(CLI::App& app) {
  auto* host = app.add_subcommand("host", "Hosts (宿主机): register, list, maintenance");
  host->require_subcommand(1);

  struct AddFlags {
    std::string name, site, pool, domain, driver = "libvirt", uri;
    bool bare_metal = false;
  };
  auto af = std::make_shared<AddFlags>();
  auto* add = host->add_subcommand(
      "add", "Register a host; what it has is read from its engine (qemu:///system, sim://…)");
  add->add_option("name", af->name)->required();
  add->add_option("--site", af->site, "数据中心")->required();
  add->add_option("--pool", af->pool, "资源池")->required();
  add->add_option("--domain", af->domain, "network domain: egov, internet, test")->required();
  add->add_option("--driver", af->driver, "libvirt (default) or sim");
  add->add_option("--uri", af->uri, "e.g. qemu:///system, qemu+tls://h3/system")->required();
  add->add_flag("--bare-metal", af->bare_metal, "rented whole to one tenant (CMP-20)");
  add->callback([af] {
    print(call("POST", "/api/v1/hosts",
               json::value(json::object{{"name", af->name},
                                        {"site", af->site},
                                        {"pool", af->pool},
                                        {"domain", af->domain},
                                        {"driver", af->driver},
                                        {"uri", af->uri},
                                        {"bare_metal", af->bare_metal}})),
          kHostColumns);
  });

  struct ListFlags {
    std::string pool, state, arch;
  };
  auto lf = std::make_shared<ListFlags>();
  auto* list = host->add_subcommand("list", "Hosts, by pool, state or architecture");
  list->add_option("--pool", lf->pool);
  list->add_option("--state", lf->state, "up, down, maintenance, fenced");
  list->add_option("--arch", lf->arch, "x86, arm, c86");
  list->callback([lf] {
    std::string q = "?limit=1000";
    if (!lf->pool.empty()) q += "&pool=" + query_escape(lf->pool);
    if (!lf->state.empty()) q += "&state=" + query_escape(lf->state);
    if (!lf->arch.empty()) q += "&arch=" + query_escape(lf->arch);
    print(call("GET", "/api/v1/hosts" + q), kHostColumns);
  });

  auto id = std::make_shared<std::string>();
  auto* show = host->add_subcommand("show", "One host");
  show->add_option("host", *id, "id or name")->required()->transform(id_or_name("host"));
  show->callback([id] { print(call("GET", "/api/v1/hosts/" + *id), kHostColumns); });

  for (const auto& [verb, state, help] :
       {std::tuple{"maintenance", "maintenance", "Take a host out of placement"},
        std::tuple{"up", "up", "Bring a host back (also after fencing)"}}) {
    auto target = std::make_shared<std::string>();
    auto* cmd = host->add_subcommand(verb, help);
    cmd->add_option("host", *target, "id or name")->required()->transform(id_or_name("host"));
    std::string to = state;
    cmd->callback([target, to] {
      print(call("POST", "/api/v1/hosts/" + *target + "/state",
                 json::value(json::object{{"state", to}})),
            kHostColumns);
    });
  }
}

}  // namespace govcloud::cli
