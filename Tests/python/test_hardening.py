"""Hardening (issue 10): nobody can starve the server, memory per socket is
bounded in bytes, every bad input gets a clear answer. Real sockets on
loopback against the real binary; no timing assertions beyond generous
"eventually" deadlines."""
from __future__ import annotations

import json
import os
import resource
import socket
import struct
import threading
import time

import pytest

import reverb_harness as h
from reverb_harness import APPS

MAIN = APPS["main"]
PING = b'{"event":"pusher:ping","data":{}}'
PONG = b'{"event":"pusher:pong"}'


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def proc_status(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"{field} not in /proc/{pid}/status")


def rss_mb(pid: int) -> float:
    return proc_status(pid, "VmRSS") / 1024


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks   # utime, stime


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def closed_by_peer(sock: socket.socket, timeout: float) -> bool:
    """Reads (and discards) until EOF or reset; False if still open at the deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return False
        except (ConnectionResetError, BrokenPipeError):
            return True
        if not chunk:
            return True
    return False


def http_status(data: bytes) -> int:
    return int(data.split(b"\r\n", 1)[0].split(b" ")[1])


def read_response(sock: socket.socket, timeout: float = 5.0) -> tuple[bytes, bytes]:
    """One HTTP response: (head, body) using Content-Length."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise AssertionError(f"closed before a full response head: {data!r}")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    return head, rest


def connect_raw(server, app="main"):
    raw = h.RawFrameClient(server.host, server.port, f"/app/{APPS[app].key}")
    op, payload = raw.read_frame()
    assert op == 0x1 and b"pusher:connection_established" in payload, (op, payload)
    raw.socket_id = json.loads(json.loads(payload)["data"])["socket_id"]
    return raw


def read_close(raw, timeout=3.0):
    """Skips data frames until a close frame: returns (code, reason) or (None, b'') on EOF."""
    while True:
        try:
            op, payload = raw.read_frame(timeout)
        except EOFError:
            return None, b""
        if op == 0x8:
            code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
            return code, payload[2:]


def frame(opcode, payload, fin=True, rsv=0):
    mask = os.urandom(4)
    n = len(payload)
    b1 = (0x80 if fin else 0) | (rsv << 4) | opcode
    if n < 126:
        head = bytes([b1, 0x80 | n])
    elif n < 65536:
        head = bytes([b1, 0x80 | 126]) + struct.pack("!H", n)
    else:
        head = bytes([b1, 0x80 | 127]) + struct.pack("!Q", n)
    return head + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(payload))


def config_with(**server):
    return h.default_config(**server)


# --------------------------------------------------------------------------
# 1. Nobody can starve the server
# --------------------------------------------------------------------------

def test_silent_and_slowloris_sockets_are_closed_while_a_client_is_served(start_server):
    server = start_server(config_with(handshake_timeout=2, http_idle_timeout=2))
    silent = [socket.create_connection((server.host, server.port)) for _ in range(60)]
    partial_upgrade = socket.create_connection((server.host, server.port))
    partial_upgrade.sendall(
        f"GET /app/{MAIN.key} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n".encode())
    slow = [socket.create_connection((server.host, server.port)) for _ in range(60)]
    stop = threading.Event()

    def drip():
        for s in slow:
            s.sendall(b"GET /up HTTP/1.1\r\n")
        while not stop.is_set():
            for s in slow:
                try:
                    s.sendall(b"X")
                except OSError:
                    pass
            time.sleep(0.3)

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    try:
        # A normal client is served meanwhile.
        client = h.WSClient(server.ws_url(MAIN.key))
        client.send_json({"event": "pusher:ping", "data": {}})
        assert json.loads(client.recv_event("pusher:pong"))["event"] == "pusher:pong"
        # Every silent, partial and slowloris socket is closed by the server (2 s limit; generous deadline).
        for s in silent + [partial_upgrade] + slow:
            assert closed_by_peer(s, 10), "a silent or slowloris connection was left open"
        # The WebSocket is not affected by the HTTP clocks.
        client.send_json({"event": "pusher:ping", "data": {}})
        client.recv_event("pusher:pong")
        client.close()
    finally:
        stop.set()
        dripper.join(2)
        for s in silent + [partial_upgrade] + slow:
            s.close()
    h.wait_until(lambda: "No complete HTTP request or WebSocket upgrade within 2s" in server.log_text(), timeout=3)


