"""Helpers for the client-compatibility suite: the server process, apps, raw
WebSocket clients (``websockets``), the official ``pusher`` SDK and byte-exact
JSON helpers.

Everything here is plain Python; ``conftest.py`` exposes it through fixtures
that are opt-in by name.
"""
from __future__ import annotations

import copy
import hashlib
import hmac
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
BANNER_RE = re.compile(r"Starting (?:secure )?server on ([0-9A-Za-z.\-\[\]:]+?):(\d+)")
SOCKET_ID_RE = re.compile(r"^\d+\.\d+$")


# --------------------------------------------------------------------------
# Apps (fixtures modelled on Reverb's own tests)
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class App:
    app_id: str
    key: str
    secret: str


def _app(app_id, key, secret, **overrides):
    base = {
        "app_id": app_id,
        "key": key,
        "secret": secret,
        "allowed_origins": ["*"],
        "ping_interval": 60,
        "activity_timeout": 30,
        "max_message_size": 10000,
        "max_connections": None,
        "accept_client_events_from": "members",
        "rate_limiting": {
            "enabled": False,
            "max_attempts": 60,
            "decay_seconds": 60,
            "terminate_on_limit": False,
        },
    }
    base.update(overrides)
    return base


# name -> config entry
APP_CONFIGS: dict[str, dict] = {
    # Reverb's app 1: members mode, 10 000-byte messages.
    "main": _app("123456", "reverb-key", "reverb-secret"),
    # Reverb's app 2: max_connections 1, client events from all.
    "quota": _app("654321", "reverb-key-2", "reverb-secret-2", ping_interval=60,
                  max_message_size=1_000_000, max_connections=1,
                  accept_client_events_from="all"),
    # Reverb's app 3: origin allow-list and a 1-byte message limit.
    "origin": _app("987654", "reverb-key-3", "reverb-secret-3",
                   allowed_origins=["laravel.com"], max_message_size=1),
    # Client events from anyone (no quota, so several sockets fit).
    "all": _app("111111", "reverb-key-all", "reverb-secret-all",
                accept_client_events_from="all", max_message_size=1_000_000,
                activity_timeout=120),
    # Client events disabled.
    "none": _app("222222", "reverb-key-none", "reverb-secret-none",
                 accept_client_events_from="none"),
    # Keep-alive: ping after 1 s idle (server pong_timeout is 1 s).
    "ping": _app("333333", "reverb-key-ping", "reverb-secret-ping", ping_interval=1),
    # Rate limit: 3 messages per 1 s window, not terminated.
    "rate": _app("444444", "reverb-key-rate", "reverb-secret-rate",
                 rate_limiting={"enabled": True, "max_attempts": 3,
                                "decay_seconds": 1, "terminate_on_limit": False}),
    # Rate limit 1 with terminate_on_limit.
    "rate_term": _app("555555", "reverb-key-rate-term", "reverb-secret-rate-term",
                      rate_limiting={"enabled": True, "max_attempts": 1,
                                     "decay_seconds": 60, "terminate_on_limit": True}),
    # Origin allow-list with a wildcard.
    "wild": _app("666666", "reverb-key-wild", "reverb-secret-wild",
                 allowed_origins=["localhost", "*.localhost"]),
    # Never touched by a WebSocket: for "no channels" API answers.
    "empty": _app("777777", "reverb-key-empty", "reverb-secret-empty"),
}

APPS: dict[str, App] = {
    name: App(c["app_id"], c["key"], c["secret"]) for name, c in APP_CONFIGS.items()
}


def default_config(**server_overrides) -> dict:
    server = {
        "host": "127.0.0.1",
        "port": 0,
        "path": "",
        "max_request_size": 10000,
        "pong_timeout": 1,
    }
    server.update(server_overrides)
    return {"server": server, "apps": [copy.deepcopy(c) for c in APP_CONFIGS.values()]}


# --------------------------------------------------------------------------
# Server process
# --------------------------------------------------------------------------

def server_binary() -> Path:
    env = os.environ.get("REVERB_TUI_BIN")
    if env:
        p = Path(env)
        return p if p.is_absolute() else (REPO_ROOT / p)
    return REPO_ROOT / ".build" / "debug" / "reverb-tui"


