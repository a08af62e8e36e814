#!/usr/bin/env python3
"""check-cycles.py BUILD_DIR - no dependency cycle between source files.

Reads every object file of srvdoctor's layer libraries in BUILD_DIR
(CMakeFiles/sd*.dir/**/*.o or *.obj) with nm (NM=... picks another nm, such
as x86_64-w64-mingw32-nm for a Windows build), draws an edge from a file to
each file that defines a symbol it uses, and looks for strongly connected
components (Tarjan).  Prints "cycles: none (N files, M edges)" and exits 0,
or prints each cycle with the symbols that make it and exits 1.
"""
import collections
import glob
import os
import re
import subprocess
import sys


def symbols(nm, obj):
    out = subprocess.run([nm, obj], capture_output=True, text=True, check=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRC":
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
    return defined, used


def source_name(obj):
    name = re.sub(r".*?/CMakeFiles/[^/]+\.dir/", "", obj)
    return re.sub(r"\.(o|obj)$", "", name)


def main(argv):
    if len(argv) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    nm = os.environ.get("NM", "nm")
    objs = sorted(glob.glob(os.path.join(argv[0], "CMakeFiles", "sd*.dir", "**", "*.o"), recursive=True) +
                  glob.glob(os.path.join(argv[0], "CMakeFiles", "sd*.dir", "**", "*.obj"), recursive=True))
    if not objs:
        print("cycles: no object files under %s" % argv[0])
        return 2
    defs, uses = {}, {}
    for o in objs:
        defs[o], uses[o] = symbols(nm, o)
    owner = {}
    for o, d in defs.items():
        for s in d:
            owner[s] = o
    graph = collections.defaultdict(dict)
    for o, u in uses.items():
        for s in u:
            t = owner.get(s)
            if t and t != o:
                graph[o].setdefault(t, []).append(s)
    index, low, stack, on, comps = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(comp)

    sys.setrecursionlimit(10000)
    for v in objs:
        if v not in index:
            strong(v)
    nedges = sum(len(t) for t in graph.values())
    if not comps:
        print("cycles: none (%d files, %d edges)" % (len(objs), nedges))
        return 0
    for comp in comps:
        members = set(comp)
        print("cycle between %s:" % ", ".join(sorted(source_name(c) for c in comp)))
        for a in sorted(comp):
            for b, syms in sorted(graph[a].items()):
                if b in members:
                    print("  %s -> %s: %s" % (source_name(a), source_name(b), " ".join(sorted(syms))))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
