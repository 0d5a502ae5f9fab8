// What this file is: where the network view (network_panel.cpp) puts things, and what a point
// hits. One row per run (A above B): its label, the input tag, one box per block, the output tag,
// arrows between them. A box stacks the block's layers in the order data flows through them
// (op, then BN and the activation in the configured order), and BN's switch sits on BN's row.
// The block numbers head the columns, and a column spans both runs, so selecting block k marks
// it in A and in B alike.
// Plain geometry on plot::Rect kept in a header: the tests link bnlab_core and bnlab_plot but not
// the app's panels, and this is the part of the panel worth checking without a window.
#pragma once

#include <algorithm>
#include <array>
#include <vector>

#include "plot/canvas.h"

namespace bnlab {

// Sizes the caller measures with the font it draws with.
struct DiagramMetrics {
  float line_height = 16.0f;    // one row of text inside a box
  float pad = 4.0f;             // inside boxes and between rows
  float label_width = 16.0f;    // the run's letter in front of its row
  float input_width = 40.0f;    // the input tag
  float output_width = 40.0f;   // the output tag
  float arrow_width = 14.0f;    // the gap an arrow spans between two boxes
  float max_box_width = 160.0f; // wider boxes only look empty
};

// A box's rows, by what they show (not by position: BN may follow the activation).
enum class LayerRow { op = 0, norm = 1, activation = 2 };
inline constexpr int kLayerRows = 3;

struct BlockBox {
  plot::Rect box{};
  std::array<plot::Rect, kLayerRows> rows{};  // by LayerRow; zero-sized when the layout is compact
  plot::Rect bn_switch{};                     // inside the norm row; zero-sized on the last block
};

struct Arrow {
  plot::Vec2 from{}, to{};
};

struct NetworkLayout {
  // Too short for three rows per box: each box holds only BN's switch.
  bool compact = false;
  std::vector<plot::Rect> numbers;  // (blocks) the block numbers above the columns
  std::vector<plot::Rect> columns;  // (blocks) number and both runs' boxes: the selection band
  std::array<plot::Rect, 2> labels{}, inputs{}, outputs{};  // per run
  std::array<std::vector<BlockBox>, 2> boxes;              // per run, (blocks)
  std::array<std::vector<Arrow>, 2> arrows;                // per run, (blocks + 1)
};

inline bool is_empty(const plot::Rect& r) { return r.width() <= 0.0f || r.height() <= 0.0f; }

// Lays out `blocks` blocks of two runs in `area`, centred. BN's row comes second when it
// normalizes before the activation, third otherwise.
inline NetworkLayout layout_network(plot::Rect area, int blocks, bool bn_before_activation, const DiagramMetrics& m) {
  NetworkLayout l;
  if (blocks <= 0) return l;
  const float line = m.line_height, pad = m.pad;
  const float full_box_h = 3.0f * line + 2.0f * pad;
  const float header_h = line;
  const float run_gap = 2.0f * pad;
  l.compact = area.height() < header_h + pad + 2.0f * full_box_h + run_gap;
  const float box_h = l.compact ? line + 2.0f * pad : full_box_h;
  const float content_h = header_h + pad + 2.0f * box_h + run_gap;

  const float fixed = m.label_width + pad + m.input_width + m.output_width + static_cast<float>(blocks + 1) * m.arrow_width;
  const float box_w = std::max(line, std::min(m.max_box_width, (area.width() - fixed) / static_cast<float>(blocks)));
  const float content_w = fixed + box_w * static_cast<float>(blocks);
  const float x0 = area.x0 + std::max(0.0f, (area.width() - content_w) * 0.5f);
  const float y0 = area.y0 + std::max(0.0f, (area.height() - content_h) * 0.5f);

  // Rows inside a full box from the top: op first, then BN and the activation in flow order.
  const int norm_slot = bn_before_activation ? 1 : 2, act_slot = bn_before_activation ? 2 : 1;
  const float first_box_x = x0 + m.label_width + pad + m.input_width + m.arrow_width;
  for (int run = 0; run < 2; ++run) {
    const float top = y0 + header_h + pad + static_cast<float>(run) * (box_h + run_gap);
    const float mid = top + box_h * 0.5f;
    l.labels[run] = {x0, mid - line * 0.5f, x0 + m.label_width, mid + line * 0.5f};
    const float input_x = x0 + m.label_width + pad;
    l.inputs[run] = {input_x, mid - line * 0.5f, input_x + m.input_width, mid + line * 0.5f};
    float x = first_box_x;
    float previous_end = l.inputs[run].x1;
    for (int k = 0; k < blocks; ++k) {
      BlockBox b;
      b.box = {x, top, x + box_w, top + box_h};
      auto slot_rect = [&](int slot) {
        const float y = top + pad + static_cast<float>(slot) * line;
        return plot::Rect{x + pad, y, x + box_w - pad, y + line};
      };
      if (l.compact) {
        b.rows[static_cast<int>(LayerRow::norm)] = {x + pad, top + pad, x + box_w - pad, top + pad + line};
      } else {
        b.rows[static_cast<int>(LayerRow::op)] = slot_rect(0);
        b.rows[static_cast<int>(LayerRow::norm)] = slot_rect(norm_slot);
        b.rows[static_cast<int>(LayerRow::activation)] = slot_rect(act_slot);
      }
      if (k + 1 < blocks) {
        // A pill a little shorter than its row, about two and a half line heights wide.
        const plot::Rect& row = b.rows[static_cast<int>(LayerRow::norm)];
        const float w = std::min(row.width(), line * 2.6f), inset = line * 0.08f;
        const float cx = (row.x0 + row.x1) * 0.5f;
        b.bn_switch = {cx - w * 0.5f, row.y0 + inset, cx + w * 0.5f, row.y1 - inset};
      }
      l.arrows[run].push_back({{previous_end, mid}, {b.box.x0, mid}});
      previous_end = b.box.x1;
      l.boxes[run].push_back(b);
      x += box_w + m.arrow_width;
    }
    const float output_x = previous_end + m.arrow_width;
    l.outputs[run] = {output_x, mid - line * 0.5f, output_x + m.output_width, mid + line * 0.5f};
    l.arrows[run].push_back({{previous_end, mid}, {output_x, mid}});
  }
  for (int k = 0; k < blocks; ++k) {
    const plot::Rect& a = l.boxes[0][k].box;
    const plot::Rect& b = l.boxes[1][k].box;
    l.numbers.push_back({a.x0, y0, a.x1, y0 + header_h});
    const float grow = pad * 0.5f;
    l.columns.push_back({a.x0 - grow, y0, a.x1 + grow, b.y1 + grow});
  }
  return l;
}

// What a point is over: a box (run and block), possibly one of its layer rows and BN's switch,
// or only a column (its number above the boxes). block −1: nothing.
struct DiagramHit {
  int run = -1;    // 0: A, 1: B, −1: the column's header
  int block = -1;
  int row = -1;    // a LayerRow, −1 when between rows
  bool bn_switch = false;
};

inline DiagramHit hit_test(const NetworkLayout& l, plot::Vec2 p) {
  DiagramHit hit;
  for (int run = 0; run < 2; ++run)
    for (size_t k = 0; k < l.boxes[run].size(); ++k) {
      const BlockBox& b = l.boxes[run][k];
      if (!b.box.contains(p)) continue;
      hit.run = run;
      hit.block = static_cast<int>(k);
      for (int r = 0; r < kLayerRows; ++r)
        if (!is_empty(b.rows[r]) && b.rows[r].contains(p)) hit.row = r;
      hit.bn_switch = !is_empty(b.bn_switch) && b.bn_switch.contains(p);
      return hit;
    }
  for (size_t k = 0; k < l.numbers.size(); ++k)
    if (l.numbers[k].contains(p)) hit.block = static_cast<int>(k);
  return hit;
}

}  // namespace bnlab
