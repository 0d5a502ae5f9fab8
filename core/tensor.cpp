// What this file is: small helpers of the Shape/Tensor types.
#include "core/tensor.h"

#include <cstdio>

namespace bnlab {

std::string Shape::str() const {
  char buf[64];
  if (!is_image()) std::snprintf(buf, sizeof buf, "(%d)", c);
  else std::snprintf(buf, sizeof buf, "(%d, %d, %d)", c, h, w);
  return buf;
}

}  // namespace bnlab
