// What this file is: the experiment config harness. The input is a config file, loaded as
// `bnlab train` loads it, then the model it describes is built on the input its dataset gives
// (Fashion-MNIST and MNIST: 1x28x28 images of 10 classes; the generated sets: 2 features, 2
// classes; CSV, whose width is the file's: 4 features, 3 classes). A config that loads must
// also survive the window's save-and-reopen: to_json and back gives the same config.
#include <cstdint>

#include "core/data/dataset.h"
#include "core/io/config.h"
#include "core/model/model.h"
#include "fuzz_input.h"

using namespace bnlab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_input(data, size, "config.json");
  fuzz::expect_only_bnlab_errors([&] {
    const Config c = load_config(path);
    const nlohmann::json saved = to_json(c);
    Config reopened;
    try {
      reopened = parse_config(saved, "saved config");
    } catch (const Error& e) {
      fuzz::fail(std::string("a config that loaded cannot be reopened once saved: ") + e.what());
    }
    if (to_json(reopened) != saved) fuzz::fail("a config saved and reopened changed: " + saved.dump());

    const bool images = c.data.dataset == "fashion-mnist" || c.data.dataset == "mnist";
    const bool csv = c.data.dataset == "csv";
    const Shape input = images ? Shape{1, 28, 28} : csv ? Shape{4, 1, 1} : Shape{2, 1, 1};
    const int classes = images ? 10 : csv ? 3 : 2;
    Model model(c.model, input, classes, c.seed);
    if (model.parameter_count() <= 0) fuzz::fail("a model with no parameters");
  });
  return 0;
}
