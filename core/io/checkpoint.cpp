// What this file is: the safetensors reader and writer, and the Model's state_dict mapping.
#include "core/io/checkpoint.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/io/json_fields.h"
#include "core/io/json_text.h"
#include "core/model/model.h"

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");

namespace bnlab {
namespace {

using nlohmann::json;

std::string shape_str(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

}  // namespace

void write_safetensors(const std::string& path, const SafeTensors& st) {
  json header = json::object();
  uint64_t offset = 0;
  for (const auto& [name, t] : st.tensors) {
    const uint64_t bytes = t.dtype == "F32" ? t.f32.size() * 4 : t.i64.size() * 8;
    header[name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  if (!st.metadata.empty()) header["__metadata__"] = st.metadata;
  std::string text = header.dump();
  while (text.size() % 8) text += ' ';  // aligns the data, as the reference writer does
  AtomicFile out(path);
  const uint64_t n = text.size();
  out.write(&n, 8);
  out.write(text);
  for (const auto& [name, t] : st.tensors) {
    if (t.dtype == "F32") out.write(t.f32.data(), t.f32.size() * 4);
    else out.write(t.i64.data(), t.i64.size() * 8);
  }
  out.commit();
}

// The header must describe the data exactly (the safetensors format): every tensor's shape is a
// list of non-negative integers whose byte count fits the file, and the tensors' data_offsets
// cover the data buffer once, without overlap or a byte left over. Any other file is refused
// before a buffer is made for it.
SafeTensors read_safetensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw data_error(path + ": cannot open checkpoint");
  in.seekg(0, std::ios::end);
  const uint64_t file_size = static_cast<uint64_t>(in.tellg());
  in.seekg(0);
  uint64_t header_len = 0;
  if (file_size < 8 || !in.read(reinterpret_cast<char*>(&header_len), 8))
    throw data_error(path + ": not a safetensors checkpoint (shorter than its 8-byte header length)");
  if (header_len == 0 || header_len > file_size - 8 || header_len > (100u << 20))
    throw data_error(path + ": not a safetensors checkpoint (header length " + std::to_string(header_len) +
                     " does not fit a file of " + std::to_string(file_size) + " bytes)");
  std::string text(header_len, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(header_len))) throw data_error(path + ": truncated checkpoint header");
  const json header = parse_json(text, path + ": checkpoint header", ErrorKind::data);
  if (!header.is_object()) throw data_error(path + ": corrupt checkpoint: its header is not a JSON object");
  const uint64_t data_start = 8 + header_len, data_size = file_size - data_start;

  struct Span {
    uint64_t begin, end;
    const std::string* name;
  };
  std::vector<Span> spans;
  SafeTensors st;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& name = it.key();
    const json& h = it.value();
    if (name == "__metadata__") {
      if (!h.is_object()) throw data_error(path + ": corrupt checkpoint: __metadata__ is not an object");
      for (auto m = h.begin(); m != h.end(); ++m) {
        if (!m->is_string()) throw data_error(path + ": corrupt checkpoint: __metadata__ '" + m.key() + "' is not a string");
        st.metadata[m.key()] = m->get<std::string>();
      }
      continue;
    }
    const std::string bad = path + ": corrupt checkpoint: tensor '" + name + "': ";
    if (!h.is_object() || !h.contains("dtype") || !h.contains("shape") || !h.contains("data_offsets"))
      throw data_error(bad + "needs dtype, shape and data_offsets");
    StoredTensor t;
    if (!h["dtype"].is_string()) throw data_error(bad + "dtype must be a string, got " + describe(h["dtype"]));
    t.dtype = h["dtype"].get<std::string>();
    if (t.dtype != "F32" && t.dtype != "I64") throw data_error(bad + "dtype " + t.dtype + " is not supported (F32, I64)");
    const uint64_t width = t.dtype == "F32" ? 4 : 8;
    const json& shape = h["shape"];
    if (!shape.is_array()) throw data_error(bad + "shape must be a list of non-negative integers, got " + describe(shape));
    // The byte count, checked at each factor: it cannot pass the data there is, so it cannot wrap.
    uint64_t bytes = width;
    for (const json& d : shape) {
      if (!d.is_number_unsigned() || d.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        throw data_error(bad + "shape must be a list of non-negative integers, got " + describe(d) + " in it");
      t.shape.push_back(d.get<int64_t>());
      if (__builtin_mul_overflow(bytes, d.get<uint64_t>(), &bytes)) bytes = std::numeric_limits<uint64_t>::max();
    }
    const json& off = h["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
      throw data_error(bad + "data_offsets must be two non-negative integers");
    const uint64_t begin = off[0].get<uint64_t>(), end = off[1].get<uint64_t>();
    if (end < begin || end > data_size || bytes > data_size || end - begin != bytes)
      throw data_error(bad + "data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                       "] do not fit its shape " + shape_str(t.shape) + " (" + (bytes == std::numeric_limits<uint64_t>::max() ? "more than 2^64" : std::to_string(bytes)) +
                       " bytes) or the file (" + std::to_string(data_size) + " data bytes)");
    spans.push_back({begin, end, &it.key()});
    st.tensors[name] = std::move(t);
  }

  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin != b.begin ? a.begin < b.begin : a.end < b.end; });
  uint64_t covered = 0;  // the data up to here belongs to the tensors before
  const Span* previous = nullptr;
  for (const Span& s : spans) {
    const std::string bad = path + ": corrupt checkpoint: tensor '" + *s.name + "': ";
    if (s.begin < covered)
      throw data_error(bad + "data_offsets [" + std::to_string(s.begin) + ", " + std::to_string(s.end) + "] overlap tensor '" +
                       *previous->name + "' [" + std::to_string(previous->begin) + ", " + std::to_string(previous->end) + "]");
    if (s.begin > covered)
      throw data_error(bad + "the " + std::to_string(s.begin - covered) + " data bytes before it belong to no tensor");
    covered = s.end;
    previous = &s;
  }
  if (covered < data_size)
    throw data_error(path + ": corrupt checkpoint: its last " + std::to_string(data_size - covered) +
                     " bytes of data belong to no tensor");

