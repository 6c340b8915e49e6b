/*
 * A CPython extension module that really imports and runs: module `_native`
 * with one function, answer() → 42. The load fixtures
 * (test/fixtures/load-artifacts.ts) import it in clean root filesystems, so
 * unlike native/python/ext.c its PyInit builds a real module.
 *
 * Written against the stable ABI (abi3, Py_LIMITED_API 3.8) with its own
 * declarations of the few structures and functions it uses, instead of
 * Python.h: one source then builds for every target here (gcc, musl-gcc,
 * aarch64-linux-gnu-gcc, i686-linux-gnu-gcc), and amd64 has no aarch64
 * pyconfig.h. The layouts below are the limited API's, unchanged since 3.5.
 *
 * Each variant differs from the clean build in one thing only:
 *   (none)            strtol@GLIBC_2.2.5 (aarch64: 2.17): loads everywhere its tag claims
 *   -DUSE_GLIBC238    __isoc23_strtol instead (what C23 strtol binds to with glibc 2.38 headers):
 *                     link with -nostdlib against a stand-in libc.so.6 (native/npm/libc_stub.c)
 *   -DUSE_HELPER      helper_value() from libhelper (helper.c)
 *   -DUSE_UNDEFINED   symbol_that_nobody_defines(): undefined in every library; fails only when
 *                     symbols are bound at load (LD_BIND_NOW=1), since answer() is never called
 *   -DFULL_ABI        PyModule_Create2 with the full API version (1013) a cp3XY build passes
 */
typedef long Py_ssize_t;
typedef struct _object {
  Py_ssize_t ob_refcnt;
  void *ob_type;
} PyObject;
typedef PyObject *(*PyCFunction)(PyObject *, PyObject *);
typedef struct {
  const char *ml_name;
  PyCFunction ml_meth;
  int ml_flags;
  const char *ml_doc;
} PyMethodDef;
typedef struct {
  PyObject ob_base;
  PyObject *(*m_init)(void);
  Py_ssize_t m_index;
  PyObject *m_copy;
} PyModuleDef_Base;
typedef struct {
  PyModuleDef_Base m_base;
  const char *m_name;
  const char *m_doc;
  Py_ssize_t m_size;
  PyMethodDef *m_methods;
  void *m_slots;
  void *m_traverse;
  void *m_clear;
  void *m_free;
} PyModuleDef;

#define METH_NOARGS 0x0004
#ifdef FULL_ABI
#define API_VERSION 1013 /* PYTHON_API_VERSION */
#else
#define API_VERSION 3 /* PYTHON_ABI_VERSION: what PyModule_Create passes under Py_LIMITED_API */
#endif

PyObject *PyModule_Create2(PyModuleDef *def, int apiver);
PyObject *PyLong_FromLong(long v);

#if defined(USE_GLIBC238)
long __isoc23_strtol(const char *s, char **end, int base);
static long value(void) { return __isoc23_strtol("42", 0, 10); }
#elif defined(USE_HELPER)
int helper_value(void);
static long value(void) { return helper_value(); }
#elif defined(USE_UNDEFINED)
long symbol_that_nobody_defines(void);
static long value(void) { return symbol_that_nobody_defines(); }
#else
long strtol(const char *s, char **end, int base);
static long value(void) { return strtol("42", 0, 10); }
#endif

static PyObject *answer(PyObject *self, PyObject *unused) {
  (void)self;
  (void)unused;
  return PyLong_FromLong(value());
}

static PyMethodDef methods[] = {
    {"answer", answer, METH_NOARGS, "The answer."},
    {0, 0, 0, 0},
};

static PyModuleDef module = {
    {{1, 0}, 0, 0, 0}, /* PyModuleDef_HEAD_INIT */
    "_native", 0, -1, methods, 0, 0, 0, 0,
};

__attribute__((visibility("default"))) PyObject *PyInit__native(void) { return PyModule_Create2(&module, API_VERSION); }
