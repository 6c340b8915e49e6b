"""Native-binary sniffing by magic bytes, shared by the corpus inspectors
(inspect_wheel.py, inspect_archive.py). Independent of distaudit's own sniffing:
the corpus tests compare the two."""

import struct

ELF_MAGIC = b"\x7fELF"
MACHO_MAGICS = {0xFEEDFACE, 0xFEEDFACF, 0xCEFAEDFE, 0xCFFAEDFE}
FAT_MAGICS = {0xCAFEBABE, 0xCAFEBABF}


def sniff(data: bytes):
    """'elf', 'macho', 'macho-fat', 'pe' or None."""
    if len(data) < 8:
        return None
    if data[:4] == ELF_MAGIC:
        return "elf"
    (be,) = struct.unpack(">I", data[:4])
    if be in MACHO_MAGICS:
        return "macho"
    if be in FAT_MAGICS:
        (count,) = struct.unpack(">I", data[4:8])
        # A Java class file shares 0xCAFEBABE; its version (minor << 16 | major, major >= 45) sits where nfat_arch is.
        return "macho-fat" if 1 <= count < 45 else None
    if data[:2] == b"MZ" and len(data) >= 0x40:
        (pe_offset,) = struct.unpack("<I", data[0x3C:0x40])
        if data[pe_offset : pe_offset + 4] == b"PE\0\0":
            return "pe"
    return None
