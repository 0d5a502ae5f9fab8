// What this file is: nothing of the user's work is lost while it is written (#10, "Nothing
// lost"). A checkpoint killed with SIGKILL at many points of its save leaves the old or the new
// complete file under the user's name, never part of one; a failed save leaves no temporary; a
// temporary left by a killed process is reused; an output path is checked before the work.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/io/checkpoint.h"
#include "kill_helpers.h"

namespace bnlab {
namespace {

namespace fs = std::filesystem;

class AtomicSave : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bnlab_atomic_" + std::to_string(::getpid()) + "_" +
                                        testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

// A 16 MB checkpoint whose every weight is `version`: a file mixing two saves shows.
SafeTensors checkpoint_of(int version) {
  SafeTensors st;
  st.tensors["0.weight"] = {"F32", {2048, 2048}, std::vector<float>(2048 * 2048, static_cast<float>(version)), {}};
  st.tensors["0.bias"] = {"F32", {2048}, std::vector<float>(2048, static_cast<float>(version)), {}};
  st.metadata["version"] = std::to_string(version);
  return st;
}

// The version a checkpoint holds, or -1 if it is not one complete save.
int version_of(const std::string& path) {
  const SafeTensors st = read_safetensors(path);
  const int v = std::stoi(st.metadata.at("version"));
  for (const auto& [name, t] : st.tensors)
    for (float x : t.f32)
      if (x != static_cast<float>(v)) return -1;
  return v;
}

TEST_F(AtomicSave, CheckpointKilledMidSaveIsTheOldOrTheNewFile) {
  const std::string path = (dir_ / "run.safetensors").string();
  const SafeTensors versions[2] = {checkpoint_of(1), checkpoint_of(2)};
  write_safetensors(path, versions[0]);
  int bad = 0;
  const KillReport r = kill_during_saves(
      [&](int i) { write_safetensors(path, versions[(i + 1) % 2]); }, path + ".tmp", 24,
      std::chrono::milliseconds(4), [&] {
        try {
          const int v = version_of(path);
          if (v != 1 && v != 2) ++bad;
        } catch (const Error& e) {
          ADD_FAILURE() << "after a kill: " << e.what();
          ++bad;
        }
      });
  std::printf("%d kills, %d of them inside a save\n", r.killed, r.mid_save);
  EXPECT_EQ(r.killed, 24);
  EXPECT_GT(r.mid_save, 0) << "no kill landed inside a save: the test proved nothing";
  EXPECT_EQ(bad, 0);
  // The next save reuses the temporary the last kill left, and leaves none.
  write_safetensors(path, checkpoint_of(3));
  EXPECT_EQ(version_of(path), 3);
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

TEST_F(AtomicSave, FailedSaveLeavesNoTemporaryAndNamesTheReason) {
  // A folder (not empty) under the checkpoint's name: the rename into place fails.
  const fs::path path = dir_ / "taken.safetensors";
  fs::create_directories(path / "inside");
  try {
    write_safetensors(path.string(), checkpoint_of(1));
    ADD_FAILURE() << "saved over a folder";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
  // A folder that does not exist: the OS's reason is in the message.
  const std::string missing = (dir_ / "nowhere" / "c.safetensors").string();
  try {
    write_safetensors(missing, checkpoint_of(1));
    ADD_FAILURE() << "saved into a missing folder";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos) << e.what();
  }
}

TEST_F(AtomicSave, ATemporaryLeftByAKilledSaveIsReused) {
  const std::string path = (dir_ / "notes.txt").string();
  std::ofstream(path + ".tmp") << std::string(1 << 20, 'x');  // what a killed save leaves
  write_file_atomically(path, "complete\n");
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "complete\n");
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

TEST_F(AtomicSave, OutputPathsAreCheckedBeforeTheWork) {
  const std::string ok = (dir_ / "out.safetensors").string();
  EXPECT_NO_THROW(check_writable(ok));
  EXPECT_TRUE(fs::is_empty(dir_));  // the check leaves nothing behind
  try {
    check_writable((dir_ / "missing" / "out.safetensors").string());
    ADD_FAILURE() << "a missing folder passed";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), 2);
    EXPECT_NE(std::string(e.what()).find("missing/out.safetensors"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos) << e.what();
  }
  EXPECT_THROW(check_writable(dir_.string()), Error);  // a folder is not a file
  EXPECT_NO_THROW(check_writable_folder((dir_ / "exports" / "today").string()));
  EXPECT_TRUE(fs::is_directory(dir_ / "exports" / "today"));
  EXPECT_TRUE(fs::is_empty(dir_ / "exports" / "today"));
}

}  // namespace
}  // namespace bnlab
