#include "server/serve.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "api/http_server.h"
#include "api/router.h"
#include "api/service_set.h"
#include "drivers/libvirt/libvirt_compute.h"
#include "drivers/libvirt/libvirt_storage.h"
#include "drivers/sim/sim_compute.h"
#include "drivers/sim/sim_storage.h"
#include "server/demo.h"

namespace govcloud {
namespace {

// Start-up, in the order that keeps a failure harmless: open the store, bind the port, and only
// then initialise (first-start passwords are printed once, so they must never be printed by a
// start that is about to fail). Every failure is one line on stderr and a non-zero exit.
// The data dir holds password hashes, TOTP secrets, the audit trail and attachments: only the
// server's user may read it (issue 8 §10). Everything serve creates is 0700/0600, and a data dir
// that others can read is refused with the fix.
Status check_data_dir(const std::string& dir) {
  ::umask(077);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (::mkdir(dir.c_str(), 0700) != 0)
      return invalid("data_dir", "cannot create data dir " + dir + ": " + std::strerror(errno));
    return ok_status();
  }
  if (!S_ISDIR(st.st_mode)) return invalid("data_dir", dir + " is not a directory");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return invalid("data_dir", "data dir " + dir + " can be read by other users (mode " + mode +
                                   "); it holds password hashes and the audit trail. Run: chmod "
                                   "-R go-rwx " +
                                   dir);
  }
  return ok_status();
}

int serve_checked(const Config& config) {
  if (auto st = check_data_dir(config.data_dir); !st.ok()) {
    std::cerr << "govcloud: " << st.error().message << "\n";
    return 1;
  }
  auto opened = open_sqlite_store(config.data_dir, config.keys_dir);
  if (!opened.ok()) {
    std::cerr << "govcloud: " << opened.error().message << "\n";
    return 1;
  }
  std::unique_ptr<Store> store = std::move(opened).value();
#ifdef GOVCLOUD_TEST_HOOKS
  AdjustableClock clock;
#else
  SystemClock clock;
#endif
  // Drivers (decision 0010): the in-process sim twin and libvirt, whose hosts are reached by
  // their URIs when registered. They outlive the services that call them.
  std::string storage = ServiceSet::storage_dir(config.data_dir);
  SimComputeDriver sim_compute(storage + "/sim-engine.json");
  LibvirtOptions libvirt_options;
  {
    std::error_code ec;
    std::filesystem::create_directories(storage, ec);
    std::filesystem::permissions(storage,
                                 std::filesystem::perms::owner_all |
                                     std::filesystem::perms::group_exec |
                                     std::filesystem::perms::others_exec,
                                 ec);
  }
  // QEMU runs as its own user: every folder above the storage must let others pass through.
  for (auto p = std::filesystem::path(storage).parent_path(); p.has_relative_path();
       p = p.parent_path()) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0 && (st.st_mode & S_IXOTH) == 0) {
      spdlog::warn("libvirt guests cannot reach {}: {} is closed to other users (chmod o+x {})",
                   storage, p.string(), p.string());
      break;
    }
  }
  libvirt_options.pool_dir = storage + "/disks";
  libvirt_options.console_dir = storage + "/consoles";
  LibvirtComputeDriver libvirt_compute(libvirt_options);
  SimStorageDriver sim_storage(sim_compute, storage + "/sim-storage.json");
  LibvirtStorageDriver libvirt_storage(libvirt_compute);
  ServiceSet set(*store, clock, config, config.data_dir);
  set.compute.add_driver(sim_compute);
  set.compute.add_driver(libvirt_compute);
  set.volumes.add_driver(sim_storage);
  set.volumes.add_driver(libvirt_storage);
#ifdef GOVCLOUD_TEST_HOOKS
  if (config.test_clock) set.view().test_clock = &clock;
