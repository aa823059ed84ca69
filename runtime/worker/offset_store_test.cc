#include "runtime/worker/offset_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace ck::runtime {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

class OffsetStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ck-offsets-XXXXXX";
    dir_ = mkdtemp(tmpl);
    path_ = dir_ + "/connect.offsets";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
  std::string path_;
};

TEST_F(OffsetStoreTest, KeysAsKafkaConnectDoes) {
  EXPECT_EQ(FileOffsetStore::Key("file-source", R"({"filename": "/tmp/in.txt"})"),
            R"(["file-source",{"filename":"/tmp/in.txt"}])");
}

TEST_F(OffsetStoreTest, CommittedOffsetsSurviveReopening) {
  {
    FileOffsetStore store(path_);
    EXPECT_EQ(store.Get("c", R"({"task":0})"), std::nullopt);
    store.Commit({{"c", R"({"task":0})", R"({"seq":10})"},
                  {"c", R"({"task":1})", R"({"seq":4})"},
                  {"other", R"({"task":0})", R"({"seq":1})"}});
    store.Commit({{"c", R"({"task":0})", R"({"seq":20})"}});
  }
  FileOffsetStore reopened(path_);
  EXPECT_EQ(reopened.Get("c", R"({ "task" : 0 })"), R"({"seq":20})");
  EXPECT_THAT(reopened.List("c"), ElementsAre(Pair(R"({"task":0})", R"({"seq":20})"),
                                              Pair(R"({"task":1})", R"({"seq":4})")));
  EXPECT_FALSE(std::filesystem::exists(path_ + ".tmp"));
}

TEST_F(OffsetStoreTest, EmptyOffsetDeletesThePartition) {
  FileOffsetStore store(path_);
  store.Commit({{"c", R"({"task":0})", R"({"seq":10})"}});
  store.Commit({{"c", R"({"task":0})", ""}});
  EXPECT_EQ(FileOffsetStore(path_).Get("c", R"({"task":0})"), std::nullopt);
}

TEST_F(OffsetStoreTest, ALeftoverTemporaryFileDoesNotMatter) {
  FileOffsetStore(path_).Commit({{"c", R"({"task":0})", R"({"seq":1})"}});
  std::ofstream(path_ + ".tmp") << "{\"torn";  // a crash in the middle of the next flush
  EXPECT_EQ(FileOffsetStore(path_).Get("c", R"({"task":0})"), R"({"seq":1})");
}

TEST_F(OffsetStoreTest, CorruptFileIsRefusedWithItsName) {
  std::ofstream(path_) << "garbage";
  try {
    FileOffsetStore store(path_);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr(path_));
  }
}

}  // namespace
}  // namespace ck::runtime
