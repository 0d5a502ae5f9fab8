// What this file is: the two canvas back ends for real. cairo: an SVG export parses as XML and
// holds the line's paths and the title's glyphs; a PNG at scale 2 has twice the pixels; PDF has
// its header; failures leave no file. ImGui (a headless context, no window): a 10^6-point line
// costs a bounded number of vertices, and vertical text is really turned on its side.
#include <cairo.h>
#include <gtest/gtest.h>
#include <imgui.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "kill_helpers.h"
#include "plot/cairo_canvas.h"
#include "plot/imgui_canvas.h"
#include "plot/plot.h"

namespace bnlab::plot {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A small XML well-formedness check: every element closes, in order. Enough to tell a complete
// SVG from a truncated or garbled one.
bool xml_well_formed(const std::string& s, std::string* root) {
  std::vector<std::string> open;
  for (size_t i = s.find('<'); i != std::string::npos; i = s.find('<', i + 1)) {
    const size_t end = s.find('>', i);
    if (end == std::string::npos) return false;
    const std::string tag = s.substr(i + 1, end - i - 1);
    if (tag.empty() || tag[0] == '?' || tag[0] == '!') continue;
    const bool closing = tag[0] == '/', self_closing = tag.back() == '/';
    std::string name = tag.substr(closing ? 1 : 0);
    name = name.substr(0, name.find_first_of(" \t\n/"));
    if (closing) {
      if (open.empty() || open.back() != name) return false;
      open.pop_back();
    } else if (!self_closing) {
      if (open.empty() && root) *root = name;
      open.push_back(name);
    }
  }
  return open.empty();
}

class PlotExport : public testing::Test {
 protected:
  void SetUp() override {
    ResetState();
    dir_ = fs::temp_directory_path() / ("bnlab_plot_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    fs::remove_all(dir_);
    ResetState();
  }
  // A loss curve, titled when `title` is non-empty.
  static std::function<void(Canvas&)> curve(const std::string& title) {
    return [title](Canvas& canvas) {
      static const float ys[] = {2.3f, 1.1f, 0.8f, 0.6f, 0.55f, 0.5f};
      PlotSpec spec;
      spec.title = title;
      spec.theme = light_theme();
      spec.legend = false;
      if (Begin(canvas, "export " + title, Rect{0, 0, 480, 320}, spec)) {
        Line("loss", nullptr, ys, 6);
        End();
      }
    };
  }
  fs::path dir_;
};

TEST_F(PlotExport, SvgParsesAndHoldsPathsAndTitleGlyphs) {
  std::string error;
  const fs::path titled = dir_ / "titled.svg", plain = dir_ / "plain.svg";
  ASSERT_TRUE(export_plot(titled.string(), Format::svg, 480, 320, 1, curve("Loss"), &error)) << error;
  ASSERT_TRUE(export_plot(plain.string(), Format::svg, 480, 320, 1, curve(""), &error)) << error;
  EXPECT_FALSE(fs::exists(titled.string() + ".tmp"));
  const std::string svg = read_all(titled);
  ASSERT_EQ(svg.rfind("<?xml", 0), 0u) << svg.substr(0, 80);
  std::string root;
  EXPECT_TRUE(xml_well_formed(svg, &root));
  EXPECT_EQ(root, "svg");
  EXPECT_GE(count(svg, "<path"), 3u);  // at least frame, grid and the curve
  // cairo writes text as glyph outlines (<symbol>) placed by <use>: the title adds its four
  // glyphs to what the tick labels already place.
  EXPECT_GT(count(svg, "<symbol"), 0u);
  EXPECT_GE(count(svg, "<use"), count(read_all(plain), "<use") + 4);
}

TEST_F(PlotExport, PngAtScaleTwoHasTwiceThePixels) {
  std::string error;
  for (int scale : {1, 2}) {
    const fs::path path = dir_ / ("plot" + std::to_string(scale) + ".png");
    ASSERT_TRUE(export_plot(path.string(), Format::png, 300, 200, static_cast<float>(scale), curve("Loss"), &error))
        << error;
    const std::string png = read_all(path);
    ASSERT_GE(png.size(), 24u);
    ASSERT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    ASSERT_EQ(png.substr(12, 4), "IHDR");
    auto be32 = [&](size_t at) {
      return (static_cast<uint32_t>(static_cast<uint8_t>(png[at])) << 24) |
             (static_cast<uint32_t>(static_cast<uint8_t>(png[at + 1])) << 16) |
             (static_cast<uint32_t>(static_cast<uint8_t>(png[at + 2])) << 8) | static_cast<uint8_t>(png[at + 3]);
    };
    EXPECT_EQ(be32(16), 300u * scale);
    EXPECT_EQ(be32(20), 200u * scale);
  }
}

TEST_F(PlotExport, PdfHasItsHeader) {
  std::string error;
  const fs::path path = dir_ / "plot.pdf";
  ASSERT_TRUE(export_plot(path.string(), Format::pdf, 480, 320, 1, curve("Loss"), &error)) << error;
  EXPECT_EQ(read_all(path).rfind("%PDF-", 0), 0u);
}

TEST_F(PlotExport, FailuresReportAndLeaveNoFile) {
  std::string error;
  const fs::path missing = dir_ / "no such dir" / "plot.svg";
  EXPECT_FALSE(export_plot(missing.string(), Format::svg, 480, 320, 1, curve("Loss"), &error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(fs::exists(missing));
  error.clear();
  const fs::path png = dir_ / "big.png";
  EXPECT_FALSE(export_plot(png.string(), Format::png, 300, 200, 5, curve("Loss"), &error));  // 1x to 4x only
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(fs::exists(png));
  EXPECT_TRUE(fs::is_empty(dir_));
}

// Nothing lost (#10): an export killed mid-save is the old or the new complete PNG, and a failed
// one leaves no temporary.
TEST_F(PlotExport, KilledMidSaveIsTheOldOrTheNewImage) {
  const std::string path = (dir_ / "curve.png").string();
  // Two versions told apart by their width; big enough that encoding takes a while.
  auto save = [&](int i) {
    std::string error;
    if (!export_plot(path, Format::png, i % 2 ? 1600 : 1500, 1200, 2, curve("Loss"), &error)) throw std::runtime_error(error);
  };
  save(0);
  int bad = 0;
  const KillReport r = kill_during_saves(save, path + ".tmp", 16, std::chrono::milliseconds(5), [&] {
    cairo_surface_t* png = cairo_image_surface_create_from_png(path.c_str());
    const int w = cairo_image_surface_get_width(png);
    if (cairo_surface_status(png) != CAIRO_STATUS_SUCCESS || (w != 3000 && w != 3200)) ++bad;
    cairo_surface_destroy(png);
  });
  std::printf("%d kills, %d of them inside a save\n", r.killed, r.mid_save);
  EXPECT_EQ(r.killed, 16);
  EXPECT_GT(r.mid_save, 0) << "no kill landed inside a save: the test proved nothing";
  EXPECT_EQ(bad, 0);
  save(0);  // reuses the temporary the last kill left
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  // A folder in the way: the rename fails, the message names the file, no temporary is left.
  const fs::path taken = dir_ / "taken.svg";
  fs::create_directories(taken / "inside");
  std::string error;
  EXPECT_FALSE(export_plot(taken.string(), Format::svg, 480, 320, 1, curve("Loss"), &error));
  EXPECT_NE(error.find(taken.string()), std::string::npos) << error;
  EXPECT_FALSE(fs::exists(taken.string() + ".tmp"));
}

TEST_F(PlotExport, ChineseTextIsDrawnWithTheCjkFont) {
  // make deps installs fonts-wqy-microhei; without it Chinese exports would show boxes.
  ASSERT_TRUE(fs::exists("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")) << "fonts-wqy-microhei is missing";
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 64, 64);
  cairo_t* cr = cairo_create(surface);
  {
    CairoCanvas canvas(cr, 1.0f, ExportFont{});
    // A Han character in a CJK font is one em wide; DejaVu's missing-glyph box is narrower.
    const Vec2 han = canvas.measure_text("损失", 20.0f), latin = canvas.measure_text("ab", 20.0f);
    EXPECT_GT(han.x, 1.6f * 20.0f);
    EXPECT_LT(latin.x, 1.4f * 20.0f);
    EXPECT_FLOAT_EQ(han.y, 20.0f);
  }
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
}

// A headless ImGui frame: fonts built, no renderer; draw data is inspected, never rendered.
class PlotImGui : public testing::Test {
 protected:
  void SetUp() override {
    ResetState();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // no imgui.ini left in the working directory
    io.DisplaySize = ImVec2(1200, 800);
    unsigned char* pixels;
    int w, h;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(1000, 700));
    ImGui::Begin("plots");
  }
  void TearDown() override {
    ImGui::End();
    ImGui::Render();
    ImGui::DestroyContext();
    ResetState();
  }
};

TEST_F(PlotImGui, MillionPointLineCostsBoundedVertices) {
  const int n = 1000000;
  std::vector<float> ys(n);
  for (int i = 0; i < n; ++i) ys[i] = std::sin(i * 1e-4f) + 0.3f * std::sin(i * 0.91f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImGuiCanvas canvas(dl);
  const int before = dl->VtxBuffer.Size;
  const Rect rect{10, 10, 810, 510};
  ASSERT_TRUE(Begin(canvas, "million", rect, PlotSpec{.y_label = "loss"}));
  Line("loss", nullptr, ys.data(), n, ItemStyle{.smoothing = 0.9f});
  End();
  const int vertices = dl->VtxBuffer.Size - before;
  // Two lines (raw ghost and smoothed), ≤ 2 points per column of 800, a few vertices per point,
  // plus axes and text: tens of thousands at most, against millions without the reduction.
  EXPECT_LT(vertices, 60000);
  EXPECT_GT(vertices, 1000);
  EXPECT_FALSE(LastPlotCsv("million").empty());
}

TEST_F(PlotImGui, VerticalTextIsTurnedOnItsSide) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImGuiCanvas canvas(dl);
  const std::string label = "gradient norm";
  const Vec2 size = canvas.measure_text(label, 0.0f);
  auto bounds = [&](int from) {
    ImVec2 lo(1e9f, 1e9f), hi(-1e9f, -1e9f);
    for (int i = from; i < dl->VtxBuffer.Size; ++i) {
      lo = ImVec2(std::min(lo.x, dl->VtxBuffer[i].pos.x), std::min(lo.y, dl->VtxBuffer[i].pos.y));
      hi = ImVec2(std::max(hi.x, dl->VtxBuffer[i].pos.x), std::max(hi.y, dl->VtxBuffer[i].pos.y));
    }
    return std::make_pair(lo, hi);
  };
  const int start = dl->VtxBuffer.Size;
  canvas.text({100, 300}, label, TextStyle{0.0f, Color{}, HAlign::center, VAlign::top, true});
  const auto [lo, hi] = bounds(start);
  EXPECT_GT(hi.y - lo.y, 0.8f * size.x);                     // the text runs down the screen ...
  EXPECT_LT(hi.x - lo.x, 1.2f * size.y);                     // ... one line wide
  EXPECT_NEAR(0.5f * (lo.y + hi.y), 300.0f, 0.1f * size.x);  // centred on the anchor
  EXPECT_GE(lo.x, 100.0f - 0.5f);                            // its top edge at the anchor's x
}

}  // namespace
}  // namespace bnlab::plot
