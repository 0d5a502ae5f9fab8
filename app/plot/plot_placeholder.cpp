// What this file is: keeps bnlab_plot non-empty until the plot module lands.
namespace bnlab::plot {}