def test_idle_keep_alive_http_connection_is_closed(start_server):
    server = start_server(config_with(handshake_timeout=5, http_idle_timeout=1))
    s = socket.create_connection((server.host, server.port))
    try:
        s.sendall(b"GET /up HTTP/1.1\r\nHost: x\r\n\r\n")
        head, _ = read_response(s)
        assert http_status(head) == 200
        s.sendall(b"GET /up HTTP/1.1\r\nHost: x\r\n\r\n")        # keep-alive still works
        head, _ = read_response(s)
        assert http_status(head) == 200
        assert closed_by_peer(s, 6), "an idle keep-alive connection was left open"
    finally:
        s.close()


def test_accept_pauses_at_the_file_limit_without_spinning(start_server):
    server = start_server(config_with(handshake_timeout=60))
    pid = server.proc.pid
    limit = open_fds(pid) + 8
    resource.prlimit(pid, resource.RLIMIT_NOFILE, (limit, limit))
    extra = [socket.create_connection((server.host, server.port)) for _ in range(40)]
    try:
        time.sleep(0.5)
        before = cpu_seconds(pid)
        time.sleep(3)
        used = cpu_seconds(pid) - before
        # A spinning accept loop burns a whole core (about 3 s here); a paused one almost nothing.
        assert used < 1.0, f"server used {used:.2f}s of CPU in 3s while at its file limit"
    finally:
        for s in extra:
            s.close()
    # Once sockets are free again, new clients are served.
    client = h.wait_until(lambda: _try_client(server), timeout=10)
    client.close()
    log = server.log_text()
    assert log.count("Not accepting new connections") >= 1
    assert log.count("Not accepting new connections: the open-file limit is reached") <= 4, "logged per retry"


def _try_client(server):
    try:
        return h.WSClient(server.ws_url(MAIN.key), timeout=2)
    except Exception as e:
        print("client attempt failed:", repr(e))
        return None


# --------------------------------------------------------------------------
# 2. Memory bounded in bytes
# --------------------------------------------------------------------------

def test_non_reading_subscriber_is_dropped_and_memory_returns(reverb):
    app = APPS["all"]
    channel = h.unique("private-flood-")
    reader = connect_raw(reverb, "all")
    auth = h.sdk_auth(app, channel, reader.socket_id)
    reader.send_text(json.dumps({"event": "pusher:subscribe", "data": {"channel": channel, "auth": auth["auth"]}}))
    op, payload = reader.read_frame()
    assert b"subscription_succeeded" in payload
    sender = h.WSClient(reverb.ws_url(app.key))
    h.subscribe_authed(sender, app, channel)
    pid = reverb.proc.pid
    baseline = rss_mb(pid)
    event = json.dumps({"event": "client-flood", "channel": channel, "data": {"p": "x" * 5000}})
    peak = baseline
    for i in range(20_000):
        sender.send_raw(event)
        if i % 2000 == 0:
            peak = max(peak, rss_mb(pid))
    sender.send_json({"event": "pusher:ping", "data": {}})
    sender.recv_event("pusher:pong", timeout=30)      # the server has read every event
    # The reader never read: it must have been dropped, long before 20,000 events (100 MB) reached it.
    received = 0
    reader.sock.settimeout(10)
    while True:
        try:
            chunk = reader.sock.recv(1 << 20)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        received += len(chunk)
    assert received < 40 * 1024 * 1024, f"the non-reading socket was sent {received} bytes"
    reader.close()
    sender.close()
    # Memory comes back (a generous bound: the 100 MB published must not stay resident).
    h.wait_until(lambda: rss_mb(pid) < baseline + 48, timeout=15,
                 message=f"RSS stayed high: baseline {baseline:.0f} MB, now {rss_mb(pid):.0f} MB")
    if reverb.debug:
        h.wait_until(lambda: "4100" in reverb.log_text(), timeout=10)


# --------------------------------------------------------------------------
# 3. Limits on what an anonymous socket may create
# --------------------------------------------------------------------------

def _error(raw_text):
    msg = json.loads(raw_text)
    assert msg["event"] == "pusher:error", raw_text
    return json.loads(msg["data"])


def test_channel_names_follow_pushers_rules(ws, reverb):
    c = ws()
    for bad in ["", "a" * 165, "bad\nname", "bad\x1b[2Jname", "space name", "ünïcode", "#server-to-user-"]:
        c.send_json({"event": "pusher:subscribe", "data": {"channel": bad}})
        err = _error(c.recv_event("pusher:error"))
        assert err["code"] == 4200 and "channel name" in err["message"]
    c.subscribe("a" * 164)
    c.subscribe("-_=@,.;AZaz09")
    log = reverb.log_text()
    assert "\x1b" not in log, "an escape sequence reached the --debug log"
    assert "\nname" not in log


