#!/usr/bin/env python3
"""check-function-length.py - every C function fits on a screen.

Usage: check-function-length.py [--max N] DIR...

The project's style puts a function's opening brace alone in column 0 and
its closing brace alone in column 0; a function runs from the first line
of its signature (the line after the previous blank line, comment or
closing brace) to that closing brace.  Prints each function longer than
--max lines (default 80) as FILE:LINE: NAME is N lines, and exits 1 when
there is one.
"""
import os
import re
import sys

NAME = re.compile(r'([A-Za-z_]\w*)\s*\(')


def functions(path):
    with open(path, encoding='utf-8', errors='replace') as fh:
        lines = fh.read().split('\n')
    i = 0
    while i < len(lines):
        if lines[i] == '{' and i > 0:
            start = i - 1
            # the signature: back to a blank line, a comment, a directive,
            # the end of the previous block or declaration
            while start > 0:
                prev = lines[start - 1]
                if (not prev.strip() or prev.startswith(('}', '#', '/*', ' *'))
                        or prev.rstrip().endswith((';', '*/'))):
                    break
                start -= 1
            end = i + 1
            while end < len(lines) and lines[end] != '}':
                end += 1
            sig = ' '.join(lines[start:i])
            m = NAME.search(sig)
            yield start + 1, (m.group(1) if m else '?'), end - start + 1
            i = end
        i += 1


def main(argv):
    limit = 80
    dirs = []
    args = iter(argv)
    for a in args:
        if a == '--max':
            limit = int(next(args))
        else:
            dirs.append(a)
    bad = 0
    count = 0
    for d in dirs or ['src']:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if not f.endswith('.c'):
                    continue
                path = os.path.join(root, f)
                for line, name, n in functions(path):
                    count += 1
                    if n > limit:
                        print('%s:%d: %s is %d lines (at most %d)'
                              % (path, line, name, n, limit))
                        bad += 1
    print('functions: %d checked, %d longer than %d lines'
          % (count, bad, limit))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
