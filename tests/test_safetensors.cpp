// What this file is: safetensors files the format forbids are refused as data errors naming the
// file and the tensor (#10, defect 6): byte counts that overflow, shapes that are not
// non-negative integers, data offsets that overlap or leave bytes uncovered, a header longer
// than the file, and numbers JSON cannot hold. A file bnlab writes still reads back exactly.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "test_paths.h"
#include "core/error.h"
#include "core/io/checkpoint.h"

namespace bnlab {
namespace {

namespace fs = std::filesystem;

class Safetensors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bnlab_safetensors_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A file with `header` (JSON text) and `data_bytes` bytes of data; `length` overrides the
  // header length written in the first 8 bytes.
  std::string write(const std::string& header, size_t data_bytes, uint64_t length = 0) {
    const std::string path = (dir_ / "t.safetensors").string();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    const uint64_t n = length ? length : header.size();
    out.write(reinterpret_cast<const char*>(&n), 8);
    out << header << std::string(data_bytes, '\x01');
    return path;
  }

  // read_safetensors must refuse the file with a data error naming it and containing `words`.
  void expect_refused(const std::string& path, const std::vector<std::string>& words) {
    try {
      read_safetensors(path);
    } catch (const Error& e) {
      EXPECT_EQ(e.exit_code(), 3) << e.what();
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      for (const auto& w : words) EXPECT_NE(std::string(e.what()).find(w), std::string::npos) << e.what() << "\n  lacks: " << w;
      return;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a bnlab error: " << e.what();
      return;
    }
    ADD_FAILURE() << "accepted; expected a data error containing " << words[0];
  }

  fs::path dir_;
};

TEST_F(Safetensors, ByteCountsThatOverflowAreRefused) {
  // 2³¹ · 2³¹ floats are 2⁶⁴ bytes: the count wrapped to 0 and matched offsets [0, 0].
  expect_refused(write(R"({"w":{"dtype":"F32","shape":[2147483648,2147483648],"data_offsets":[0,0]}})", 0), {"'w'"});
  // Past 2⁶³ elements the product itself overflowed (undefined behaviour).
  expect_refused(write(R"({"w":{"dtype":"I64","shape":[2147483648,2147483648,2147483648],"data_offsets":[0,0]}})", 0),
                 {"'w'"});
  expect_refused(write(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,18446744073709551615]}})", 16), {"'w'"});
}

TEST_F(Safetensors, ShapesMustBeNonNegativeIntegers) {
  // [4.9, 2.2] was read as [4, 2].
  expect_refused(write(R"({"w":{"dtype":"F32","shape":[4.9,2.2],"data_offsets":[0,32]}})", 32), {"'w'", "shape"});
  expect_refused(write(R"({"w":{"dtype":"F32","shape":[-2,-4],"data_offsets":[0,32]}})", 32), {"'w'", "shape"});
  expect_refused(write(R"({"w":{"dtype":"F32","shape":["8"],"data_offsets":[0,32]}})", 32), {"'w'", "shape"});
  expect_refused(write(R"({"w":{"dtype":"F32","shape":[8],"data_offsets":[0.0,32]}})", 32), {"'w'", "data_offsets"});
}

TEST_F(Safetensors, DataOffsetsMustCoverTheDataExactlyOnce) {
  // A bias read from the weight's bytes.
  expect_refused(write(R"({"a.weight":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                       R"("a.bias":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                       16),
                 {"'a.bias'", "overlap"});
  // Bytes no tensor covers: after the last tensor, and between two.
  expect_refused(write(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 24), {"8 bytes", "no tensor"});
  expect_refused(write(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                       R"("b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}})",
                       20),
                 {"'b'", "no tensor"});
  // Offsets that do not match the shape, or end past the file.
  expect_refused(write(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,12]}})", 12), {"'w'", "[0, 12]"});
  expect_refused(write(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8), {"'w'"});
}

// h-fuzz's findings: 8 data bytes after the last tensor, and two tensors reading [112, 400].
TEST_F(Safetensors, FuzzFindings) {
  const std::string dir = std::string(BNLAB_TEST_DATA_DIR) + "/fuzz/";
  expect_refused(dir + "checkpoint-trailing-bytes.safetensors", {"8 bytes", "no tensor"});
  expect_refused(dir + "checkpoint-overlapping-offsets.safetensors", {"[112, 400]", "overlap"});
}

TEST_F(Safetensors, HeadersThatDoNotFitOrParseAreRefused) {
  const std::string header = R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
  expect_refused(write(header, 4, header.size() + 100), {"header length"});
  expect_refused(write(header, 4, uint64_t{1} << 63), {"header length"});
  expect_refused(write(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":2e308})", 4), {"header"});
  expect_refused(write(R"({"w":{"dtype":7,"shape":[1],"data_offsets":[0,4]}})", 4), {"'w'", "dtype"});
  expect_refused(write(R"({"__metadata__":{"bnlab_config":{"seed":1}}})", 0), {"__metadata__"});
}

TEST_F(Safetensors, WhatBnlabWritesReadsBackExactly) {
  SafeTensors st;
  st.tensors["0.weight"] = {"F32", {2, 3}, {1, 2, 3, 4, 5, 6}, {}};
  st.tensors["0.bias"] = {"F32", {2}, {-1.5f, 0.25f}, {}};
  st.tensors["1.num_batches_tracked"] = {"I64", {}, {}, {42}};
  st.tensors["2.empty"] = {"F32", {0, 3}, {}, {}};
  st.metadata["format"] = "pt";
  const std::string path = (dir_ / "w.safetensors").string();
  write_safetensors(path, st);
  const SafeTensors back = read_safetensors(path);
  ASSERT_EQ(back.tensors.size(), 4u);
  EXPECT_EQ(back.tensors.at("0.weight").f32, st.tensors["0.weight"].f32);
  EXPECT_EQ(back.tensors.at("0.weight").shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(back.tensors.at("0.bias").f32, st.tensors["0.bias"].f32);
  EXPECT_EQ(back.tensors.at("1.num_batches_tracked").i64, std::vector<int64_t>{42});
  EXPECT_TRUE(back.tensors.at("2.empty").f32.empty());
  EXPECT_EQ(back.metadata.at("format"), "pt");
}

}  // namespace
}  // namespace bnlab
