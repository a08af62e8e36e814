#!/usr/bin/python3
"""silent_listener.py - a TCP endpoint on loopback that never answers.

Integration-test helper: lets a test check that LDAP client code returns
within its timeouts when a "domain controller" misbehaves.

  silent_listener.py MODE PORTFILE [LIFETIME_SECS]

MODE
  silent     accept every connection, read and discard what arrives, never
             send a byte (a hung LDAP server: TCP works, LDAP never answers)
  blackhole  listen but never accept, with the accept queue filled by the
             listener's own connections, so new SYNs are dropped and a
             client's connect() hangs (a DC behind a dropping firewall)

The chosen port (an ephemeral one on 127.0.0.1) is written to PORTFILE once
the socket listens. The process exits by itself after LIFETIME_SECS (default
60) so it can never outlive a test by much; SIGTERM ends it at once.
"""
import os
import select
import signal
import socket
import sys
import time


def main() -> int:
    if len(sys.argv) < 3 or sys.argv[1] not in ("silent", "blackhole"):
        sys.stderr.write(__doc__)
        return 2
    mode, portfile = sys.argv[1], sys.argv[2]
    lifetime = float(sys.argv[3]) if len(sys.argv) > 3 else 60.0
    deadline = time.monotonic() + lifetime
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    fillers = []
    if mode == "blackhole":
        srv.listen(0)
        port = srv.getsockname()[1]
        # Fill the accept queue (backlog 0 admits one pending connection on
        # Linux; add a spare) so later SYNs are dropped.
        for _ in range(2):
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.setblocking(False)
            try:
                c.connect(("127.0.0.1", port))
            except BlockingIOError:
                pass
            fillers.append(c)
        time.sleep(0.2)
    else:
        srv.listen(16)
        port = srv.getsockname()[1]

    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, portfile)

    conns = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return 0
        if mode == "blackhole":
            time.sleep(min(left, 0.5))
            continue
        ready, _, _ = select.select([srv] + conns, [], [], min(left, 0.5))
        for s in ready:
            if s is srv:
                c, _ = srv.accept()
                conns.append(c)
            else:
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    conns.remove(s)
                    s.close()


if __name__ == "__main__":
    sys.exit(main())
