#!/usr/bin/env python3
"""check-manifest.py EXE... - read the application manifest out of each
Windows executable (resource type 24 RT_MANIFEST, ID 1) with a small PE
resource-table reader, and check what srvdoctor promises about it:

- exactly one manifest, ID 1, well-formed XML in the asm.v1 namespace;
- requestedExecutionLevel level="asInvoker" (no elevation prompt, and no UAC
  file/registry virtualisation) and uiAccess="false";
- trustInfo declared in one namespace only (Server 2003 before SP1 and XP SP2
  crash on an element that declares the same namespace twice, KB 921337);
- supportedOS entries for Vista, 7, 8, 8.1 and 10/11 (Server 2008 .. 2025);
- nothing else a 2003 loader would have to resolve (no dependency element).

Prints "manifest: EXE: ok (N bytes)" per file; exit 1 on the first failure
with one sentence why.  --print writes the manifest text to stdout instead.
"""
import struct
import sys
import xml.etree.ElementTree as ET

RT_MANIFEST = 24
ASM_V1 = "urn:schemas-microsoft-com:asm.v1"
ASM_V2 = "urn:schemas-microsoft-com:asm.v2"
ASM_V3 = "urn:schemas-microsoft-com:asm.v3"
COMPAT = "urn:schemas-microsoft-com:compatibility.v1"
# Microsoft, "Application manifests" (supportedOS): one GUID per release.
SUPPORTED_OS = {
    "{e2011457-1546-43c5-a5fe-008deee3d3f0}": "Windows Vista / Server 2008",
    "{35138b9a-5d96-4fbd-8e2d-a2440225f93a}": "Windows 7 / Server 2008 R2",
    "{4a2f28e3-53b9-4441-ba9c-d69d4a4a6e38}": "Windows 8 / Server 2012",
    "{1f676c76-80e1-4239-95bb-83d0f6d0da78}": "Windows 8.1 / Server 2012 R2",
    "{8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a}": "Windows 10, 11 / Server 2016 and later",
}


class PEError(Exception):
    pass


def u16(b, o):
    return struct.unpack_from("<H", b, o)[0]


def u32(b, o):
    return struct.unpack_from("<I", b, o)[0]


def resources(data):
    """Yield (type, id, lang, bytes) for every ID-named resource."""
    if data[:2] != b"MZ":
        raise PEError("not an MZ executable")
    pe = u32(data, 0x3C)
    if data[pe:pe + 4] != b"PE\0\0":
        raise PEError("no PE signature")
    nsect = u16(data, pe + 6)
    optsize = u16(data, pe + 20)
    opt = pe + 24
    magic = u16(data, opt)
    if magic == 0x10B:
        ddir = opt + 96
    elif magic == 0x20B:
        ddir = opt + 112
    else:
        raise PEError("unknown optional header magic 0x%x" % magic)
    rsrc_rva = u32(data, ddir + 2 * 8)
    if rsrc_rva == 0:
        return
    sections = []
    st = opt + optsize
    for i in range(nsect):
        s = st + 40 * i
        vsize, vaddr, rsize, raddr = struct.unpack_from("<IIII", data, s + 8)
        sections.append((vaddr, max(vsize, rsize), raddr))

    def off(rva):
        for vaddr, size, raddr in sections:
            if vaddr <= rva < vaddr + size:
                return rva - vaddr + raddr
        raise PEError("RVA 0x%x is in no section" % rva)

    base = off(rsrc_rva)

    def entries(dir_off):
        named, ids = u16(data, dir_off + 12), u16(data, dir_off + 14)
        for i in range(named + ids):
            e = dir_off + 16 + 8 * i
            name, target = u32(data, e), u32(data, e + 4)
            yield name, target

    for tname, tt in entries(base):
        if tname & 0x80000000 or not tt & 0x80000000:
            continue
        for nname, nt in entries(base + (tt & 0x7FFFFFFF)):
            if nname & 0x80000000 or not nt & 0x80000000:
                continue
            for lang, lt in entries(base + (nt & 0x7FFFFFFF)):
                if lt & 0x80000000:
                    continue
                d = base + lt
                rva, size = u32(data, d), u32(data, d + 4)
                o = off(rva)
                yield tname, nname, lang, data[o:o + size]


def check(path, text):
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        return "the manifest is not well-formed XML (%s)" % e
    if root.tag != "{%s}assembly" % ASM_V1 or root.get("manifestVersion") != "1.0":
        return "the root is not an asm.v1 assembly with manifestVersion 1.0"
    if root.find("{%s}assemblyIdentity" % ASM_V1) is None:
        return "there is no assemblyIdentity"
    if root.find(".//{%s}dependency" % ASM_V1) is not None:
        return "there is a dependency element"
    levels = [e for ns in (ASM_V2, ASM_V3)
              for e in root.iter("{%s}requestedExecutionLevel" % ns)]
    if len(levels) != 1:
        return "there are %d requestedExecutionLevel elements, not 1" % len(levels)
    if levels[0].get("level") != "asInvoker" or levels[0].get("uiAccess") != "false":
        return "requestedExecutionLevel is %r, not asInvoker without uiAccess" % levels[0].attrib
    # One namespace declaration per element (KB 921337).
    raw = text.decode("utf-8")
    for start in raw.split("<")[1:]:
        tag = start.split(">", 1)[0]
        if tag.count("xmlns") > 1:
            return "an element declares more than one namespace: <%s>" % tag
    ids = {e.get("Id", "").lower()
           for e in root.iter("{%s}supportedOS" % COMPAT)}
    missing = [v for k, v in SUPPORTED_OS.items() if k not in ids]
    if missing:
        return "supportedOS is missing for %s" % ", ".join(missing)
    unknown = ids - set(SUPPORTED_OS)
    if unknown:
        return "unknown supportedOS ids %s" % ", ".join(sorted(unknown))
    return None


def main(argv):
    show = False
    if argv and argv[0] == "--print":
        show, argv = True, argv[1:]
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    for path in argv:
        try:
            with open(path, "rb") as f:
                data = f.read()
            found = [(n, l, b) for t, n, l, b in resources(data) if t == RT_MANIFEST]
        except (OSError, PEError, struct.error) as e:
            print("manifest: %s: cannot read its resources: %s" % (path, e))
            return 1
        if len(found) != 1 or found[0][0] != 1:
            print("manifest: %s: expected one RT_MANIFEST resource with ID 1, found %s"
                  % (path, [(n, l) for n, l, _ in found]))
            return 1
        text = found[0][2]
        if show:
            sys.stdout.write(text.decode("utf-8"))
            continue
        why = check(path, text)
        if why:
            print("manifest: %s: %s" % (path, why))
            return 1
        print("manifest: %s: ok (%d bytes)" % (path, len(text)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
