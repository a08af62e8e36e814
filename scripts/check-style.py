#!/usr/bin/env python3
"""check-style.py - the C sources keep the project's written style.

Usage: check-style.py DIR...

The rules docs/HACKING.md states, checked on every .c and .h file under
the folders given (the product, its tests and tools), in the manner of
curl's checksrc:

  long-line    a line longer than 80 columns
  tab          a tab character (indent with two spaces)
  trailing     white space at the end of a line
  keyword-paren  "if (", "for (", "while (", "switch (": the
               project writes if(x), no space before the parenthesis
  cpp-comment  a // comment outside a string (comments are /* */
               sentences)
  no-newline   a file that does not end with a newline
  crlf         a carriage return (files are LF)

Prints FILE:LINE: RULE: text for each, and a count; exits 1 when there is
one.  A line may opt out of one rule with a trailing /* style: RULE */
comment, for text that cannot be wrapped (none does today).
"""
import os
import re
import sys

KEYWORD = re.compile(r'\b(if|for|while|switch) \(')
STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'')


def strip_strings(line):
    return STRING.sub('""', line)


def check_file(path, out):
    with open(path, 'rb') as fh:
        raw = fh.read()
    text = raw.decode('utf-8', errors='replace')
    if raw and not raw.endswith(b'\n'):
        out.append((path, text.count('\n') + 1, 'no-newline', ''))
    in_comment = False
    for n, line in enumerate(text.split('\n'), 1):
        waived = re.search(r'/\* style: ([a-z-]+) \*/\s*$', line)
        rules = []
        if '\r' in line:
            rules.append('crlf')
        if len(line.rstrip('\r')) > 80:
            rules.append('long-line')
        if '\t' in line:
            rules.append('tab')
        if line.rstrip('\r') != line.rstrip():
            rules.append('trailing')
        code = strip_strings(line)
        if in_comment:
            end = code.find('*/')
            code = '' if end < 0 else code[end + 2:]
            in_comment = end < 0
        body = re.sub(r'/\*.*?\*/', '', code)
        if '/*' in body:
            in_comment = True
            body = body[:body.index('/*')]
        if KEYWORD.search(body):
            rules.append('keyword-paren')
        if '//' in body:
            rules.append('cpp-comment')
        for r in rules:
            if waived and waived.group(1) == r:
                continue
            out.append((path, n, r, line.strip()[:60]))


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    out = []
    nfiles = 0
    for top in argv[1:]:
        for root, _dirs, files in os.walk(top):
            for f in sorted(files):
                if f.endswith(('.c', '.h')):
                    check_file(os.path.join(root, f), out)
                    nfiles += 1
    for path, n, rule, text in out:
        print('%s:%d: %s: %s' % (path, n, rule, text))
    print('style: %d files, %d problems' % (nfiles, len(out)))
    return 1 if out else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
