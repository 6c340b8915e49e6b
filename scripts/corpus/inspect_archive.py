"""Independent inventory of one JAR or npm tarball, for scripts/corpus/jar-facts.ts
and scripts/corpus/npm-prebuild-facts.ts.

    python3 inspect_archive.py jar ARTIFACT EXTRACT_DIR
    python3 inspect_archive.py npm ARTIFACT EXTRACT_DIR

Prints JSON on stdout. Uses only the standard library (zipfile, tarfile), never
distaudit's code.

- "natives": every member whose magic bytes say ELF, Mach-O (thin or fat) or
  PE (MZ, then PE\\0\\0 at e_lfanew) — never its name — with its path, sha256,
  size and format, written to EXTRACT_DIR/<sha256> for the command-line tools
  to read (names from the archive never touch the file system).
- jar: "archives": the JAR itself ('') and every member named *.jar / *.war
  whose bytes are a zip (read one level deep, as a launcher's class path
  would; a nested JAR's member is named 'outer.jar!/inner/path'); each nested
  JAR is written to EXTRACT_DIR/<sha256>.jar for `jar tf`, and each archive's
  META-INF/MANIFEST.MF is returned as text. "deeper": JARs inside nested JARs
  (not read).
- npm: "files": every regular file of the tarball; "packageJson": the text of
  package/package.json (npm's tarballs put everything under one top
  directory, normally package/).
"""

import hashlib
import io
import json
import struct
import sys
import tarfile
import zipfile
from pathlib import Path

from native_magic import sniff


def record_native(out_dir: Path, path: str, data: bytes, fmt: str):
    digest = hashlib.sha256(data).hexdigest()
    target = out_dir / digest
    if not target.exists():
        target.write_bytes(data)
    return {"path": path, "sha256": digest, "size": len(data), "format": fmt, "file": str(target)}


def is_nested_archive(name: str) -> bool:
    return name.lower().endswith((".jar", ".war"))


def zip_structure(zf: zipfile.ZipFile, raw: bytes):
    """How the zip is laid out, as zipfile's own end-of-central-directory reading
    and the local headers show it: bytes before the first local header (and how
    many of them the recorded offsets do not count), names listed twice, local
    headers shared by several central records, bytes between entries that no
    header accounts for, and directory entries (name ending in '/') whose Unix
    mode says some other file type."""
    infos = zf.infolist()
    # zipfile shifts every offset by `concat` (bytes prepended to a zip whose offsets do not count them)
    endrec = zipfile._EndRecData(io.BytesIO(raw))  # noqa: SLF001 - the same reading zipfile does
    size_cd, offset_cd = endrec[zipfile._ECD_SIZE], endrec[zipfile._ECD_OFFSET]
    concat = endrec[zipfile._ECD_LOCATION] - size_cd - offset_cd
    if endrec[zipfile._ECD_SIGNATURE] == zipfile.stringEndArchive64:
        concat -= zipfile.sizeEndCentDir64 + zipfile.sizeEndCentDir64Locator
    names = [i.filename for i in infos]
    seen, dups = set(), set()
    for n in names:
        (dups if n in seen else seen).add(n)
    by_offset = {}
    for i in infos:
        by_offset.setdefault(i.header_offset, []).append(i)
    shared = sorted({i.filename for group in by_offset.values() if len(group) > 1 for i in group})
    hidden = []
    offsets = sorted(by_offset)
    cd_start = offset_cd + concat  # zipfile's header offsets already include concat
    for k, off in enumerate(offsets):
        info = by_offset[off][0]
        at = off
        header = raw[at : at + 30]
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            continue
        flags, = struct.unpack("<H", header[6:8])
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        end = off + 30 + name_len + extra_len + info.compress_size
        if flags & 0x08:
            end += 16 if raw[end : end + 4] == b"PK\x07\x08" else 12
        nxt = offsets[k + 1] if k + 1 < len(offsets) else cd_start
        if nxt > end:
            hidden.append({"after": info.filename, "bytes": nxt - end})
    odd_dirs = []
    for i in infos:
        mode = i.external_attr >> 16
        if i.filename.endswith("/") and i.create_system == 3 and mode and (mode & 0o170000) not in (0, 0o040000):
            odd_dirs.append({"name": i.filename, "mode": oct(mode)})
    first = min(offsets) if offsets else 0
    return {
        "entries": len(infos),
        "leadingBytes": first,
        "offsetsUncounted": concat,
        "duplicateNames": sorted(dups),
        "sharedLocalHeaders": shared,
        "hiddenData": hidden,
        "directoriesWithOtherModes": odd_dirs,
    }


def walk_zip(zf: zipfile.ZipFile, prefix: str, out_dir: Path, natives, archives, deeper, depth: int, raw: bytes):
    structure = zip_structure(zf, raw)
    manifest = None
    for info in zf.infolist():
        if info.is_dir():
            continue
        data = zf.read(info)
        name = info.filename
        if name == "META-INF/MANIFEST.MF" and manifest is None:
            manifest = data.decode("utf-8", errors="replace")
        fmt = sniff(data)
        if fmt is not None:
            natives.append(record_native(out_dir, prefix + name, data, fmt))
            continue
        if is_nested_archive(name) and data[:4] == b"PK\x03\x04":
            if depth > 0:
                deeper.append(prefix + name)
                continue
            digest = hashlib.sha256(data).hexdigest()
            nested_file = out_dir / f"{digest}.jar"
            nested_file.write_bytes(data)
            with zipfile.ZipFile(io.BytesIO(data)) as inner:
                walk_zip(inner, f"{prefix}{name}!/", out_dir, natives, archives, deeper, depth + 1, data)
            archives_entry = next(a for a in archives if a["path"] == prefix + name)
            archives_entry["file"] = str(nested_file)
            archives_entry["sha256"] = digest
    archives.append({"path": prefix[:-2] if prefix else "", "manifest": manifest, "structure": structure})


def inspect_jar(artifact: Path, out_dir: Path):
    natives, archives, deeper = [], [], []
    raw = artifact.read_bytes()
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        walk_zip(zf, "", out_dir, natives, archives, deeper, 0, raw)
    for a in archives:
        if a["path"] == "":
            a["file"] = str(artifact)
    archives.sort(key=lambda a: (a["path"] != "", a["path"]))
    return {"natives": sorted(natives, key=lambda n: n["path"]), "archives": archives, "deeper": sorted(deeper)}


def inspect_npm(artifact: Path, out_dir: Path):
    natives, files = [], []
    package_json = None
    with tarfile.open(artifact, "r:gz") as tf:
        for member in tf:
            if not member.isfile():
                continue
            f = tf.extractfile(member)
            data = f.read() if f else b""
            files.append(member.name)
            parts = member.name.split("/")
            if len(parts) == 2 and parts[1] == "package.json" and package_json is None:
                package_json = data.decode("utf-8")
            fmt = sniff(data)
            if fmt is not None:
                natives.append(record_native(out_dir, member.name, data, fmt))
    return {"natives": sorted(natives, key=lambda n: n["path"]), "files": sorted(files), "packageJson": package_json}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("jar", "npm"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    kind, artifact, out_dir = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    out_dir.mkdir(parents=True, exist_ok=True)
    result = inspect_jar(artifact, out_dir) if kind == "jar" else inspect_npm(artifact, out_dir)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
