"""The Python probe: load one extension module file under its dotted name.

    python3 -I -B /probe/probe.py SITE_DIR DOTTED.NAME /art/site/pkg/_ext.cpython-311-x86_64-linux-gnu.so

SITE_DIR (where the wheel was laid out as pip would) goes first on sys.path,
so what the module imports while it initialises comes from the artifact. The
file is loaded directly with ExtensionFileLoader, not through `import`, so a
package __init__ that imports absent dependencies cannot hide the native
result (DESIGN.md, "Real loads").

Two stages are told apart:
- load: the dynamic loader or the module lookup refused the file. CPython
  raises these as a plain ImportError carrying the file's path
  (dynload_shlib.c: dlerror(); importdl.c: "dynamic module does not define
  module export function (PyInit_x)").
- init: PyInit_x (single-phase modules, called inside create_module) or the
  module's exec slots raised, e.g. numpy's import_array failing with
  ModuleNotFoundError: that is the module's own code, not the loader.

The last line of stdout is `DISTAUDIT-PROBE {json}` (src/load/types.ts);
exit 0 loaded, 1 failed, 2 bad usage. Runs on Python 3.9 to 3.13 and on a
musl CPython with a minimal standard library: it imports only sys, os, json,
importlib.machinery, importlib.util and traceback, which need no extension
module beyond the interpreter's built-in ones (json uses _json when there is
one; `python -S -X importtime` lists the rest: all pure Python or built in).
"""
import importlib.machinery
import importlib.util
import json
import os
import sys
import traceback

MARKER = 'DISTAUDIT-PROBE'


def finish(ok, stage, error, error_type, code):
    # A new line first, in case the module printed a partial one.
    sys.stdout.write('\n%s %s\n' % (MARKER, json.dumps({'ok': ok, 'stage': stage, 'error': error, 'errorType': error_type})))
    sys.stdout.flush()
    sys.stderr.flush()
    # No interpreter teardown: a module's finalizers are not what is measured.
    os._exit(code)


def type_name(exc):
    t = type(exc)
    return t.__qualname__ if t.__module__ == 'builtins' else '%s.%s' % (t.__module__, t.__qualname__)


def is_loader_error(exc, path):
    """CPython's own refusal of the file: a plain ImportError whose path is the file."""
    exc_path = getattr(exc, 'path', None)
    return type(exc) is ImportError and exc_path is not None and os.path.abspath(exc_path) == os.path.abspath(path)


def main(argv):
    if len(argv) != 4:
        sys.stderr.write('usage: probe.py SITE_DIR DOTTED.NAME EXTENSION_FILE\n')
        finish(False, 'setup', 'usage: probe.py SITE_DIR DOTTED.NAME EXTENSION_FILE', None, 2)
    site, name, path = argv[1], argv[2], argv[3]
    sys.path.insert(0, site)

    loader = importlib.machinery.ExtensionFileLoader(name, path)
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    if spec is None:
        finish(False, 'setup', 'no module spec for %s at %s' % (name, path), None, 2)
    try:
        # dlopen, the PyInit_<name> lookup, and for single-phase modules PyInit itself.
        module = importlib.util.module_from_spec(spec)
    except BaseException as exc:
        traceback.print_exc()
        stage = 'load' if is_loader_error(exc, path) else 'init'
        finish(False, stage, str(exc), type_name(exc), 1)
    sys.modules[name] = module
    try:
        # Multi-phase modules (PEP 489) run their Py_mod_exec slots here.
        spec.loader.exec_module(module)
    except BaseException as exc:
        traceback.print_exc()
        finish(False, 'init', str(exc), type_name(exc), 1)
    finish(True, 'init', None, None, 0)


main(sys.argv)
