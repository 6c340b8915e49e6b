/*
 * A stand-in for a newer libstdc++ bundled and renamed the auditwheel way
 * (SONAME libstdc++-1a2b3c4d.so.6): it defines a symbol at GLIBCXX_3.4.30
 * (libstdcxx_stub.map), the version GCC 12's libstdc++ introduced.
 */
__attribute__((visibility("default"))) int da_cxx_feature(void) { return 30; }
