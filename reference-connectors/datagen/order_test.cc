// Tests of the order generator: a pure function of (seed, task, seq), pinned by a golden record so
// that a change of the generated content is a visible decision, and within the documented ranges.
#include "reference-connectors/datagen/order.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace ck::datagen {
namespace {

TEST(OrderTest, SameInputsGiveTheSameOrderAndAnyChangeGivesAnother) {
  EXPECT_EQ(MakeOrder(42, 1, 7), MakeOrder(42, 1, 7));
  EXPECT_FALSE(MakeOrder(42, 1, 7) == MakeOrder(43, 1, 7));
  EXPECT_FALSE(MakeOrder(42, 1, 7) == MakeOrder(42, 2, 7));
  EXPECT_FALSE(MakeOrder(42, 1, 7) == MakeOrder(42, 1, 8));
}

TEST(OrderTest, GoldenRecordsPinTheContent) {
  const Struct order = MakeOrder(42, 1, 2);
  EXPECT_EQ(order.get_int64("seq"), 2);
  EXPECT_EQ(order.get_int32("task"), 1);
  EXPECT_EQ(order.get_string("id"), "order-1-2");
  EXPECT_EQ(order.get_string("customer"), "customer-4514");
  EXPECT_EQ(order.get_float64("amount"), 9745.56);
  EXPECT_EQ(order.get_boolean("flag"), true);
  EXPECT_EQ(order.get_int64("created"), 1704067202384);
  EXPECT_EQ(Decimal::ToString(order.get_bytes("price"), 2), "116.25");
  EXPECT_EQ(order.get("note"), Value("note 15"));
  EXPECT_EQ(order.get_array("tags"), (Value::Array{"return", "fragile", "subscription"}));

  const Struct sparse = MakeOrder(42, 1, 7);
  EXPECT_EQ(sparse.get_string("customer"), "customer-5541");
  EXPECT_EQ(Decimal::ToString(sparse.get_bytes("price"), 2), "11.17");
  EXPECT_TRUE(sparse.get("note").is_null());
  EXPECT_TRUE(sparse.get_array("tags").empty());
}

TEST(OrderTest, FieldsStayWithinTheirDocumentedRanges) {
  const SchemaPtr& schema = OrderSchema();
  EXPECT_EQ(schema->name(), "io.connectkit.datagen.Order");
  EXPECT_EQ(schema->version(), 1);
  int notes = 0;
  std::set<size_t> tag_counts;
  int64_t previous_created = 0;
  for (int64_t seq = 0; seq < 2000; ++seq) {
    const Struct order = MakeOrder(-5, 3, seq);
    ValidateValue(*schema, Value(order));
    EXPECT_EQ(order.get_string("id"), "order-3-" + std::to_string(seq));
    const double amount = order.get_float64("amount");
    EXPECT_GE(amount, 0.0);
    EXPECT_LE(amount, 9999.99);
    const std::string price = Decimal::ToString(order.get_bytes("price"), 2);
    EXPECT_FALSE(price.starts_with("-")) << price;
    EXPECT_LE(price.size(), 6u) << price;  // at most 999.99
    const int64_t created = order.get_int64("created");
    EXPECT_GT(created, previous_created);
    previous_created = created;
    notes += order.get("note").is_null() ? 0 : 1;
    tag_counts.insert(order.get_array("tags").size());
  }
  EXPECT_GT(notes, 1300);  // about three quarters of 2000
  EXPECT_LT(notes, 1700);
  EXPECT_EQ(tag_counts, (std::set<size_t>{0, 1, 2, 3}));
}

}  // namespace
}  // namespace ck::datagen