def test_subscription_and_channel_caps(start_server):
    server = start_server(config_with(max_subscriptions_per_connection=3, max_channels_per_app=5))
    a = h.WSClient(server.ws_url(MAIN.key))
    for i in range(3):
        a.subscribe(f"cap-{i}")
    a.subscribe("cap-1")                          # subscribing again is not a new subscription
    a.send_json({"event": "pusher:subscribe", "data": {"channel": "cap-3"}})
    err = _error(a.recv_event("pusher:error"))
    assert err["code"] == 4303
    b = h.WSClient(server.ws_url(MAIN.key))
    b.subscribe("cap-0")                          # an existing channel does not count against the app cap
    b.subscribe("other-1")
    b.subscribe("other-2")
    c = h.WSClient(server.ws_url(MAIN.key))
    c.send_json({"event": "pusher:subscribe", "data": {"channel": "other-3"}})
    err = _error(c.recv_event("pusher:error"))
    assert err["code"] == 4304
    for x in (a, b, c):
        x.close()


def test_presence_needs_a_user_id_and_small_user_info(ws):
    app = MAIN
    c = ws()
    channel = h.unique("presence-rules-")
    for data in [{"user_info": {"name": "nobody"}}, {"user_id": None}]:
        channel_data = h.compact(data)
        sig = h.hmac_hex(app.secret, f"{c.socket_id}:{channel}:{channel_data}")
        c.subscribe(channel, auth=f"{app.key}:{sig}", channel_data=channel_data, expect=False)
        err = _error(c.recv_event("pusher:error"))
        assert err["code"] == 4200 and "user_id" in err["message"]
    big = {"user_id": 7, "user_info": {"bio": "x" * 1100}}
    channel_data = h.compact(big)
    sig = h.hmac_hex(app.secret, f"{c.socket_id}:{channel}:{channel_data}")
    c.subscribe(channel, auth=f"{app.key}:{sig}", channel_data=channel_data, expect=False)
    err = _error(c.recv_event("pusher:error"))
    assert err["code"] == 4200 and "1 KB" in err["message"]
    h.subscribe_authed(c, app, channel, user={"user_id": 7, "user_info": {"name": "ok"}})


# --------------------------------------------------------------------------
# 4. RFC 6455 and HTTP to the letter
# --------------------------------------------------------------------------

@pytest.mark.parametrize("code", [999, 1004, 1005, 1006, 1015, 1016, 2999, 5000])
def test_invalid_close_codes_are_answered_with_1002(reverb, code):
    raw = connect_raw(reverb)
    try:
        raw.sock.sendall(frame(0x8, struct.pack("!H", code)))
        assert read_close(raw)[0] == 1002
    finally:
        raw.close()


@pytest.mark.parametrize("code", [1000, 1001, 1011, 3000, 4999])
def test_valid_close_codes_are_echoed(reverb, code):
    raw = connect_raw(reverb)
    try:
        raw.sock.sendall(frame(0x8, struct.pack("!H", code) + b"bye"))
        assert read_close(raw)[0] == code
    finally:
        raw.close()


def test_one_byte_close_payload_is_1002_and_bad_reason_is_1007(reverb):
    raw = connect_raw(reverb)
    raw.sock.sendall(frame(0x8, b"\x03"))
    assert read_close(raw)[0] == 1002
    raw.close()
    raw = connect_raw(reverb)
    raw.sock.sendall(frame(0x8, struct.pack("!H", 1000) + b"\xff\xfe"))
    assert read_close(raw)[0] == 1007
    raw.close()


@pytest.mark.parametrize("rsv", [1, 2, 4])
def test_reserved_bits_fail_the_connection(reverb, rsv):
    raw = connect_raw(reverb)
    try:
        raw.sock.sendall(frame(0x1, PING, rsv=rsv))
        assert read_close(raw)[0] == 1002
    finally:
        raw.close()
    h.wait_until(lambda: "Reserved bits set" in reverb.log_text(), timeout=3)


