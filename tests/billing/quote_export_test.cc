// Quote exports read back by an independent reader (issue 7 §6): the XLSX of package 001 through
// Python openpyxl with data_only=True — the cached values a viewer that does not recalculate
// shows — compared number by number with the JSON quote of the same data (CAT-12, BIL-05).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>

#include "test_env.h"

namespace govcloud {
namespace {

using testing::Env;
using testing::must;
using testing::package;
namespace json = boost::json;

std::string price_list(Env& env) {
  auto list = must(env.billing->create_price_list(env.mu_admin, "X", env.mu.id, "", env.ctx));
  for (auto [code, amount, per] : std::vector<std::tuple<const char*, const char*, std::int64_t>>{
           {"compute-vcpu", "12", 1},
           {"compute-memory", "20", 1},
           {"storage-normal", "0.3", 1},
           {"storage-high-perf", "60", 100},
           {"storage-backup-local", "0.2", 1},
           {"network-internet-bandwidth", "60", 1},
           {"network-internet-ip", "50", 1},
           {"network-remote-access", "30", 1},
           {"network-ssl-vpn", "100", 1},
           {"security-waf", "800", 1}}) {
    PriceInput in;
    in.service_code = code;
    in.amount = amount;
    in.per = per;
    in.effective_from = env.clock.now();
    must(env.billing->set_price(env.mu_admin, list.id, in, env.ctx), code);
  }
  return list.id;
}

void write(const std::filesystem::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::binary);
  out << content;
}

TEST(QuoteExport, XlsxReadsBackWithTheSameNumbersAsTheJsonQuote) {
  Env env;
  env.build_tree();
  std::string list = price_list(env);
  auto q = must(env.billing->quote_package(env.a_member, package("001"), list, env.clock.now()));
  ASSERT_EQ(q.lines.size(), 31u);
  auto xlsx = must(quote_xlsx(q));
  auto xlsx_path = env.dir / "quote.xlsx";
  auto json_path = env.dir / "quote.json";
  write(xlsx_path, xlsx);
  write(json_path, json::serialize(quote_json(q)));
  std::string cmd = std::string(GOVCLOUD_PYTHON) + " " + GOVCLOUD_TESTS_DIR +
                    "/billing/xlsx_readback.py " + xlsx_path.string() + " " + json_path.string();
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

TEST(QuoteExport, CsvKeepsEveryCellAndTheConvertedQuantity) {
  Env env;
  env.build_tree();
  std::string list = price_list(env);
  auto q = must(env.billing->quote_package(env.a_member, package("001"), list, env.clock.now()));
  std::string csv = quote_csv(q);
  // 0.3 × 100GB is written as the converted 30 GB beside the quantity as written.
  EXPECT_NE(csv.find(",0.3,100GB,30,"), std::string::npos) << csv.substr(0, 800);
  EXPECT_EQ(q.lines[3].conversion, "0.3 × 100GB = 30 gb");
}

}  // namespace
}  // namespace govcloud
