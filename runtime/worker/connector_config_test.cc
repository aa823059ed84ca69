#include "runtime/worker/connector_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace ck::runtime {
namespace {

using ::testing::HasSubstr;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ck-config-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p) << text;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ParseProperties, AcceptsJavaSyntax) {
  Properties p = ParseProperties(
      "# comment\n! other comment\n  name = file-source\nfile: /tmp/in.txt\ntopic connect-test\n"
      "list=a,\\\n    b,\\\n    c\nescaped\\=key=v\\tx\nunicode=caf\\u00e9\nempty=\n",
      "test");
  EXPECT_EQ(p.at("name"), "file-source");
  EXPECT_EQ(p.at("file"), "/tmp/in.txt");
  EXPECT_EQ(p.at("topic"), "connect-test");
  EXPECT_EQ(p.at("list"), "a,b,c");
  EXPECT_EQ(p.at("escaped=key"), "v\tx");
  EXPECT_EQ(p.at("unicode"), "caf\xc3\xa9");
  EXPECT_EQ(p.at("empty"), "");
  EXPECT_EQ(p.size(), 7u);
}

TEST(ParseProperties, LaterDuplicatesWinAndCrlfWorks) {
  Properties p = ParseProperties("a=1\r\na=2\r\n", "test");
  EXPECT_EQ(p.at("a"), "2");
}

TEST(ParseProperties, MalformedUnicodeEscapeNamesTheSource) {
  EXPECT_THROW(
      {
        try {
          ParseProperties("k=\\u12", "worker.properties");
        } catch (const ConfigFileError& e) {
          EXPECT_THAT(e.what(), HasSubstr("worker.properties"));
          throw;
        }
      },
      ConfigFileError);
}

TEST(ReadConnectorFile, ReadsRestShapedAndFlatJsonAndProperties) {
  TempDir dir;
  ConnectorFile wrapped = ReadConnectorFile(dir.Write(
      "a.json",
      R"({"name":"sink","config":{"connector.class":"FileStreamSink","tasks.max":2,"x":true}})"));
  EXPECT_EQ(wrapped.name, "sink");
  EXPECT_EQ(wrapped.config.at("tasks.max"), "2");
  EXPECT_EQ(wrapped.config.at("x"), "true");
  EXPECT_EQ(wrapped.config.at("name"), "sink");

  ConnectorFile flat = ReadConnectorFile(dir.Write("b.json", R"({"name":"flat","topic":"t"})"));
  EXPECT_EQ(flat.name, "flat");
  EXPECT_EQ(flat.config.at("topic"), "t");

  ConnectorFile props = ReadConnectorFile(dir.Write("c.properties", "name=p\ntopic=t\n"));
  EXPECT_EQ(props.name, "p");
}

TEST(ReadConnectorFile, ErrorsNameTheFileAndTheProblem) {
  TempDir dir;
  const std::string no_name = dir.Write("n.properties", "topic=t\n");
  try {
    ReadConnectorFile(no_name);
    FAIL();
  } catch (const ConfigFileError& e) {
    EXPECT_THAT(e.what(), HasSubstr(no_name));
    EXPECT_THAT(e.what(), HasSubstr("no 'name'"));
  }
  const std::string bad = dir.Write("bad.json", "{not json");
  EXPECT_THROW(ReadConnectorFile(bad), ConfigFileError);
  EXPECT_THROW(ReadConnectorFile(dir.path() + "/missing.json"), ConfigFileError);
}

TEST(ResolveConfigProviders, ResolvesFileEnvAndDirectory) {
  TempDir dir;
  const std::string creds = dir.Write("creds.properties", "db.password=s3cret\n");
  dir.Write("keyfile", "KEY");
  setenv("CK_TEST_DB_USER", "alice", 1);
  Properties resolved = ResolveConfigProviders({
      {"password", "${file:" + creds + ":db.password}"},
      {"user", "${env:CK_TEST_DB_USER}"},
      {"key", "prefix-${directory:" + dir.path() + ":keyfile}-suffix"},
      {"untouched", "${vault:secret/x:y}"},
      {"plain", "value"},
  });
  EXPECT_EQ(resolved.at("password"), "s3cret");
  EXPECT_EQ(resolved.at("user"), "alice");
  EXPECT_EQ(resolved.at("key"), "prefix-KEY-suffix");
  EXPECT_EQ(resolved.at("untouched"), "${vault:secret/x:y}");
  EXPECT_EQ(resolved.at("plain"), "value");
}

TEST(ResolveConfigProviders, MissingValuesNameTheKeyAndPlaceholder) {
  try {
    ResolveConfigProviders({{"user", "${env:CK_TEST_DOES_NOT_EXIST}"}});
    FAIL();
  } catch (const ConfigFileError& e) {
    EXPECT_THAT(e.what(), HasSubstr("'user'"));
    EXPECT_THAT(e.what(), HasSubstr("${env:CK_TEST_DOES_NOT_EXIST}"));
  }
}

}  // namespace
}  // namespace ck::runtime
