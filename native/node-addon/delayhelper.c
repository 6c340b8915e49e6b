/*
 * lld-link's delay-load thunks call __delayLoadHelper2, which MSVC's
 * delayimp.lib provides; /nodefaultlib leaves it to us, so a stub stands in
 * (node-gyp links the real one and adds win_delay_load_hook.cc, which points
 * node.exe's delay imports at the host process).
 */
#ifdef _M_IX86
void *__stdcall __delayLoadHelper2(const void *descriptor, void **iat_entry) {
#else
void *__delayLoadHelper2(const void *descriptor, void **iat_entry) {
#endif
  (void)descriptor;
  return *iat_entry;
}