class ServerProcess:
    """One ``reverb-tui --headless`` process with its own config file and log."""

    def __init__(self, config: dict, extra_args: list[str] | None = None,
                 debug: bool | None = None, env: dict | None = None):
        self.config = config
        self.env_overrides = dict(env or {})
        self.extra_args = list(extra_args or [])
        if debug is None:
            debug = os.environ.get("REVERB_TESTS_DEBUG", "1") != "0"
        self.debug = debug
        self.dir = Path(tempfile.mkdtemp(prefix="reverb-compat-"))
        self.config_path = self.dir / "config.json"
        self.log_path = self.dir / "server.log"
        self.proc: subprocess.Popen | None = None
        self.host: str | None = None
        self.port: int | None = None
        self._log_file = None

    # -- lifecycle ---------------------------------------------------------
    def start(self, timeout: float = 30.0) -> "ServerProcess":
        binary = server_binary()
        if not binary.exists():
            raise RuntimeError(
                f"server binary not found at {binary}; build it with "
                "`swift build --product reverb-tui` or set REVERB_TUI_BIN")
        self.config_path.write_text(json.dumps(self.config, indent=2))
        args = [str(binary), "--headless", "--port", "0", "--config", str(self.config_path)]
        if self.debug:
            args.append("--debug")
        args += self.extra_args
        self._log_file = open(self.log_path, "wb")
        # CLI > environment > .env > config file (docs/protocol.md, Configuration sources): keep the config file authoritative.
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("REVERB_", "REDIS_", "PUSHER_"))}
        env.update(self.env_overrides)
        self.proc = subprocess.Popen(args, stdout=self._log_file, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=str(self.dir), env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = BANNER_RE.search(self.log_text())
            if m:
                self.host = m.group(1).strip("[]")
                self.port = int(m.group(2))
                if self.port == 0:
                    raise RuntimeError("banner reports port 0:\n" + self.log_tail())
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"server exited with {self.proc.returncode} before its banner:\n"
                    + self.log_tail())
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"no 'Starting server on host:port' banner within {timeout}s:\n"
                           + self.log_tail())

    def terminate(self, timeout: float = 10.0) -> int | None:
        """SIGTERM and wait; returns the exit status (None if it had to be killed)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        if self._log_file:
            self._log_file.close()
            self._log_file = None
        return self.proc.returncode

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)

    # -- info --------------------------------------------------------------
    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 80) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    @property
    def http_base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def ws_url(self, key: str, path_prefix: str = "", query: str = "?protocol=7&client=js&version=8.4.0&flash=false") -> str:
        prefix = f"/{path_prefix.strip('/')}" if path_prefix else ""
        return f"ws://{self.host}:{self.port}{prefix}/app/{key}{query}"

    def sdk(self, app: App, **kwargs):
        """The official SDK, constructed exactly as a Laravel app would."""
        import pusher
        return pusher.Pusher(app_id=app.app_id, key=app.key, secret=app.secret,
                             host="127.0.0.1", port=self.port, ssl=False, **kwargs)


# --------------------------------------------------------------------------
# JSON helpers
# --------------------------------------------------------------------------

def compact(obj: Any) -> str:
    """PHP-style json_encode without slash/unicode escaping (test data avoid both)."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def error_frame(code: int, message: str) -> str:
    return compact({"event": "pusher:error", "data": compact({"code": code, "message": message})})


def loads_ordered(text: str):
    """json.loads keeping member order as a list of pairs at every level."""
    return json.loads(text, object_pairs_hook=lambda pairs: pairs)


def member_order(text: str) -> list[str]:
    parsed = loads_ordered(text)
    assert isinstance(parsed, list), f"not a JSON object: {text!r}"
    return [k for k, _ in parsed]