#endif
  IamService& iam = set.iam;
  Catalog& catalog = set.catalog;
  Billing& billing = set.billing;

  Router router(set.view());
  HttpServerOptions opts{config.listen, config.threads, config.max_body_bytes};
  HttpServer server(opts, [&router](HttpRequest& req) { return router.handle(req); });
  auto port = server.start();
  if (!port.ok()) {
    std::cerr << "govcloud: " << port.error().message << "\n";
    return 1;
  }

  // Checkpoints start before anything is audited, so every record is vouched for.
  if (auto st = set.start(); !st.ok()) {
    std::cerr << "govcloud: audit checkpoints: " << st.error().message << "\n";
    return 1;
  }

  // The built-in catalog first: the demo's price list refers to its services.
  auto seeded = catalog.seed_builtin();
  if (!seeded.ok()) {
    std::cerr << "govcloud: catalog: " << seeded.error().message << "\n";
    return 1;
  }
  if (seeded.value() > 0) spdlog::info("catalog: loaded {} services", seeded.value());

  auto boot = iam.bootstrap(config.bootstrap_password);
  if (!boot.ok()) {
    std::cerr << "govcloud: bootstrap failed: " << boot.error().message << "\n";
    return 1;
  }
  if (boot->created) {
    spdlog::info("first start: created platform root {} and sysadmin 'admin'",
                 boot->platform.value);
    if (config.demo) {
      auto demo = seed_demo(iam, set.tenancy, billing, *store, config.bootstrap_password);
      if (!demo.ok()) {
        std::cerr << "govcloud: demo data failed: " << demo.error().message << "\n";
        return 1;
      }
      if (auto c = seed_demo_compute(set.compute, set.vms, *store, config.data_dir); !c.ok()) {
        std::cerr << "govcloud: demo compute failed: " << c.error().message << "\n";
        return 1;
      }
      std::cout << "govcloud: demo ready; users 'demo-mu', 'demo-admin', 'demo-user', "
                   "'demo-ops', 'demo-sec' (security administrator), 'demo-audit' (audit "
                   "administrator); password: "
                << demo.value() << std::endl;
    }
    if (!boot->admin_password.empty()) {
      // Printed once; only its argon2id hash is kept. `govcloud recover-admin` makes a new one.
      std::cout << "govcloud: initial password for 'admin': " << boot->admin_password << std::endl;
    }
  }

  // Contract quota schedules (TEN-06): checked now, then by the job runner every minute.
  (void)billing.apply_quota_schedules(RequestContext{"local", "quota-schedule"});
  std::mutex ticker_mu;
  std::condition_variable ticker_cv;
  bool stopping = false;
  std::thread ticker([&] {
    std::unique_lock lock(ticker_mu);
    // The one job runner (decision 0010) reads the injected clock; this thread only wakes it.
    while (!ticker_cv.wait_for(lock, std::chrono::seconds(1), [&] { return stopping; })) {
      lock.unlock();
      set.jobs.run_due();
      lock.lock();
    }
  });

  std::string host = config.listen.substr(0, config.listen.rfind(':'));
  std::cout << "govcloud: listening on http://" << host << ":" << port.value() << std::endl;
  spdlog::info("listening on {}:{} data_dir={}", host, port.value(), config.data_dir);

  server.run();  // until SIGINT or SIGTERM
  {
    std::lock_guard lock(ticker_mu);
    stopping = true;
  }
  ticker_cv.notify_all();
  ticker.join();
  if (auto st = set.checkpoints.flush(); !st.ok())
    spdlog::error("audit: last checkpoint: {}", st.error().message);
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int serve(const Config& config) {
  auto logger = spdlog::stderr_color_mt("govcloud");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  try {
    return serve_checked(config);
  } catch (const std::exception& e) {
    std::cerr << "govcloud: " << e.what() << "\n";
    return 1;
  }
}

void register_serve_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("serve", "Run the control plane and API");
  struct Flags {
    std::string config_file, listen, data_dir;
    std::vector<std::string> sets;
    bool demo = false;
    bool test_clock = false;
  };
  auto flags = std::make_shared<Flags>();
  cmd->add_option("--config", flags->config_file, "YAML configuration file");
  cmd->add_option("--listen", flags->listen, "host:port (default 127.0.0.1:8080)");
  cmd->add_option("--data-dir", flags->data_dir, "where the store lives (default ./data)");
  cmd->add_flag("--demo", flags->demo, "seed a demo management unit and tenant on first start");
  cmd->add_option("--set", flags->sets, "override any config key: --set password.min_length=12");
#ifdef GOVCLOUD_TEST_HOOKS
  cmd->add_flag("--test-clock", flags->test_clock,
                "test builds only: POST /api/v1/test/clock moves the server clock forward");
#endif
  cmd->callback([flags]() {
    Config config;
    // Weakest first: defaults, file, environment, flags.
    if (!flags->config_file.empty()) {
      if (auto st = config.load_yaml_file(flags->config_file); !st.ok())
        throw CLI::ValidationError("--config", st.error().message);
    }
    if (auto st = config.load_env(); !st.ok())
      throw CLI::ValidationError("environment", st.error().message);
    for (const auto& kv : flags->sets) {
      auto eq = kv.find('=');
      if (eq == std::string::npos) throw CLI::ValidationError("--set", "expected key=value");
      if (auto st = config.set(kv.substr(0, eq), kv.substr(eq + 1)); !st.ok())
        throw CLI::ValidationError("--set", st.error().message);
    }
    if (!flags->listen.empty()) config.listen = flags->listen;
    if (!flags->data_dir.empty()) config.data_dir = flags->data_dir;
    if (flags->demo) config.demo = true;
    config.test_clock = flags->test_clock;
    throw CLI::RuntimeError(serve(config));
  });
}

}  // namespace govcloud
