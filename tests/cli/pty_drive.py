#!/usr/bin/python3
"""pty_drive.py - runs a program in a pseudo-terminal and feeds it input.

usage: pty_drive.py SCRIPT PROGRAM [ARGS...]

SCRIPT is a file of steps, one per line:
    send TEXT     write TEXT to the terminal (\\n, \\x03 ... escapes allowed)
    wait TEXT     read until TEXT appears in the output after the previous
                  match (escapes allowed; the terminal's \r are ignored)
    sleep SECS    pause
    eof           send Ctrl-D
Everything the program wrote goes to stdout, followed by a last line
"exit N" (the program's exit status) or "timeout waiting for TEXT".
The terminal is PTY_COLS x PTY_ROWS (environment; default 80 x 24).
Only the standard library is used: python3 is on every machine here.
"""
import os, pty, select, sys, time, codecs, fcntl, struct, termios

def main():
    steps = open(sys.argv[1]).read().splitlines()
    pid, fd = pty.fork()
    if pid == 0:
        size = struct.pack("HHHH", int(os.environ.get("PTY_ROWS", "24")),
                           int(os.environ.get("PTY_COLS", "80")), 0, 0)
        fcntl.ioctl(0, termios.TIOCSWINSZ, size)
        os.execv(sys.argv[2], sys.argv[2:])
    out = b""
    pos = 0  # each wait searches the output after the previous match
    def read_until(pattern, timeout=10.0):
        nonlocal out, pos
        end = time.time() + timeout
        while out.replace(b"\r", b"").find(pattern, pos) < 0:
            left = end - time.time()
            if left <= 0:
                return False
            r, _, _ = select.select([fd], [], [], left)
            if r:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    break
                if not data:
                    break
                out += data
        at = out.replace(b"\r", b"").find(pattern, pos)
        if at < 0:
            return False
        pos = at + len(pattern)
        return True
    ok = True
    for step in steps:
        if not step.strip():
            continue
        cmd, _, arg = step.partition(" ")
        arg = codecs.decode(arg, "unicode_escape").encode("latin-1")
        if cmd == "send":
            os.write(fd, arg)
        elif cmd == "wait":
            if not read_until(arg):
                sys.stdout.write(out.decode("utf-8", "replace"))
                print("\ntimeout waiting for %r" % arg)
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                return 1
            # libedit writes the prompt before it switches the terminal to raw
            # mode; input sent in between is cooked (echoed twice, and a
            # Ctrl-D there is lost), so let the switch happen first.
            time.sleep(0.1)
        elif cmd == "sleep":
            time.sleep(float(arg))
        elif cmd == "eof":
            os.write(fd, b"\x04")
    # drain until the child exits
    end = time.time() + 10
    status = None
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            out += data
        wpid, st = os.waitpid(pid, os.WNOHANG)
        if wpid:
            status = os.waitstatus_to_exitcode(st)
            break
    if status is None:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    try:
        while True:
            r, _, _ = select.select([fd], [], [], 0.05)
            if not r: break
            data = os.read(fd, 4096)
            if not data: break
            out += data
    except OSError:
        pass
    sys.stdout.write(out.decode("utf-8", "replace"))
    print("\nexit %s" % ("timeout" if status is None else status))
    return 0

sys.exit(main())
