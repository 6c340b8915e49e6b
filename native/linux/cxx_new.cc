// Needs GLIBCXX_3.4.21 (the C++11 std::string ABI, GCC 5) and newer, beyond
// manylinux_2_17's GLIBCXX_3.4.19: std::string, std::to_string, std::thread.
#include <stdexcept>
#include <string>
#include <thread>
#include "module.h"

static std::string name(int n) { return std::string("distaudit-") + std::to_string(n); }

void *MODINIT(void) {
  std::string s;
  std::thread t([&] { s = name(42); });
  t.join();
  if (s.empty()) throw std::runtime_error("empty");
  return nullptr;
}
