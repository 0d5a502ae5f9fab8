// What this file is: im2col and col2im, the layout passes that turn a convolution into a matrix
// product (Chellapilla, Puri, Simard 2006, "High performance convolutional neural networks for
// document processing"). Row (c, kh, kw) of a sample's column matrix is its channel c shifted by
// (kh, kw) and sampled with the stride, one value per output position, zeros where the tap falls
// in the padding; col2im is its adjoint.
#pragma once

#include <vector>

namespace bnlab {

// One convolution's sizes: input (channels, height, width), a square kernel, and the output
// height and width they give.
struct ConvGeometry {
  int channels = 1, height = 1, width = 1;
  int kernel = 1, stride = 1, padding = 0;
  int out_height = 1, out_width = 1;
  int patch() const { return channels * kernel * kernel; }  // rows of the column matrix
  int positions() const { return out_height * out_width; }  // its columns
};

class Im2col {
 public:
  explicit Im2col(const ConvGeometry& g);
  // One sample's (C, H, W) image into its (patch, positions) row-major column matrix.
  void to_columns(const float* image, float* cols);
  // The image gradient (C, H, W) of one sample from its column matrix's: each entry added to the
  // input value it was copied from. Overwrites image_grad.
  void to_image(const float* cols, float* image_grad);

 private:
  ConvGeometry g_;
  // With stride 1 and padding, each sample is first copied into a zero-bordered image so that
  // every run of a column row is one plain copy, with no test per element.
  std::vector<float> padded_;       // (C, H + 2·padding, W + 2·padding), borders always zero
  std::vector<float> padded_grad_;  // (C, H + 2·padding, W + 2·padding): col2im's sums, the borders' dropped
};

}  // namespace bnlab
