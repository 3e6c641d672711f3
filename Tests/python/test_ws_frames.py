"""Frame-layer and upgrade behaviour (docs/protocol.md, Fatal errors) seen
through a frame-level client."""
from __future__ import annotations

import socket
import struct
import time

import reverb_harness as h
from reverb_harness import APPS

MAIN = APPS["main"]
PING = b'{"event":"pusher:ping","data":{}}'
PONG = b'{"event":"pusher:pong"}'


def connect(reverb, app="main"):
    raw = h.RawFrameClient(reverb.host, reverb.port, f"/app/{APPS[app].key}")
    op, payload = raw.read_frame()
    assert op == 0x1 and b"pusher:connection_established" in payload, (op, payload)
    return raw


def read_close(raw, timeout=3.0):
    """Next frame must be a close frame (or the TCP stream ends): returns the code."""
    while True:
        try:
            op, payload = raw.read_frame(timeout)
        except EOFError:
            return None
        if op == 0x8:
            return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
        assert op in (0x1, 0x9), f"unexpected frame {op:#x} {payload!r}"


def test_fragmented_text_message_is_reassembled(reverb):
    raw = connect(reverb)
    try:
        first, rest = PING[:10], PING[10:]
        raw.sock.sendall(_frame(0x1, first, fin=False))
        raw.sock.sendall(_frame(0x0, rest[:5], fin=False))
        raw.send_frame(0x9, b"mid")               # a control frame may interleave
        raw.sock.sendall(_frame(0x0, rest[5:], fin=True))
        assert raw.read_frame() == (0xA, b"mid")
        assert raw.read_frame() == (0x1, PONG)
    finally:
        raw.close()


def test_binary_message_is_handled_like_text(reverb):
    raw = connect(reverb)
    try:
        raw.send_frame(0x2, PING)
        op, payload = raw.read_frame()
        assert payload == PONG
    finally:
        raw.close()


def test_fragmented_message_over_limit_closes_1009(reverb):
    raw = connect(reverb)   # max_message_size 10000
    try:
        chunk = b"x" * 6000
        raw.sock.sendall(_frame(0x1, b'{"event":"pusher:ping","data":"' + chunk, fin=False))
        raw.sock.sendall(_frame(0x0, chunk + b'"}', fin=True))
        op, payload = raw.read_frame()
        assert op == 0x8
        assert struct.unpack("!H", payload[:2])[0] == 1009
        assert payload[2:] == b"Maximum message size exceeded"
    finally:
        raw.close()


def test_invalid_utf8_text_closes_1007(reverb):
    raw = connect(reverb)
    try:
        raw.send_frame(0x1, b'{"event":"pusher:ping","data":"\xff\xfe"}')
        assert read_close(raw) == 1007
    finally:
        raw.close()


def test_unmasked_client_frame_closes_1002(reverb):
    raw = connect(reverb)
    try:
        raw.sock.sendall(bytes([0x81, len(PING)]) + PING)
        assert read_close(raw) == 1002
    finally:
        raw.close()


def test_upgrade_request_over_max_request_size_is_413(reverb):
    s = socket.create_connection((reverb.host, reverb.port), timeout=5)
    try:
        req = (f"GET /app/{MAIN.key} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
               "Sec-WebSocket-Version: 13\r\nX-Padding: " + "x" * 12000 + "\r\n\r\n")
        s.sendall(req.encode())
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        assert data.split(b"\r\n")[0].split(b" ")[1] == b"413", data[:200]
    finally:
        s.close()


def _frame(opcode, payload, fin=True):
    import os
    mask = os.urandom(4)
    n = len(payload)
    b1 = (0x80 if fin else 0) | opcode
    if n < 126:
        head = bytes([b1, 0x80 | n])
    elif n < 65536:
        head = bytes([b1, 0x80 | 126]) + struct.pack("!H", n)
    else:
        head = bytes([b1, 0x80 | 127]) + struct.pack("!Q", n)
    return head + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(payload))


def test_upgrade_to_unknown_path_is_404(reverb):
    """Routing comes first; an Upgrade request to no route is 404 `Not found.`"""
    s = socket.create_connection((reverb.host, reverb.port), timeout=5)
    try:
        s.sendall(b"GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                  b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  b"Sec-WebSocket-Version: 13\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        assert data.split(b"\r\n")[0].split(b" ")[1] == b"404", data[:300]
    finally:
        s.close()


def test_handshake_taken_by_nio_pipeline_reads_frames_alike(reverb):
    """A handshake the fast path hands to NIO's HTTP pipeline (here because of a Content-Length header) is upgraded
    to the same socket (docs/architecture.md, Connection): a frame split across reads, a ping frame and a frame over
    the size limit are answered as on any other socket."""
    raw = h.RawFrameClient(reverb.host, reverb.port, f"/app/{MAIN.key}", extra_headers=("Content-Length: 0",))
    try:
        op, payload = raw.read_frame()
        assert op == 0x1 and b"pusher:connection_established" in payload, (op, payload)
        frame = _frame(0x1, PING)
        raw.sock.sendall(frame[:3])
        time.sleep(0.1)
        raw.sock.sendall(frame[3:])
        assert raw.read_frame() == (0x1, PONG)
        raw.sock.sendall(_frame(0x9, b"hi"))
        assert raw.read_frame() == (0xA, b"hi")
        raw.sock.sendall(bytes([0x81, 0xFF]) + struct.pack("!Q", 1 << 30))
        assert read_close(raw) == 1009
    finally:
        raw.close()
