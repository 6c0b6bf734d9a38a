#include "api/schema.h"

#include <gtest/gtest.h>

namespace govcloud {
namespace {

BodySchema schema() {
  return BodySchema{{{"name", FieldType::kString, true, "", 0, 0, 10},
                     {"level", FieldType::kInteger, false, "", 1, 4},
                     {"flag", FieldType::kBoolean, false},
                     {"kind", FieldType::kString, false, "", 0, 0, 10, {"a", "b"}},
                     {"when", FieldType::kTimestamp, false},
                     {"amounts", FieldType::kIntegerMap, false, "", 0, 100}}};
}

std::string field_of(const std::string& body) {
  auto r = decode_body(body, schema());
  return r.ok() ? "<ok>" : r.error().field;
}

TEST(Schema, AcceptsAValidBody) {
  auto r = decode_body(
      R"({"name":"x","level":2,"flag":true,"kind":"a","when":"2026-01-01","amounts":{"vcpu":3}})",
      schema());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(str_field(r.value(), "name"), "x");
  EXPECT_EQ(int_field(r.value(), "level", 0), 2);
}

TEST(Schema, NamesTheFieldAtFault) {
  EXPECT_EQ(field_of("{"), "body");
  EXPECT_EQ(field_of("[]"), "body");
  EXPECT_EQ(field_of(R"({})"), "name");
  EXPECT_EQ(field_of(R"({"name":""})"), "name");
  EXPECT_EQ(field_of(R"({"name":"x","extra":1})"), "extra");
  EXPECT_EQ(field_of(R"({"name":5})"), "name");
  EXPECT_EQ(field_of(R"({"name":"01234567890"})"), "name");
  EXPECT_EQ(field_of(R"({"name":"x","level":"2"})"), "level");
  EXPECT_EQ(field_of(R"({"name":"x","level":9})"), "level");
  EXPECT_EQ(field_of(R"({"name":"x","level":1.5})"), "level");
  EXPECT_EQ(field_of(R"({"name":"x","flag":"yes"})"), "flag");
  EXPECT_EQ(field_of(R"({"name":"x","kind":"c"})"), "kind");
  EXPECT_EQ(field_of(R"({"name":"x","when":"tomorrow"})"), "when");
  EXPECT_EQ(field_of(R"({"name":"x","amounts":{"vcpu":-1}})"), "amounts.vcpu");
  EXPECT_EQ(field_of(R"({"name":"x","amounts":[1]})"), "amounts");
  EXPECT_EQ(field_of(R"({"name":"x","level":99999999999999999999})"), "level");
}

TEST(Schema, DeepNestingIsRefusedNotRecursedInto) {
  std::string deep(5000, '[');
  EXPECT_EQ(field_of("{\"name\":" + deep), "body");
}

TEST(Schema, OpenApiSchemaListsRequiredAndForbidsExtras) {
  auto v = schema_to_openapi(schema());
  const auto& o = v.as_object();
  EXPECT_EQ(o.at("additionalProperties").as_bool(), false);
  EXPECT_EQ(o.at("required").as_array().size(), 1u);
  EXPECT_EQ(o.at("properties").as_object().at("kind").as_object().at("enum").as_array().size(), 2u);
}

}  // namespace
}  // namespace govcloud
