"""The console shows a failed TLS handshake in its stream, with the reason (docs/tls.md), and survives a
SIGHUP certificate reload."""
from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess

import pytest

import production_harness as p
from console_harness import Tmux
from test_console_tmux import BINARY


@pytest.fixture
def tls_console(tmp_path):
    if not BINARY.exists():
        pytest.fail(f"server binary not found at {BINARY}")
    ca = p.make_ca(tmp_path)
    leaf = p.make_leaf(ca, tmp_path / "s.crt", tmp_path / "s.key")
    config = tmp_path / "reverb.json"
    config.write_text(json.dumps({
        "server": {"host": "127.0.0.1", "port": 0,
                   "options": {"tls": {"local_cert": str(leaf.cert_path), "local_pk": str(leaf.key_path)}}},
        "apps": [{"app_id": "123456", "key": "reverb-key", "secret": "reverb-secret"}]}))
    tmux = Tmux(f"{shlex.quote(str(BINARY))} --port 0 --config {shlex.quote(str(config))}", width=160, height=40,
                cwd=str(tmp_path))
    try:
        yield tmux, ca, leaf
    finally:
        tmux.close()


def secure_port(tmux) -> int:
    """The bound port, from the header's wss:// address."""
    match = tmux.until(lambda lines: next((m for m in (re.search(r"wss://127\.0\.0\.1:(\d+)", line)
                                                      for line in lines) if m), None))
    return int(match.group(1))


def test_failed_tls_handshake_appears_in_the_console_stream(tls_console):
    tmux, ca, leaf = tls_console
    port = secure_port(tmux)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET /up HTTP/1.1\r\nHost: x\r\n\r\n")
        s.settimeout(5)
        try:
            s.recv(100)
        except OSError:
            pass
    tmux.until_text("TLS handshake")
    tmux.until_text("not a TLS client")
    # The console process ignores SIGHUP's default action and keeps serving TLS after a reload.
    pid = int(subprocess.run(["tmux", "-L", tmux.socket, "display-message", "-p", "-t", tmux.session,
                              "#{pane_pid}"], capture_output=True, text=True).stdout.strip())
    os.kill(pid, signal.SIGHUP)
    assert p.peer_certificate(port, ca) == leaf.der
    assert not tmux.pane_dead()
    # When the terminal itself goes away (its SIGHUP), the console stops instead of running on unseen.
    tmux.close()
    p.h.wait_until(lambda: not _running(pid), timeout=10, message="console still running after its terminal closed")


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
