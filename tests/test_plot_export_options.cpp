// What this file is: exports as the plot menu asks for them (export_drawing): a PNG of a chosen
// size in pixels and a chosen theme, with the screen theme's series colours swapped for the
// export theme's; SVG and PDF sized in points; and the JSON of the data drawn.
#include <cairo.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "plot/plot.h"
#include "plot/plot_export.h"

namespace bnlab::plot {
namespace {

namespace fs = std::filesystem;

struct Pixel {
  int r, g, b;
};

// The PNG's size and the colour of its pixel (x, y).
bool read_png(const fs::path& path, int* width, int* height, int x, int y, Pixel* pixel) {
  cairo_surface_t* s = cairo_image_surface_create_from_png(path.c_str());
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(s);
    return false;
  }
  *width = cairo_image_surface_get_width(s);
  *height = cairo_image_surface_get_height(s);
  const unsigned char* data = cairo_image_surface_get_data(s);
  const uint32_t word = *reinterpret_cast<const uint32_t*>(data + y * cairo_image_surface_get_stride(s) + x * 4);
  *pixel = {static_cast<int>((word >> 16) & 0xff), static_cast<int>((word >> 8) & 0xff), static_cast<int>(word & 0xff)};
  cairo_surface_destroy(s);
  return true;
}

class PlotExportOptions : public testing::Test {
 protected:
  void SetUp() override {
    ResetState();
    dir_ = fs::temp_directory_path() / ("bnlab_plot_options_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    fs::remove_all(dir_);
    ResetState();
  }
  // Two runs in the screen's colours (dark theme), as a panel describes them.
  static void curves(Canvas& canvas, Rect rect) {
    static const float a[] = {2.3f, 1.1f, 0.8f, 0.6f}, b[] = {2.3f, 1.6f, 1.3f, 1.1f};
    PlotSpec spec;  // dark, the screen's
    spec.title = "loss";
    if (!Begin(canvas, "curves", rect, spec)) return;
    Line("A", nullptr, a, 4, {.color = kScreenA});
    Line("B", nullptr, b, 4, {.color = kScreenB});
    End();
  }
  static constexpr Color kScreenA{0.35f, 0.65f, 1.0f, 1.0f}, kScreenB{1.0f, 0.6f, 0.2f, 1.0f};
  fs::path dir_;
};

TEST_F(PlotExportOptions, PngHasTheChosenSizeAndTheChosenThemesBackground) {
  struct Case {
    const char* theme;
    float width, height;
    Pixel background;
  };
  for (const Case c : {Case{"print", 500, 300, {255, 255, 255}}, Case{"dark", 640, 480, {30, 31, 36}},
                       Case{"light", 333, 211, {246, 246, 248}}, Case{"print", 1200, 500, {255, 255, 255}}}) {
    ExportRequest request;
    request.format = Format::png;
    request.width = c.width;
    request.height = c.height;
    request.screen_width = 400;  // the plot on screen; the PNG may be larger, or of another shape
    request.screen_height = 250;
    request.restyle = Restyle{theme_by_name(c.theme), 1.0f, {}};
    const fs::path path = dir_ / (std::string(c.theme) + ".png");
    std::string error;
    ASSERT_TRUE(export_drawing(path.string(), request, curves, &error)) << error;
    int w = 0, h = 0;
    Pixel corner{};
    ASSERT_TRUE(read_png(path, &w, &h, 1, 1, &corner));
    EXPECT_EQ(w, static_cast<int>(c.width)) << c.theme;
    EXPECT_EQ(h, static_cast<int>(c.height)) << c.theme;
    EXPECT_EQ(corner.r, c.background.r) << c.theme;
    EXPECT_EQ(corner.g, c.background.g) << c.theme;
    EXPECT_EQ(corner.b, c.background.b) << c.theme;
  }
  // Twice the screen size is the screen's picture at twice the pixels: laid out at 400 × 250.
  ExportRequest request;
  request.width = 800;
  request.height = 500;
  request.screen_width = 400;
  request.screen_height = 250;
  const ExportLayout layout = export_layout(request);
  EXPECT_FLOAT_EQ(layout.width, 400.0f);
  EXPECT_FLOAT_EQ(layout.height, 250.0f);
  EXPECT_FLOAT_EQ(layout.scale, 2.0f);
  request.format = Format::pdf;  // points: laid out at the size asked for
  EXPECT_FLOAT_EQ(export_layout(request).width, 800.0f);
  EXPECT_FLOAT_EQ(export_layout(request).scale, 1.0f);
}

// Records the colours of the lines it draws.
class ColourCanvas final : public Canvas {
 public:
  std::vector<Color> lines;
  void polyline(const Vec2*, int n, Color c, float, bool) override {
    if (n > 4) lines.push_back(c);  // series, not grid lines or the frame
  }
  void rect_filled(Rect, Color) override {}
  void convex_filled(const Vec2*, int, Color) override {}
  void strip_filled(const Vec2*, const Vec2*, int, Color) override {}
  void circle_filled(Vec2, float, Color) override {}
  void text(Vec2, std::string_view, const TextStyle&) override {}
  Vec2 measure_text(std::string_view s, float size) override { return {0.5f * size * s.size(), size}; }
  void push_clip(Rect) override {}
  void pop_clip() override {}
  float default_text_size() const override { return 13.0f; }
};

TEST_F(PlotExportOptions, ARestyleSwapsTheScreensSeriesColoursAndTheme) {
  const float ys[] = {1, 2, 3, 2, 1, 0};
  const Color print_a = Color::rgb8(0, 51, 191);
  const Restyle restyle{print_theme(), 1.0f, {{kScreenA, print_a}}};
  ColourCanvas canvas;
  {
    const ScopedRestyle scoped(restyle);
    ASSERT_EQ(ActiveRestyle(), &restyle);
    ASSERT_TRUE(Begin(canvas, "recolour", Rect{0, 0, 400, 300}, PlotSpec{}));
    Line("A", nullptr, ys, 6, {.color = kScreenA.with_alpha(0.5f)});  // a fainter block of run A
    Line("other", nullptr, ys, 6, {.color = Color{0.2f, 0.9f, 0.2f, 1.0f}});
    Line("palette", nullptr, ys, 6);
    End();
  }
  EXPECT_EQ(ActiveRestyle(), nullptr);
  ASSERT_EQ(canvas.lines.size(), 3u);
  EXPECT_NEAR(canvas.lines[0].r, print_a.r, 1e-6);
  EXPECT_NEAR(canvas.lines[0].b, print_a.b, 1e-6);
  EXPECT_FLOAT_EQ(canvas.lines[0].a, 0.5f);                        // alpha kept
  EXPECT_FLOAT_EQ(canvas.lines[1].g, 0.9f);                        // not a theme colour: left alone
  EXPECT_FLOAT_EQ(canvas.lines[2].b, print_theme().palette[0].b);  // the export theme's palette
}

TEST_F(PlotExportOptions, JsonHoldsEverySeriesWithItsNameAndArrays) {
  ColourCanvas canvas;
  const float xs[] = {0, 1, 2, 3}, ys[] = {4, 2, 8, 6};
  const float counts[] = {1, 5, 2};
  ASSERT_TRUE(Begin(canvas, "data", Rect{0, 0, 600, 400}, PlotSpec{}));
  Line("loss, A", xs, ys, 4);
  Histogram("h", counts, 3, 0.0, 3.0);
  Scatter("##rim train", xs, ys, 2);
  End();
  const nlohmann::json j = nlohmann::json::parse(LastPlotJson("data"));
  EXPECT_EQ(j["plot"], "data");
  ASSERT_EQ(j["series"].size(), 3u);
  const nlohmann::json& line = j["series"][0];
  EXPECT_EQ(line["name"], "loss, A");
  EXPECT_EQ(line["kind"], "line");
  EXPECT_EQ(line["x"], nlohmann::json({0, 1, 2, 3}));
  EXPECT_EQ(line["y"], nlohmann::json({4, 2, 8, 6}));
  EXPECT_FALSE(line.contains("value"));
  const nlohmann::json& hist = j["series"][1];
  EXPECT_EQ(hist["kind"], "histogram");
  EXPECT_EQ(hist["x"], nlohmann::json({0.5, 1.5, 2.5}));  // bin centres, as in the CSV
  EXPECT_EQ(hist["y"], nlohmann::json({1, 5, 2}));
  EXPECT_EQ(hist["value"], nlohmann::json({1, 1, 1}));  // bin widths
  EXPECT_EQ(j["series"][2]["name"], "rim train");
  EXPECT_EQ(LastPlotJson("never drawn"), "");
}

}  // namespace
}  // namespace bnlab::plot
