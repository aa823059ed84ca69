// The pgoutput decoder (see pgoutput.h). Every read is bounds-checked against the message: a
// truncated or overlong message is a DataError, never a read past the buffer. Integers are
// big-endian (network order) as everywhere in PostgreSQL's protocol.
#include "reference-connectors/postgres/pgoutput.h"

#include <charconv>
#include <cstdio>

#include "ck/errors.h"

namespace ck::postgres {
namespace {

class Reader {
 public:
  Reader(std::string_view data, char type) : data_(data), type_(type) {}

  uint64_t Uint(size_t bytes) {
    Need(bytes, "integer");
    uint64_t v = 0;
    for (size_t i = 0; i < bytes; ++i) v = (v << 8) | static_cast<uint8_t>(data_[pos_ + i]);
    pos_ += bytes;
    return v;
  }
  uint8_t U8() { return static_cast<uint8_t>(Uint(1)); }
  int16_t I16() { return static_cast<int16_t>(Uint(2)); }
  uint32_t U32() { return static_cast<uint32_t>(Uint(4)); }
  int32_t I32() { return static_cast<int32_t>(Uint(4)); }
  uint64_t U64() { return Uint(8); }
  int64_t I64() { return static_cast<int64_t>(Uint(8)); }
  char Byte() { return static_cast<char>(U8()); }

  std::string CString() {
    const size_t end = data_.find('\0', pos_);
    if (end == std::string_view::npos) Fail("a string without its terminating NUL");
    std::string s(data_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }
  std::string Bytes(size_t n) {
    Need(n, "value");
    std::string s(data_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  Tuple ReadTuple() {
    const int16_t n = I16();
    if (n < 0) Fail("a negative column count");
    Tuple tuple(static_cast<size_t>(n));
    for (TupleValue& v : tuple) {
      v.kind = Byte();
      switch (v.kind) {
        case 'n':
        case 'u':
          break;
        case 't':
        case 'b': {
          const int32_t len = I32();
          if (len < 0) Fail("a negative value length");
          Need(static_cast<size_t>(len), "value");
          v.data = data_.substr(pos_, static_cast<size_t>(len));  // no copy: see TupleValue
          pos_ += static_cast<size_t>(len);
          break;
        }
        default:
          Fail(std::string("an unknown tuple value kind '") + v.kind + "'");
      }
    }
    return tuple;
  }
  void End() {
    if (pos_ != data_.size()) {
      Fail(std::to_string(data_.size() - pos_) + " unexpected trailing byte(s)");
    }
  }
  [[noreturn]] void Fail(const std::string& what) const {
    throw DataError(std::string("Malformed pgoutput message '") + type_ + "': " + what +
                    " at byte " + std::to_string(pos_) + " of " + std::to_string(data_.size()));
  }

 private:
  void Need(size_t n, const char* what) const {
    if (data_.size() - pos_ < n) Fail(std::string("truncated ") + what);
  }

  std::string_view data_;
  char type_;
  size_t pos_ = 1;
};

int64_t UnixMicros(int64_t pg_micros) { return pg_micros + kPgEpochOffsetMicros; }

}  // namespace

std::string FormatLsn(uint64_t lsn) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%X/%X", static_cast<unsigned>(lsn >> 32),
                static_cast<unsigned>(lsn & 0xFFFFFFFFu));
  return buf;
}

std::optional<uint64_t> ParseLsn(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  uint32_t hi = 0, lo = 0;
  const char* b = text.data();
  const char* e = b + text.size();
  const auto r1 = std::from_chars(b, b + slash, hi, 16);
  const auto r2 = std::from_chars(b + slash + 1, e, lo, 16);
  if (r1.ec != std::errc() || r1.ptr != b + slash || r2.ec != std::errc() || r2.ptr != e ||
      slash == 0 || slash + 1 == text.size()) {
    return std::nullopt;
  }
  return (uint64_t{hi} << 32) | lo;
}

PgOutputMessage DecodePgOutput(std::string_view data) {
  if (data.empty()) throw DataError("Malformed pgoutput message: empty");
  const char type = data[0];
  Reader r(data, type);
  PgOutputMessage out;
  switch (type) {
    case 'B': {
      BeginMessage m;
      m.final_lsn = r.U64();
      m.commit_time_us = UnixMicros(r.I64());
      m.xid = r.U32();
      out = m;
      break;
    }
    case 'C': {
      CommitMessage m;
      m.flags = r.U8();
      m.commit_lsn = r.U64();
      m.end_lsn = r.U64();
      m.commit_time_us = UnixMicros(r.I64());
      out = m;
      break;
    }
    case 'O': {
      OriginMessage m;
      m.lsn = r.U64();
      m.name = r.CString();
      out = std::move(m);
      break;
    }
    case 'R': {
      RelationMessage m;
      m.relid = r.U32();
      m.schema = r.CString();
      m.table = r.CString();
      m.replica_identity = r.Byte();
      const int16_t n = r.I16();
      if (n < 0) r.Fail("a negative column count");
      m.columns.resize(static_cast<size_t>(n));
      for (RelationColumn& c : m.columns) {
        c.key = (r.U8() & 1) != 0;
        c.name = r.CString();
        c.type_oid = r.U32();
        c.type_mod = r.I32();
      }
      out = std::move(m);
      break;
    }
    case 'Y': {
      TypeMessage m;
      m.oid = r.U32();
      m.schema = r.CString();
      m.name = r.CString();
      out = std::move(m);
      break;
    }
    case 'I': {
      InsertMessage m;
      m.relid = r.U32();
      if (const char n = r.Byte(); n != 'N') r.Fail(std::string("expected 'N', got '") + n + "'");
      m.new_tuple = r.ReadTuple();
      out = std::move(m);
      break;
    }
    case 'U': {
      UpdateMessage m;
      m.relid = r.U32();
      char next = r.Byte();
      if (next == 'K' || next == 'O') {
        m.old_kind = next;
        m.old_tuple = r.ReadTuple();
        next = r.Byte();
      }
      if (next != 'N') r.Fail(std::string("expected 'N', got '") + next + "'");
      m.new_tuple = r.ReadTuple();
      out = std::move(m);
      break;
    }
    case 'D': {
      DeleteMessage m;
      m.relid = r.U32();
      m.old_kind = r.Byte();
      if (m.old_kind != 'K' && m.old_kind != 'O') {
        r.Fail(std::string("expected 'K' or 'O', got '") + m.old_kind + "'");
      }
      m.old_tuple = r.ReadTuple();
      out = std::move(m);
      break;
    }
    case 'T': {
      TruncateMessage m;
      const int32_t n = r.I32();
      if (n < 0) r.Fail("a negative relation count");
      m.options = r.U8();
      for (int32_t i = 0; i < n; ++i) m.relids.push_back(r.U32());
      out = std::move(m);
      break;
    }
    case 'M': {
      LogicalMessage m;
      m.transactional = (r.U8() & 1) != 0;
      m.lsn = r.U64();
      m.prefix = r.CString();
      const int32_t len = r.I32();
      if (len < 0) r.Fail("a negative content length");
      m.content = r.Bytes(static_cast<size_t>(len));
      out = std::move(m);
      break;
    }
    default:
      throw DataError(std::string("Unknown pgoutput message type '") + type +
                      "' (protocol version 1 has B, C, O, R, Y, I, U, D, T and M)");
  }
  r.End();
  return out;
}

}  // namespace ck::postgres
