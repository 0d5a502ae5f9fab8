# What this file is: turns one shader into a C++ source holding its text, run by the build
# (shaders/CMakeLists.txt) as
#   cmake -DINPUT=shaders/heatmap.frag -DOUTPUT=.../heatmap.frag.cpp -DSYMBOL=heatmap_frag -P embed.cmake
# The text goes into a raw string literal unchanged, so the compiler's line numbers in a
# compile log match the file's.
file(READ "${INPUT}" text)
get_filename_component(file_name "${INPUT}" NAME)
set(delimiter "bnlab_glsl")
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "shaders/${file_name} contains )${delimiter}\", which would end its raw string early")
endif()
set(source "// Generated from shaders/${file_name} by shaders/embed.cmake at build time: edit the shader, not this.
#include \"shaders/shaders.h\"

namespace bnlab::shaders {

const char ${SYMBOL}[] = R\"${delimiter}(${text})${delimiter}\";

}  // namespace bnlab::shaders
")
file(WRITE "${OUTPUT}" "${source}")
