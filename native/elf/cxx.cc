// A C++ shared object: std::string (GLIBCXX_3.4.21, the C++11 ABI) and
// exceptions (CXXABI_1.3) from libstdc++, unwinding from libgcc_s.
#include <stdexcept>
#include <string>
#include <vector>

extern "C" int cxx_entry(const char *s) {
  std::string str(s);
  std::vector<std::string> v{str, str + "!"};
  try {
    if (v.size() > 10) throw std::runtime_error("too many");
  } catch (const std::exception &) {
    return -1;
  }
  return static_cast<int>(v[1].size());
}