def _upgrade(reverb, method="GET", version="1.1", key="dGhlIHNhbXBsZSBub25jZQ=="):
    s = socket.create_connection((reverb.host, reverb.port), timeout=5)
    try:
        s.sendall((f"{method} /app/{MAIN.key} HTTP/{version}\r\nHost: x\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                   "Content-Length: 0\r\n\r\n").encode())
        head, _ = read_response(s)
        return head
    finally:
        s.close()


def test_upgrade_needs_get_http11_and_a_16_byte_key(reverb):
    assert http_status(_upgrade(reverb)) == 101
    head = _upgrade(reverb, method="POST")
    assert http_status(head) == 405 and b"Allow: GET" in head
    assert http_status(_upgrade(reverb, version="1.0")) in (400, 426, 505)
    assert http_status(_upgrade(reverb, key="c2hvcnQ=")) == 400          # base64 of 5 bytes
    assert http_status(_upgrade(reverb, key="not base64 at all!!!!!==")) == 400
    h.wait_until(lambda: "answered 405" in reverb.log_text(), timeout=3)


def test_head_absolute_form_and_connect(reverb):
    s = socket.create_connection((reverb.host, reverb.port), timeout=5)
    try:
        s.sendall(b"HEAD /up HTTP/1.1\r\nHost: x\r\n\r\n")
        head, rest = read_response(s)
        assert http_status(head) == 200 and b"Content-Length: 15" in head
        s.sendall(f"GET http://{reverb.host}:{reverb.port}/up HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        head, body = read_response(s)
        assert rest == b"" and http_status(head) == 200, head
        s.sendall(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        head, _ = read_response(s)
        assert http_status(head) == 405, head
        s.sendall(b"GET /up HTTP/1.1\r\nHost: x\r\n\r\n")          # the connection is still usable
        head, body = read_response(s)
        assert http_status(head) == 200
    finally:
        s.close()


# --------------------------------------------------------------------------
# 5. Rate limiting that does not amplify
# --------------------------------------------------------------------------

def test_one_4301_per_window_and_ping_always_answered(ws):
    c = ws(app="rate")       # 3 messages per 1 s window
    for _ in range(30):
        c.send_json({"event": "client-x", "channel": "private-nope", "data": {}})
    for _ in range(3):
        c.send_json({"event": "pusher:ping", "data": {}})
    seen = []
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        try:
            seen.append(json.loads(c.recv_raw(max(0.05, deadline - time.monotonic()))))
        except AssertionError:
            break
    limits = [m for m in seen if m["event"] == "pusher:error" and json.loads(m["data"])["code"] == 4301]
    pongs = [m for m in seen if m["event"] == "pusher:pong"]
    assert len(limits) == 1, seen
    assert len(pongs) == 3, seen


# --------------------------------------------------------------------------
# 6. Safe defaults and visible errors
# --------------------------------------------------------------------------

def _run_headless(tmp_path, args, env_file=None):
    import subprocess
    if env_file is not None:
        (tmp_path / ".env").write_text(env_file)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REVERB_", "PUSHER_"))}
    return subprocess.run([str(h.server_binary()), "--headless", "--port", "0", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=20)


def test_config_without_apps_refuses_to_start_headless(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"server": {"host": "127.0.0.1"}}))
    result = _run_headless(tmp_path, ["--config", str(config)])
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "configure no app" in lines[0], result.stderr
    result = _run_headless(tmp_path, [], env_file="APP_NAME=Laravel\nREVERB_SERVER_HOST=127.0.0.1\n")
    assert result.returncode != 0 and "configure no app" in result.stderr


def test_banner_hides_configured_secrets(reverb):
    log = reverb.log_text()
    assert "Starting server on" in log
    for app in APPS.values():
        assert app.secret not in log


def test_protocol_errors_appear_in_debug(reverb):
    raw = connect_raw(reverb)
    raw.sock.sendall(bytes([0x81, len(PING)]) + PING)    # unmasked: 1002
    assert read_close(raw)[0] == 1002
    raw.close()
    h.wait_until(lambda: "Client frames must be masked" in reverb.log_text(), timeout=3)


def test_busy_port_is_one_plain_line(reverb, tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps(h.default_config()))
    import subprocess
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REVERB_", "PUSHER_"))}
    result = subprocess.run([str(h.server_binary()), "--headless", "--config", str(config), "--host", reverb.host,
                             "--port", str(reverb.port)], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=20)
    assert result.returncode != 0
    assert result.stderr.strip() == f"reverb-tui: port {reverb.port} is already in use (is another server running?)"


def test_unreadable_tls_file_is_named(tmp_path):
    config = tmp_path / "config.json"
    cfg = h.default_config()
    config.write_text(json.dumps(cfg))
    missing = tmp_path / "nope.pem"
    result = _run_headless(tmp_path, ["--config", str(config), "--tls-cert", str(missing), "--tls-key",
                                      str(missing)])
    assert result.returncode != 0
    assert str(missing) in result.stderr and "no such file" in result.stderr.lower(), result.stderr
    assert "NIOSSL" not in result.stderr


def test_stop_line_shows_the_real_port(start_server):
    server = start_server()
    server.terminate()
    assert f"Stopped server on {server.host}:{server.port}" in server.log_text()
