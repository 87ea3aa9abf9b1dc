#!/usr/bin/env python3
"""The steps of Scripts/order_symbols.sh that read or patch ELF files and /proc.

    Scripts/order_symbols.py align FILE...           code sections of objects/archives page-aligned, in place
    Scripts/order_symbols.py evict FILE              FILE's clean pages dropped from the page cache
    Scripts/order_symbols.py pages PID BINARY        BINARY's resident executable pages in PID (link addresses)
    Scripts/order_symbols.py order MAP PAGES...      the symbols of the input sections those pages hold
    Scripts/order_symbols.py missing ORDER BINARY    how many of ORDER's names BINARY (not stripped) lacks
    Scripts/order_symbols.py link-command YAML OUT   the arguments (NUL-separated) of the command in
                                                     SwiftPM's build manifest YAML that writes OUT

`align` sets sh_addralign to the page size on every allocated, executable section of relocatable
ELF objects (also the members of `ar` archives, patched where they lie): linked from them, each
function of a `-function-sections` object starts a page of its own, so a resident page names one
function. `order` reads lld's `-Map` file of that profile binary (linked with `--no-demangle`) and
prints, in link order, one symbol for each input section a resident page lies in: the first
symbol the map lists in it, else the function name in the section's own name (`.text.NAME`).
"""
import json
import os
import re
import struct
import subprocess
import sys

PAGE = os.sysconf("SC_PAGE_SIZE")
SHF_ALLOC, SHF_EXECINSTR = 0x2, 0x4


def align_elf(data, base):
    """Page alignment for the code sections of the ELF64 relocatable object at data[base:]."""
    if data[base:base + 4] != b"\x7fELF" or data[base + 4] != 2 or data[base + 5] != 1:
        return 0
    (e_type,) = struct.unpack_from("<H", data, base + 16)
    if e_type != 1:  # ET_REL
        return 0
    (shoff,) = struct.unpack_from("<Q", data, base + 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, base + 0x3A)
    if shnum == 0:  # more than 0xff00 sections: the count is section 0's sh_size
        (shnum,) = struct.unpack_from("<Q", data, base + shoff + 32)
    patched = 0
    for i in range(shnum):
        header = base + shoff + i * shentsize
        (flags,) = struct.unpack_from("<Q", data, header + 8)
        (size,) = struct.unpack_from("<Q", data, header + 32)
        (alignment,) = struct.unpack_from("<Q", data, header + 48)
        if flags & SHF_ALLOC and flags & SHF_EXECINSTR and size > 0 and alignment < PAGE:
            struct.pack_into("<Q", data, header + 48, PAGE)
            patched += 1
    return patched


def align(path):
    with open(path, "rb") as f:
        data = bytearray(f.read())
    patched = 0
    if data.startswith(b"!<arch>\n"):
        at = 8
        while at + 60 <= len(data):
            size = int(data[at + 48:at + 58].decode().strip())
            patched += align_elf(data, at + 60)
            at += 60 + size + (size & 1)
    else:
        patched = align_elf(data, 0)
    with open(path, "wb") as f:
        f.write(data)
    print(f"{path}: {patched} code sections page-aligned", file=sys.stderr)


def evict(path):
    with open(path, "rb") as f:
        os.fsync(f.fileno())
        os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)


def pages(pid, binary):
    """Link addresses (the load base subtracted) of BINARY's resident pages in executable mappings."""
    binary = os.path.realpath(binary)
    base = None
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/pagemap", "rb") as pagemap:
        for line in maps:
            fields = line.split()
            if len(fields) < 6 or fields[5] != binary:
                continue
            start, end = (int(x, 16) for x in fields[0].split("-"))
            if base is None:
                base = start - int(fields[2], 16)  # the first mapping has file offset = link address
            if "x" not in fields[1]:
                continue
            pagemap.seek(start // PAGE * 8)
            entries = pagemap.read((end - start) // PAGE * 8)
            for i in range((end - start) // PAGE):
                (entry,) = struct.unpack_from("<Q", entries, i * 8)
                if entry >> 63 & 1:
                    print(f"{start + i * PAGE - base:x}")


def input_sections(map_path):
    """(address, size, section name, first symbol or None) of each input section of .text."""
    found = []
    in_text = False
    section_line = re.compile(r"\s*([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+ (.*)$")
    with open(map_path) as f:
        next(f)  # VMA LMA Size Align Out In Symbol
        for line in f:
            m = section_line.match(line)
            if not m:
                continue
            address, size, rest = int(m.group(1), 16), int(m.group(2), 16), m.group(3)
            depth = len(rest) - len(rest.lstrip())  # the column says output section, input, symbol
            rest = rest.strip()
            if depth == 0:
                in_text = rest == ".text"
            elif in_text and depth <= 8 and ":(" in rest:
                found.append([address, size, rest[rest.rindex(":(") + 2:-1], None])
            elif in_text and found and found[-1][3] is None and depth > 8:
                found[-1][3] = rest
    return found


def order(map_path, page_files):
    touched = set()
    for path in page_files:
        with open(path) as f:
            touched.update(int(line, 16) for line in f if line.strip())
    sections = input_sections(map_path)
    seen = set()
    for address, size, name, symbol in sections:
        first, last = address // PAGE, (address + max(size, 1) - 1) // PAGE
        if not any(page * PAGE in touched for page in range(first, last + 1)):
            continue
        if symbol is None and name.startswith(".text."):
            symbol = name[len(".text."):]
        # `.L` names are the compiler's unnamed functions: no symbol lld can order by
        # (packaging/unnamed-functions.ld keeps them together instead).
        if symbol and not symbol.startswith(".L") and symbol not in seen:
            seen.add(symbol)
            print(symbol)


def missing(order_path, binary):
    """Names of the ordering file the binary no longer defines: they were renamed or removed
    since the profile, and what replaced them lies among the cold code."""
    text = subprocess.run(["nm", "--defined-only", binary], check=True, capture_output=True, text=True).stdout
    defined = {line.split()[-1] for line in text.splitlines() if line.strip()}
    with open(order_path) as f:
        names = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    print(f"{sum(name not in defined for name in names)} of {len(names)}")


def link_command(manifest, output):
    """SwiftPM's manifest is YAML whose `outputs:` and `args:` lines are JSON arrays."""
    outputs = None
    with open(manifest) as f:
        for line in f:
            key, _, value = line.strip().partition(": ")
            if key == "outputs":
                outputs = json.loads(value)
            elif key == "args" and outputs == [output]:
                sys.stdout.write("".join(arg + "\0" for arg in json.loads(value)))
                return
    sys.exit(f"order_symbols.py: no command writes {output} in {manifest}")


def main():
    command, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if command == "align" and args:
        for path in args:
            align(path)
    elif command == "evict" and len(args) == 1:
        evict(args[0])
    elif command == "pages" and len(args) == 2:
        pages(*args)
    elif command == "missing" and len(args) == 2:
        missing(*args)
    elif command == "link-command" and len(args) == 2:
        link_command(*args)
    elif command == "order" and len(args) >= 2:
        order(args[0], args[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
