#!/usr/bin/env python3
"""Which parts of an executable are resident in a running process, by ELF section.

    Scripts/rss_sections.py PID BINARY

Reads /proc/PID/maps for BINARY's mappings and /proc/PID/pagemap for each of their pages
(present; file page or a private written copy), maps each page's file offset to the ELF section
that holds it (section headers from `readelf -SW`) and prints, per section, its size and its
resident kB, clean (still the file's page) and written (a private copy: relocations, data).
A page shared by two sections counts for the first; pages outside any section (ELF and program
headers, padding) are listed as such. Used by Scripts/measure_rss.sh --sections.
"""
import os
import re
import struct
import subprocess
import sys

PAGE = os.sysconf("SC_PAGE_SIZE")


def sections(binary):
    """(name, file offset, size) of the sections with file contents, in file order."""
    text = subprocess.run(["readelf", "-SW", binary], check=True, capture_output=True, text=True).stdout
    found = []
    for line in text.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if not m or m.group(2) in ("NULL", "NOBITS"):
            continue
        name, _, _, offset, size = m.groups()
        if int(size, 16) > 0:
            found.append((name, int(offset, 16), int(size, 16)))
    return sorted(found, key=lambda s: s[1])


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: rss_sections.py PID BINARY")
    pid, binary = sys.argv[1], os.path.realpath(sys.argv[2])
    table = sections(binary)
    resident = {}  # name -> [clean pages, written pages]
    anonymous_after = 0
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/pagemap", "rb") as pagemap:
        previous_was_binary = False
        for line in maps:
            fields = line.split()
            start, end = (int(x, 16) for x in fields[0].split("-"))
            offset = int(fields[2], 16)
            path = fields[5] if len(fields) > 5 else ""
            is_binary = path == binary
            is_bss = previous_was_binary and path == ""
            previous_was_binary = is_binary
            if not (is_binary or is_bss):
                continue
            pagemap.seek(start // PAGE * 8)
            entries = pagemap.read((end - start) // PAGE * 8)
            for i in range((end - start) // PAGE):
                (entry,) = struct.unpack_from("<Q", entries, i * 8)
                if not entry >> 63 & 1:
                    continue
                if is_bss:
                    anonymous_after += 1
                    continue
                file_page = entry >> 61 & 1
                at = offset + i * PAGE
                name = next((n for n, o, s in table if o < at + PAGE and at < o + s), "(headers, padding)")
                counts = resident.setdefault(name, [0, 0])
                counts[0 if file_page else 1] += 1
    kb = PAGE // 1024
    sizes = {n: s for n, _, s in table}
    total = [sum(c[0] for c in resident.values()), sum(c[1] for c in resident.values())]
    print(f"{'section':32} {'size kB':>9} {'resident':>9} {'clean':>7} {'written':>8}")
    for name, (clean, written) in sorted(resident.items(), key=lambda kv: -(kv[1][0] + kv[1][1])):
        size = sizes.get(name)
        print(f"{name:32} {size // 1024 if size else '':>9} {(clean + written) * kb:>9} {clean * kb:>7} {written * kb:>8}")
    print(f"{'file-backed total':32} {'':>9} {(total[0] + total[1]) * kb:>9} {total[0] * kb:>7} {total[1] * kb:>8}")
    print(f"{'anonymous after it (.bss)':32} {'':>9} {anonymous_after * kb:>9}")


if __name__ == "__main__":
    main()
