// What this file is: narration line breaking in English and Chinese (ui/text_wrap.h), measured
// here one unit per code point.
#include <gtest/gtest.h>

#include "ui/text_wrap.h"

namespace bnlab::ui {
namespace {

float code_points(std::string_view s) {
  float n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

TEST(TextWrap, EnglishBreaksAtSpaces) {
  const auto lines = wrap_text("two copies of one network", 12, code_points);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "two copies");
  EXPECT_EQ(lines[1], "of one");
  EXPECT_EQ(lines[2], "network");
}

TEST(TextWrap, ChineseBreaksBetweenCharactersNotBeforePunctuation) {
  // Thirteen code points a line at most.
  const auto lines = wrap_text("这是同一个网络的两份拷贝，三个隐藏层", 13, code_points);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "这是同一个网络的两份拷贝，");
  EXPECT_EQ(lines[1], "三个隐藏层");
  // The comma may not start a line, so the line before it gives up a character to go with it.
  const auto tight = wrap_text("这是同一个网络的两份拷贝，三个", 12, code_points);
  ASSERT_EQ(tight.size(), 2u);
  EXPECT_EQ(tight[0], "这是同一个网络的两份拷");
  EXPECT_EQ(tight[1], "贝，三个");
}

TEST(TextWrap, MixedTextFillsItsLines) {
  // ImGui broke this after "A", leaving a line of one letter.
  const auto lines = wrap_text("小批量大小为 60，正是 BN 论文图 1 的设置。A 在每个隐藏层都做批量归一化", 20, code_points);
  for (size_t i = 0; i + 1 < lines.size(); ++i) EXPECT_GE(code_points(lines[i]), 16) << lines[i];
  std::string joined;
  for (const auto& l : lines) joined += l;
  EXPECT_EQ(joined.find("  "), std::string::npos);
}

TEST(TextWrap, KeepsNewlinesAndOverlongWords) {
  const auto lines = wrap_text("a\nsupercalifragilistic b", 8, code_points);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "a");
  EXPECT_EQ(lines[1], "supercalifragilistic");
  EXPECT_EQ(lines[2], "b");
}

TEST(TextWrap, ANumberInAChineseSentenceStaysOnOneLine) {
  // ImGui broke the run notice's "初始 2.48" after the point; here the line ends before the number.
  const std::string notice = "损失一直高于初始值的 10 倍（现在 1.8e+06，初始 2.48）";
  for (float width = 8; width <= 40; ++width)
    for (const std::string& line : wrap_text(notice, width, code_points)) {
      EXPECT_NE(line.back(), '.') << width << ": " << line;
      EXPECT_NE(line.front(), '4') << width << ": " << line;
    }
}

}  // namespace
}  // namespace bnlab::ui
