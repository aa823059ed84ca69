// Tests of the pgoutput decoder on hand-built protocol-version-1 messages: every message type,
// the three tuple value kinds, LSN formatting, and malformed input (truncated, trailing bytes,
// unknown types), which must be errors rather than reads past the buffer.
#include "reference-connectors/postgres/pgoutput.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "ck/errors.h"

namespace ck::postgres {
namespace {

using ::testing::HasSubstr;

// Builds a message the way the server writes one: big-endian integers, NUL-terminated strings.
class Msg {
 public:
  explicit Msg(char type) { s_.push_back(type); }
  Msg& U8(uint8_t v) { return Int(v, 1); }
  Msg& I16(int16_t v) { return Int(static_cast<uint16_t>(v), 2); }
  Msg& I32(int32_t v) { return Int(static_cast<uint32_t>(v), 4); }
  Msg& I64(int64_t v) { return Int(static_cast<uint64_t>(v), 8); }
  Msg& Str(const std::string& v) {
    s_ += v;
    s_.push_back('\0');
    return *this;
  }
  Msg& Text(const std::string& v) {
    U8('t');
    I32(static_cast<int32_t>(v.size()));
    s_ += v;
    return *this;
  }
  const std::string& str() const { return s_; }

 private:
  Msg& Int(uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) s_.push_back(static_cast<char>(v >> (8 * i)));
    return *this;
  }
  std::string s_;
};

TEST(PgOutputTest, BeginAndCommitConvertTimesToTheUnixEpoch) {
  const auto begin = DecodePgOutput(Msg('B').I64(0x16B2E48).I64(1000000).I32(771).str());
  const auto& b = std::get<BeginMessage>(begin);
  EXPECT_EQ(b.final_lsn, 0x16B2E48u);
  EXPECT_EQ(b.commit_time_us, kPgEpochOffsetMicros + 1000000);
  EXPECT_EQ(b.xid, 771u);

  const auto commit = DecodePgOutput(Msg('C').U8(0).I64(0x100).I64(0x128).I64(-5).str());
  const auto& c = std::get<CommitMessage>(commit);
  EXPECT_EQ(c.commit_lsn, 0x100u);
  EXPECT_EQ(c.end_lsn, 0x128u);
  EXPECT_EQ(c.commit_time_us, kPgEpochOffsetMicros - 5);
}

TEST(PgOutputTest, RelationListsColumnsWithKeyFlagsTypesAndModifiers) {
  const auto m = DecodePgOutput(Msg('R')
                                    .I32(16384)
                                    .Str("public")
                                    .Str("orders")
                                    .U8('f')
                                    .I16(2)
                                    .U8(1)
                                    .Str("id")
                                    .I32(23)
                                    .I32(-1)
                                    .U8(0)
                                    .Str("price")
                                    .I32(1700)
                                    .I32((10 << 16 | 2) + 4)
                                    .str());
  const auto& r = std::get<RelationMessage>(m);
  EXPECT_EQ(r.relid, 16384u);
  EXPECT_EQ(r.schema, "public");
  EXPECT_EQ(r.table, "orders");
  EXPECT_EQ(r.replica_identity, 'f');
  ASSERT_EQ(r.columns.size(), 2u);
  EXPECT_TRUE(r.columns[0].key);
  EXPECT_EQ(r.columns[0].name, "id");
  EXPECT_EQ(r.columns[0].type_oid, 23u);
  EXPECT_EQ(r.columns[0].type_mod, -1);
  EXPECT_FALSE(r.columns[1].key);
  EXPECT_EQ(r.columns[1].type_mod, (10 << 16 | 2) + 4);
}

TEST(PgOutputTest, InsertCarriesTextNullAndUnchangedToastValues) {
  // Tuple values view the message: it must outlive them.
  const std::string bytes = Msg('I').I32(7).U8('N').I16(3).Text("42").U8('n').U8('u').str();
  const auto m = DecodePgOutput(bytes);
  const auto& i = std::get<InsertMessage>(m);
  EXPECT_EQ(i.relid, 7u);
  ASSERT_EQ(i.new_tuple.size(), 3u);
  EXPECT_EQ(i.new_tuple[0].kind, 't');
  EXPECT_EQ(i.new_tuple[0].data, "42");
  EXPECT_EQ(i.new_tuple[1].kind, 'n');
  EXPECT_EQ(i.new_tuple[2].kind, 'u');
}

TEST(PgOutputTest, UpdateWithAndWithoutOldTuple) {
  const std::string plain_bytes = Msg('U').I32(7).U8('N').I16(1).Text("b").str();
  const auto plain = std::get<UpdateMessage>(DecodePgOutput(plain_bytes));
  EXPECT_EQ(plain.old_kind, 0);
  EXPECT_TRUE(plain.old_tuple.empty());
  EXPECT_EQ(plain.new_tuple[0].data, "b");

  const std::string full_bytes =
      Msg('U').I32(7).U8('O').I16(1).Text("a").U8('N').I16(1).Text("b").str();
  const auto full = std::get<UpdateMessage>(DecodePgOutput(full_bytes));
  EXPECT_EQ(full.old_kind, 'O');
  EXPECT_EQ(full.old_tuple[0].data, "a");
  EXPECT_EQ(full.new_tuple[0].data, "b");

  const auto key = std::get<UpdateMessage>(DecodePgOutput(
      Msg('U').I32(7).U8('K').I16(2).Text("1").U8('n').U8('N').I16(2).Text("2").Text("x").str()));
  EXPECT_EQ(key.old_kind, 'K');
  EXPECT_EQ(key.old_tuple[1].kind, 'n');
}

TEST(PgOutputTest, DeleteTruncateTypeOriginAndMessage) {
  const std::string delete_bytes = Msg('D').I32(9).U8('K').I16(1).Text("5").str();
  const auto d = std::get<DeleteMessage>(DecodePgOutput(delete_bytes));
  EXPECT_EQ(d.relid, 9u);
  EXPECT_EQ(d.old_kind, 'K');
  EXPECT_EQ(d.old_tuple[0].data, "5");

  const auto t =
      std::get<TruncateMessage>(DecodePgOutput(Msg('T').I32(2).U8(1).I32(9).I32(10).str()));
  EXPECT_EQ(t.options, 1);
  EXPECT_EQ(t.relids, (std::vector<uint32_t>{9, 10}));

  const auto y =
      std::get<TypeMessage>(DecodePgOutput(Msg('Y').I32(30000).Str("public").Str("mood").str()));
  EXPECT_EQ(y.oid, 30000u);
  EXPECT_EQ(y.name, "mood");

  const auto o = std::get<OriginMessage>(DecodePgOutput(Msg('O').I64(77).Str("node1").str()));
  EXPECT_EQ(o.lsn, 77u);
  EXPECT_EQ(o.name, "node1");

  const auto msg = std::get<LogicalMessage>(
      DecodePgOutput(Msg('M').U8(1).I64(88).Str("audit").I32(3).Str("ab").str()));
  EXPECT_TRUE(msg.transactional);
  EXPECT_EQ(msg.lsn, 88u);
  EXPECT_EQ(msg.prefix, "audit");
  EXPECT_EQ(msg.content, std::string("ab\0", 3));
}

TEST(PgOutputTest, MalformedMessagesAreErrorsNamingTheProblem) {
  const auto error = [](const std::string& bytes) {
    try {
      DecodePgOutput(bytes);
    } catch (const DataError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_THAT(error(""), HasSubstr("empty"));
  EXPECT_THAT(error("Z"), HasSubstr("Unknown pgoutput message type 'Z'"));
  EXPECT_THAT(error(Msg('B').I64(1).str()), HasSubstr("truncated"));
  EXPECT_THAT(error(Msg('C').U8(0).I64(1).I64(2).I64(3).U8(9).str()), HasSubstr("trailing"));
  EXPECT_THAT(error(Msg('R').I32(1).Str("public").str()), HasSubstr("NUL"));
  EXPECT_THAT(error(Msg('I').I32(1).U8('N').I16(1).U8('t').I32(100).Str("x").str()),
              HasSubstr("truncated"));
  EXPECT_THAT(error(Msg('I').I32(1).U8('N').I16(1).U8('q').str()), HasSubstr("kind 'q'"));
  EXPECT_THAT(error(Msg('D').I32(1).U8('N').I16(0).str()), HasSubstr("expected 'K' or 'O'"));
}

TEST(PgOutputTest, LsnsFormatAndParseAsPostgreSqlWritesThem) {
  EXPECT_EQ(FormatLsn(0x16B374D848ULL), "16/B374D848");
  EXPECT_EQ(FormatLsn(0), "0/0");
  EXPECT_EQ(ParseLsn("16/B374D848"), 0x16B374D848ULL);
  EXPECT_EQ(ParseLsn("0/0"), 0u);
  EXPECT_EQ(ParseLsn("16B374D848"), std::nullopt);
  EXPECT_EQ(ParseLsn("/1"), std::nullopt);
  EXPECT_EQ(ParseLsn("1/x"), std::nullopt);
}

}  // namespace
}  // namespace ck::postgres
