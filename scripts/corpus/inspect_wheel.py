"""Independent facts about one wheel, for scripts/corpus/pypi-facts.ts.

    python inspect_wheel.py WHEEL EXTRACT_DIR [--delocate]

Extracts the wheel into EXTRACT_DIR (for llvm-readobj / llvm-objdump to read),
then prints JSON on stdout:

- "binaries": every member whose magic bytes say ELF, Mach-O (thin or fat) or
  PE, with its sha256 and size. Magic only, never names: this is the list the
  audit's own sniffing is compared with.
- "notInRecord": those binaries that the wheel's .dist-info/RECORD does not
  list (auditwheel, which reads RECORD, never sees them).
- "delocate" (with --delocate, for macOS wheels): what delocate's pure-Python
  functions (macholib, no otool/lipo) compute: the minimum macOS version per
  file and slice, the wheel name delocate-wheel would give the wheel, and the
  files whose minimum is above what the tag claims for their architecture.

Runs in the corpus venv (delocate imported only with --delocate).
"""

import csv
import hashlib
import io
import json
import sys
import zipfile
from pathlib import Path

from native_magic import sniff


def list_binaries(whl: zipfile.ZipFile):
    out = []
    for info in whl.infolist():
        if info.is_dir():
            continue
        data = whl.read(info)
        fmt = sniff(data)
        if fmt is None:
            continue
        out.append(
            {
                "path": info.filename,
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
                "format": fmt,
            }
        )
    return sorted(out, key=lambda b: b["path"])


def not_in_record(whl: zipfile.ZipFile, binaries):
    records = [n for n in whl.namelist() if n.count("/") == 1 and n.endswith(".dist-info/RECORD")]
    listed = set()
    for name in records:
        for row in csv.reader(io.StringIO(whl.read(name).decode("utf-8"))):
            if row:
                listed.add(row[0])
    return [b["path"] for b in binaries if b["path"] not in listed]


def delocate_view(wheel_name: str, root: Path):
    from delocate import delocating as d

    rel = lambda p: Path(p).relative_to(root).as_posix()  # noqa: E731
    min_versions = []
    by_arch = {}
    for lib in sorted(root.glob("**/*")):
        if lib.is_dir():
            continue
        for arch, version in d._get_macos_min_version(lib):
            min_versions.append({"path": rel(lib), "arch": arch, "minos": str(version)})
            by_arch.setdefault(arch.lower(), {}).setdefault(version, []).append(lib)
    wheel_name_out, error = None, None
    try:
        wheel_name_out, _ = d._calculate_minimum_wheel_name(wheel_name, root, None)
    except Exception as e:  # delocate's own verdict, e.g. a tagged arch with no binary
        error = f"{type(e).__name__}: {e}"
    above = []
    claimed = d._unpack_architectures(d._get_archs_and_version_from_wheel_name(wheel_name))
    for arch, tag_version in sorted(claimed.items()):
        for path, version in sorted(d._get_incompatible_libs(tag_version, by_arch.get(arch, {}), arch)):
            above.append({"path": rel(path), "arch": arch, "minos": str(version), "tag": str(tag_version)})
    return {"minVersions": min_versions, "wheelName": wheel_name_out, "error": error, "aboveTag": above}


def main(argv):
    wheel, extract = Path(argv[1]), Path(argv[2])
    with zipfile.ZipFile(wheel) as whl:
        binaries = list_binaries(whl)
        missing = not_in_record(whl, binaries)
        whl.extractall(extract)
    result = {"binaries": binaries, "notInRecord": missing}
    if "--delocate" in argv[3:]:
        result["delocate"] = delocate_view(wheel.name, extract)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv)
