#!/usr/bin/env python3
"""wine_events.py - the events a Windows program wrote, read from Wine's
own debug output, so that the shipped srvdoctor.exe needs no test variable.

Wine 8 has no event log: RegisterEventSourceW and ReportEventW are stubs
that say what they were given.  Run the program with

    WINEDEBUG=-all,fixme+advapi,+eventlog

and its stderr holds, for each event:

    0104:fixme:advapi:RegisterEventSourceW ((null),L"srvdoctor"): stub
    0104:fixme:advapi:ReportEventW (HANDLE,0x0004,0x0000,0x000003e8,SID,
        0x0001,0x00000000,STRINGS,DATA): stub          (one line)
    0104:trace:eventlog:ReportEventW L"text with \\r\\n escapes"
        (trace for information, warn for warning, err for error events;
        one such line per insertion string)
    0104:fixme:advapi:DeregisterEventSource (HANDLE) stub   (no newline)

Usage: wine_events.py STDERR [REST]

Prints each event as a record, the way the old trace file looked:

    source: srvdoctor
    type: information            (success, error, warning, information,
                                  audit_success, audit_failure)
    event_id: 1000
    category: 0
    strings: 1
    truncated: no                (yes: Wine cut the text; see below)
    text:
    ... the insertion strings, CR LF turned into LF ...
    end

What Wine's output cannot show: the log (the source's registry key says
it: Application), and text beyond about 290 printed characters per
string (Wine's debugstr_w buffer ends it with "..."; "truncated: yes").

REST, when given, receives STDERR without Wine's lines: the program's own
messages, for the test's other assertions.  Exit code 0, or 1 when the
file cannot be read.
"""
import re
import sys

TYPES = {0: "success", 1: "error", 2: "warning", 4: "information",
         8: "audit_success", 16: "audit_failure"}
# Wine's prefix: thread ID, class, channel, function.
LINE = re.compile(r'^[0-9a-f]{4,8}:(fixme|err|warn|trace):(\w+):(\w+) (.*)$')
REGISTER = re.compile(r'^\((?:\(null\)|L"[^"]*"),L"((?:[^"\\]|\\.)*)"\): stub$')
REPORT = re.compile(r'^\([0-9A-Fa-f]+,0x([0-9a-f]+),0x([0-9a-f]+),'
                    r'0x([0-9a-f]+),[0-9A-Fa-f]+,0x([0-9a-f]+),')
STRING = re.compile(r'^L"((?:[^"\\]|\\.)*)"(\.\.\.)?$')
# Wine prints this one without a newline: the program's next line follows.
GLUED = re.compile(r'([0-9a-f]{4,8}:fixme:advapi:DeregisterEventSource '
                   r'\([0-9A-Fa-f]+\) stub)')


def unescape(s):
    """Undo Wine's debugstr_w escapes (\\n \\r \\t \\" \\\\ \\XXXX)."""
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c != '\\' or i + 1 >= len(s):
            out.append(c)
            i += 1
            continue
        n = s[i + 1]
        if n in 'nrt':
            out.append({'n': '\n', 'r': '\r', 't': '\t'}[n])
            i += 2
        elif re.match(r'[0-9a-f]{4}', s[i + 1:i + 5]):
            out.append(chr(int(s[i + 1:i + 5], 16)))
            i += 5
        else:
            out.append(n)
            i += 2
    # UTF-16 surrogate pairs come as two \XXXX escapes.
    return ''.join(out).encode('utf-16', 'surrogatepass').decode('utf-16')


def parse(text):
    events, rest, source, cur = [], [], None, None
    for line in GLUED.sub(r'\1\n', text).split('\n'):
        m = LINE.match(line)
        if not m:
            rest.append(line)
            continue
        fn, args = m.group(3), m.group(4)
        if fn == 'RegisterEventSourceW':
            r = REGISTER.match(args)
            source = unescape(r.group(1)) if r else None
        elif fn == 'ReportEventW' and m.group(2) == 'advapi':
            r = REPORT.match(args)
            if r:
                cur = {'source': source, 'type': int(r.group(1), 16),
                       'category': int(r.group(2), 16),
                       'event_id': int(r.group(3), 16),
                       'strings': int(r.group(4), 16),
                       'text': [], 'truncated': False}
                events.append(cur)
        elif fn == 'ReportEventW' and m.group(2) == 'eventlog' and cur:
            r = STRING.match(args)
            if r:
                cur['text'].append(unescape(r.group(1)))
                cur['truncated'] = cur['truncated'] or bool(r.group(2))
    return events, '\n'.join(rest)


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 1
    try:
        with open(argv[1], encoding='utf-8', errors='replace') as f:
            text = f.read()
    except OSError as e:
        sys.stderr.write('wine_events.py: %s\n' % e)
        return 1
    events, rest = parse(text)
    for e in events:
        body = '\n'.join(e['text']).replace('\r\n', '\n')
        sys.stdout.write(
            'source: %s\ntype: %s\nevent_id: %d\ncategory: %d\nstrings: %d\n'
            'truncated: %s\ntext:\n%s\nend\n'
            % (e['source'] or '', TYPES.get(e['type'], str(e['type'])),
               e['event_id'], e['category'], e['strings'],
               'yes' if e['truncated'] else 'no', body))
    if len(argv) == 3:
        with open(argv[2], 'w', encoding='utf-8') as f:
            f.write(rest)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
