/* A stand-in for a widely used system library (built with SONAME libssl.so.3), to bundle. */
__attribute__((visibility("default"))) int OPENSSL_init_ssl(unsigned long long opts, const void *settings) {
  (void)settings;
  return opts != 0;
}