def unique(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


# --------------------------------------------------------------------------
# Channel auth: computed with the official SDK, and independently.
# --------------------------------------------------------------------------

def hmac_hex(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


_auth_clients: dict[str, Any] = {}

# 32 bytes, base64: only used to let the SDK derive shared secrets for
# private-encrypted channels (the server never sees it).
ENCRYPTION_MASTER_KEY_B64 = "Y29tcGF0LXN1aXRlLW1hc3Rlci1rZXktMzItYnl0ZXM="


def auth_client(app: App):
    import pusher
    c = _auth_clients.get(app.app_id)
    if c is None:
        c = pusher.Pusher(app_id=app.app_id, key=app.key, secret=app.secret,
                          host="127.0.0.1", port=1, ssl=False,
                          encryption_master_key_base64=ENCRYPTION_MASTER_KEY_B64)
        _auth_clients[app.app_id] = c
    return c


def sdk_auth(app: App, channel: str, socket_id: str, user: dict | None = None) -> dict:
    """What a Laravel auth endpoint returns: {"auth": "key:sig"[, "channel_data": ...]}."""
    return auth_client(app).authenticate(channel=channel, socket_id=socket_id, custom_data=user)


# --------------------------------------------------------------------------
# Raw WebSocket client
# --------------------------------------------------------------------------

class Closed(Exception):
    def __init__(self, code, reason):
        super().__init__(f"closed code={code} reason={reason!r}")
        self.code = code
        self.reason = reason


class WSClient:
    """A synchronous ``websockets`` client that keeps the raw text of every frame."""

    def __init__(self, url: str, origin: str | None = None, headers: dict | None = None,
                 expect_established: bool = True, timeout: float = 5.0):
        from websockets.sync.client import connect
        self.url = url
        self.ws = connect(url, origin=origin, additional_headers=headers, compression=None,
                          ping_interval=None, max_size=None, open_timeout=timeout,
                          close_timeout=2, legacy=True)
        self.socket_id: str | None = None
        self.established_raw: str | None = None
        self.received: list[str] = []
        if expect_established:
            raw = self.recv_raw(timeout)
            msg = json.loads(raw)
            assert msg.get("event") == "pusher:connection_established", \
                f"expected pusher:connection_established, got {raw!r}"
            self.established_raw = raw
            data = json.loads(msg["data"])
            self.socket_id = data["socket_id"]

    # -- sending -----------------------------------------------------------
    def send_raw(self, text: str | bytes):
        self.ws.send(text)

    def send_json(self, obj: Any):
        self.ws.send(json.dumps(obj))

    # -- receiving ---------------------------------------------------------
    def recv_raw(self, timeout: float = 3.0) -> str:
        from websockets.exceptions import ConnectionClosed
        try:
            msg = self.ws.recv(timeout=timeout)
        except TimeoutError:
            raise AssertionError(
                f"no message within {timeout}s (received so far: {self.received[-5:]!r})")
        except ConnectionClosed as e:
            rcvd = e.rcvd
            raise Closed(rcvd.code if rcvd else None, rcvd.reason if rcvd else None)
        if isinstance(msg, bytes):
            msg = msg.decode("utf-8")
        self.received.append(msg)
        return msg

    def recv_json(self, timeout: float = 3.0) -> dict:
        return json.loads(self.recv_raw(timeout))

    def recv_event(self, event: str, timeout: float = 3.0, channel: str | None = None) -> str:
        """Skip frames until one with this event (and channel) arrives; returns raw text."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {event!r} within {timeout}s; got {self.received[-8:]!r}")
            raw = self.recv_raw(left)
            msg = json.loads(raw)
            if msg.get("event") == event and (channel is None or msg.get("channel") == channel):
                return raw

    def expect_silence(self, seconds: float = 0.7):
        """Assert that nothing arrives for ``seconds`` (and the socket stays open)."""
        from websockets.exceptions import ConnectionClosed
        try:
            msg = self.ws.recv(timeout=seconds)
        except TimeoutError:
            return
        except ConnectionClosed as e:
            rcvd = e.rcvd
            raise AssertionError(
                f"expected silence, socket closed (code={rcvd.code if rcvd else None})")
        raise AssertionError(f"expected no message, got {msg!r}")

    def expect_close(self, timeout: float = 5.0) -> Closed:
        """Read until the server closes; returns the close code/reason received."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"socket not closed within {timeout}s; got {self.received[-8:]!r}")
            try:
                self.recv_raw(left)
            except Closed as c:
                return c

    # -- protocol helpers ----------------------------------------------------
    def subscribe(self, channel: str, auth: str | None = None, channel_data: str | None = None,
                  expect: bool = True, timeout: float = 3.0) -> str | None:
        data: dict[str, Any] = {"channel": channel}
        if auth is not None:
            data["auth"] = auth
        if channel_data is not None:
            data["channel_data"] = channel_data
        self.send_json({"event": "pusher:subscribe", "data": data})
        if expect:
            return self.recv_event("pusher_internal:subscription_succeeded", timeout, channel=channel)
        return None

    def unsubscribe(self, channel: str):
        self.send_json({"event": "pusher:unsubscribe", "data": {"channel": channel}})

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass

    @property
    def close_code(self):
        return self.ws.close_code

    @property
    def close_reason(self):
        return self.ws.close_reason


def subscribe_authed(client: WSClient, app: App, channel: str, user: dict | None = None,
                     timeout: float = 3.0) -> str:
    """Subscribe with the auth a Laravel endpoint (the official SDK) would return."""
    resp = sdk_auth(app, channel, client.socket_id, user)
    return client.subscribe(channel, auth=resp["auth"], channel_data=resp.get("channel_data"),
                            timeout=timeout)


def wait_until(predicate, timeout: float = 3.0, interval: float = 0.05, message: str = ""):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(message or f"condition not met within {timeout}s (last={last!r})")


# --------------------------------------------------------------------------
# Signed HTTP with the SDK's own signing (for status codes the SDK hides)
# --------------------------------------------------------------------------

def signed_request(server: ServerProcess, app: App, method: str, path: str,
                   params: dict | None = None, url_prefix: str = "", secret: str | None = None):
    """Build a request with ``pusher.http.Request`` (the SDK's signer) and send it
    with ``requests``; returns the ``requests.Response``."""
    import pusher
    import requests
    from pusher.http import Request
    client = pusher.Pusher(app_id=app.app_id, key=app.key, secret=secret or app.secret,
                           host="127.0.0.1", port=server.port, ssl=False)
    req = Request(client._pusher_client, method, path, params or {})
    url = f"{server.http_base}{url_prefix}{req.signed_path}"
    return requests.request(method, url, data=req.body if method == "POST" else None,
                            headers=req.headers, timeout=5)


class Collector:
    """Thread-safe list of (event, data) pairs for pysher callbacks."""

    def __init__(self):
        self.items: list[tuple[str, Any]] = []
        self.lock = threading.Lock()

    def callback(self, name):
        def cb(data, *args, **kwargs):
            with self.lock:
                self.items.append((name, data))
        return cb

    def of(self, name):
        with self.lock:
            return [d for n, d in self.items if n == name]


# --------------------------------------------------------------------------
# A minimal frame-level WebSocket client (control frames are visible)
# --------------------------------------------------------------------------

class RawFrameClient:
    """Speaks RFC 6455 over a plain socket so tests can see and send control
    frames (ping/pong/close) that ``websockets`` handles internally."""

    def __init__(self, host: str, port: int, path: str, origin: str | None = None,
                 timeout: float = 5.0, extra_headers: tuple[str, ...] = ()):
        import base64
        import socket
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Upgrade: websocket",
                 "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        if origin:
            lines.append(f"Origin: {origin}")
        lines.extend(extra_headers)
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise AssertionError(f"connection closed during handshake: {self.buf!r}")
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        self.response_head = head.decode("latin-1")
        status = self.response_head.split("\r\n", 1)[0]
        assert " 101 " in status + " ", f"handshake failed: {self.response_head!r}"

    def _read_exact(self, n: int, deadline: float) -> bytes:
        while len(self.buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except OSError as e:
                if "timed out" in str(e):
                    raise TimeoutError
                raise
            if not chunk:
                raise EOFError
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_frame(self, timeout: float = 3.0) -> tuple[int, bytes]:
        """Returns (opcode, payload). Raises TimeoutError or EOFError."""
        import struct
        deadline = time.monotonic() + timeout
        b1, b2 = self._read_exact(2, deadline)
        opcode = b1 & 0x0F
        masked = b2 & 0x80
        length = b2 & 0x7F
        if length == 126:
            length = struct.unpack("!H", self._read_exact(2, deadline))[0]
        elif length == 127:
            length = struct.unpack("!Q", self._read_exact(8, deadline))[0]
        assert not masked, "server frames must not be masked"
        payload = self._read_exact(length, deadline)
        return opcode, payload

    def send_frame(self, opcode: int, payload: bytes = b""):
        import struct
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send_text(self, text: str):
        self.send_frame(0x1, text.encode())

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