  for (const Span& s : spans) {
    StoredTensor& t = st.tensors[*s.name];
    in.seekg(static_cast<std::streamoff>(data_start + s.begin));
    const uint64_t count = (s.end - s.begin) / (t.dtype == "F32" ? 4 : 8);
    if (t.dtype == "F32") {
      t.f32.resize(count);
      in.read(reinterpret_cast<char*>(t.f32.data()), static_cast<std::streamsize>(count * 4));
    } else {
      t.i64.resize(count);
      in.read(reinterpret_cast<char*>(t.i64.data()), static_cast<std::streamsize>(count * 8));
    }
    if (!in) throw data_error(path + ": corrupt checkpoint: tensor '" + *s.name + "': truncated data");
  }
  return st;
}

void save_checkpoint(const std::string& path, Model& model, const Config& config) {
  SafeTensors st;
  for (const NamedParam& p : model.named_params())
    st.tensors[p.name] = {"F32", p.param.shape, std::vector<float>(p.param.value, p.param.value + p.param.size), {}};
  for (const BlockLayers& b : model.blocks()) {
    const Norm* norm = model.norm(b);
    const auto running = norm ? norm->running() : std::nullopt;
    if (!running) continue;
    const std::string prefix = std::to_string(b.norm) + ".";
    const int64_t c = running->mean.size();
    st.tensors[prefix + "running_mean"] = {"F32", {c}, {running->mean.data(), running->mean.data() + c}, {}};
    st.tensors[prefix + "running_var"] = {"F32", {c}, {running->var.data(), running->var.data() + c}, {}};
    st.tensors[prefix + "num_batches_tracked"] = {"I64", {}, {}, {running->batches_tracked}};
  }
  st.metadata["bnlab_config"] = to_json(config).dump();
  st.metadata["format"] = "pt";
  write_safetensors(path, st);
}

void load_checkpoint(const std::string& path, Model& model) {
  SafeTensors st = read_safetensors(path);
  std::map<std::string, bool> used;
  for (const auto& [name, t] : st.tensors) used[name] = false;
  auto take = [&](const std::string& name, const std::vector<int64_t>& shape, const std::string& dtype) -> StoredTensor& {
    auto it = st.tensors.find(name);
    if (it == st.tensors.end())
      throw data_error(path + ": checkpoint does not fit the config: tensor '" + name + "' is missing");
    if (it->second.shape != shape || it->second.dtype != dtype)
      throw data_error(path + ": checkpoint does not fit the config: tensor '" + name + "' has shape " +
                       shape_str(it->second.shape) + " " + it->second.dtype + ", the model needs " +
                       shape_str(shape) + " " + dtype);
    used[name] = true;
    return it->second;
  };
  // Read everything first, so a checkpoint that fails half-way leaves the model untouched.
  std::vector<std::pair<float*, const std::vector<float>*>> copies;
  for (const NamedParam& p : model.named_params()) copies.push_back({p.param.value, &take(p.name, p.param.shape, "F32").f32});
  std::vector<std::pair<Norm*, RunningStatistics>> running;
  for (const BlockLayers& b : model.blocks()) {
    Norm* norm = model.norm(b);
    const auto now = norm ? norm->running() : std::nullopt;
    if (!now) continue;
    const std::string prefix = std::to_string(b.norm) + ".";
    const int64_t c = now->mean.size();
    const std::vector<float>& mean = take(prefix + "running_mean", {c}, "F32").f32;
    const std::vector<float>& var = take(prefix + "running_var", {c}, "F32").f32;
    running.push_back({norm, {Eigen::Map<const Vector>(mean.data(), c), Eigen::Map<const Vector>(var.data(), c),
                              take(prefix + "num_batches_tracked", {}, "I64").i64[0]}});
  }
  for (const auto& [name, was_used] : used)
    if (!was_used) throw data_error(path + ": checkpoint does not fit the config: unexpected tensor '" + name + "'");
  for (auto& [dst, src] : copies) std::memcpy(dst, src->data(), src->size() * sizeof(float));
  for (auto& [norm, r] : running) norm->set_running(r);
}

}  // namespace bnlab
