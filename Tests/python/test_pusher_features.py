"""Pusher's features that Reverb lacks (docs/users.md, docs/webhooks.md), with real clients:
``pusher:signin`` checked with the official SDK's ``authenticate_user``, ``send_to_user`` and
``terminate_user_connections``, watchlists, ``subscription_count``, and webhooks checked with
the SDK's ``validate_webhook`` on what a local HTTP receiver got (500 first, then 200, for retries).
"""
from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pysher
import pytest

import reverb_harness as h
from reverb_harness import App, compact, unique, subscribe_authed

USERS = App("880001", "users-key", "users-secret")
TIMEOUT = App("880002", "timeout-key", "timeout-secret")
COUNTS = App("880003", "counts-key", "counts-secret")
HOOKS = App("880004", "hooks-key", "hooks-secret")
RETRY = App("880005", "retry-key", "retry-secret")


# ---------------------------------------------------------------------------
# A local webhook receiver
# ---------------------------------------------------------------------------

class Receiver:
    """An HTTP server on a free loopback port that records every POST and answers with the
    next status of ``statuses`` (the last one repeats)."""

    def __init__(self, statuses=(200,)):
        self.statuses = list(statuses)
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    index = len(receiver.requests)
                    status = receiver.statuses[min(index, len(receiver.statuses) - 1)]
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers),
                                              "body": body, "status": status, "at": time.monotonic()})
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path="/hook"):
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def events(self, path=None):
        """Every event of every request (to ``path`` if given), in arrival order."""
        with self.lock:
            return [e for r in self.requests if path is None or r["path"] == path
                    for e in json.loads(r["body"])["events"]]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(statuses=(200,)):
        r = Receiver(statuses)
        made.append(r)
        return r

    yield make
    for r in made:
        r.close()


def _users_config():
    config = h.default_config()
    config["apps"].append(h._app(USERS.app_id, USERS.key, USERS.secret))
    config["apps"].append(h._app(TIMEOUT.app_id, TIMEOUT.key, TIMEOUT.secret, user_authentication_timeout=1))
    config["apps"].append(h._app(COUNTS.app_id, COUNTS.key, COUNTS.secret, subscription_count=True))
    return config


@pytest.fixture(scope="module")
def server():
    s = h.ServerProcess(_users_config())
    s.start()
    yield s
    s.terminate()


@pytest.fixture
def client(server):
    clients = []

    def open_client(app=USERS):
        c = h.WSClient(server.ws_url(app.key))
        clients.append(c)
        return c

    yield open_client
    for c in clients:
        c.close()


def sdk(server, app=USERS):
    return server.sdk(app)


def sign_in(server, c, user: dict, app=USERS) -> str:
    """Signs ``c`` in with exactly what the official SDK's ``authenticate_user`` returns."""
    auth = sdk(server, app).authenticate_user(c.socket_id, user)
    c.send_json({"event": "pusher:signin", "data": auth})
    raw = c.recv_event("pusher:signin_success")
    assert json.loads(json.loads(raw)["data"]) == {"user_data": auth["user_data"]}
    return raw


def watchlist_event(raw: str) -> tuple[str, list[str]]:
    msg = json.loads(raw)
    assert "channel" not in msg
    (event,) = json.loads(msg["data"])["events"]
    return event["name"], sorted(event["user_ids"])


# ---------------------------------------------------------------------------
# pusher:signin
# ---------------------------------------------------------------------------

def test_signin_accepts_the_sdk_authenticate_user_output_as_is(server, client):
    c = client()
    raw = sign_in(server, c, {"id": "alice", "user_info": {"name": "Alice"}})
    assert json.loads(raw) == {"event": "pusher:signin_success", "data": json.loads(raw)["data"]}
    c.expect_silence(0.3)


def test_signin_with_a_bad_signature_is_4009_and_closes(server, client):
    c = client()
    auth = sdk(server).authenticate_user(c.socket_id, {"id": "alice"})
    c.send_json({"event": "pusher:signin",
                 "data": {"auth": auth["auth"], "user_data": auth["user_data"].replace("alice", "mallory")}})
    err = json.loads(c.recv_event("pusher:error"))
    assert json.loads(err["data"])["code"] == 4009
    assert c.expect_close().code == 4009


def test_signin_signed_for_another_socket_is_refused(server, client):
    a, b = client(), client()
    auth = sdk(server).authenticate_user(a.socket_id, {"id": "alice"})
    b.send_json({"event": "pusher:signin", "data": auth})
    assert b.expect_close().code == 4009


def test_signin_user_data_without_a_string_id_is_4009(server, client):
    c = client()
    user_data = compact({"id": 42})
    auth = f"{USERS.key}:" + h.hmac_hex(USERS.secret, f"{c.socket_id}::user::{user_data}")
    c.send_json({"event": "pusher:signin", "data": {"auth": auth, "user_data": user_data}})
    err = json.loads(json.loads(c.recv_event("pusher:error"))["data"])
    assert err["code"] == 4009 and "id" in err["message"]
    assert c.expect_close().code == 4009


def test_signin_without_user_data_is_4200_and_stays_open(server, client):
    c = client()
    c.send_json({"event": "pusher:signin", "data": {"auth": "x:y"}})
    assert json.loads(json.loads(c.recv_event("pusher:error"))["data"])["code"] == 4200
    c.send_json({"event": "pusher:ping"})
    c.recv_event("pusher:pong")


def test_user_authentication_timeout_closes_unsigned_sockets_only(server, client):
    unsigned = client(TIMEOUT)
    signed = client(TIMEOUT)
    sign_in(server, signed, {"id": "bob"}, app=TIMEOUT)
    started = time.monotonic()
    err = json.loads(json.loads(unsigned.recv_event("pusher:error", timeout=4))["data"])
    assert err == {"code": 4009, "message": "Connection not authorized within timeout"}
    assert unsigned.expect_close().code == 4009
    assert 0.8 <= time.monotonic() - started <= 3
    signed.expect_silence(0.8)
    signed.send_json({"event": "pusher:ping"})
    signed.recv_event("pusher:pong")


# ---------------------------------------------------------------------------
# Server-to-user events and terminate
# ---------------------------------------------------------------------------

def test_send_to_user_reaches_every_socket_of_that_user_only(server, client):
    user = unique("u")
    tab1, tab2, other, unsigned = client(), client(), client(), client()
    sign_in(server, tab1, {"id": user})
    sign_in(server, tab2, {"id": user})
    sign_in(server, other, {"id": unique("v")})
    sdk(server).send_to_user(user, "invoice-paid", {"amount": 12})
    for tab in (tab1, tab2):
        msg = json.loads(tab.recv_event("invoice-paid"))
        # The SDK sends data as json.dumps gives it; the server passes the string through.
        assert msg == {"event": "invoice-paid", "data": json.dumps({"amount": 12}),
                       "channel": f"#server-to-user-{user}"}
    other.expect_silence(0.3)
    unsigned.expect_silence(0.1)


def test_pusher_js_subscribes_to_its_own_user_channel_only(server, client):
    user = unique("u")
    c, stranger = client(), client()
    sign_in(server, c, {"id": user})
    # pusher-js sends this right after signin_success, with an empty auth.
    c.send_json({"event": "pusher:subscribe", "data": {"auth": "", "channel": f"#server-to-user-{user}"}})
    raw = c.recv_event("pusher_internal:subscription_succeeded", channel=f"#server-to-user-{user}")
    assert json.loads(raw)["data"] == "{}"
    stranger.send_json({"event": "pusher:subscribe", "data": {"auth": "", "channel": f"#server-to-user-{user}"}})
    assert json.loads(json.loads(stranger.recv_event("pusher:error"))["data"])["code"] == 4009
    sdk(server).send_to_user(user, "hello", {"n": 1})
    c.recv_event("hello")
    stranger.expect_silence(0.3)


def test_terminate_user_connections_closes_signed_in_sockets(server, client):
    user = unique("u")
    tab1, tab2, bystander = client(), client(), client()
    sign_in(server, tab1, {"id": user})
    sign_in(server, tab2, {"id": user})
    sign_in(server, bystander, {"id": unique("v")})
    sdk(server).terminate_user_connections(user)
    for tab in (tab1, tab2):
        assert tab.expect_close().code == 4009
    bystander.send_json({"event": "pusher:ping"})
    bystander.recv_event("pusher:pong")


def test_terminate_on_the_app_route_closes_signed_in_sockets(server, client):
    user = unique("u")
    c = client()
    sign_in(server, c, {"id": user})
    r = h.signed_request(server, USERS, "POST", f"/apps/{USERS.app_id}/users/{user}/terminate_connections")
    assert r.status_code == 200 and r.json() == {}
    err = json.loads(json.loads(c.recv_event("pusher:error"))["data"])
    assert err["code"] == 4009
    assert c.expect_close().code == 4009


def recording_pysher(app, server):
    """A pysher client that records every channel event at the connection level (a channel.bind() made
    after subscribe() can miss a fast reply)."""
    p = pysher.Pusher(app.key, custom_host=server.host, port=server.port, secure=False,
                      log_level=logging.WARNING, reconnect_interval=30)
    p.recorded = h.Collector()
    deliver = p._connection_handler

    def record(event, data, channel):
        p.recorded.callback(f"{channel}|{event}")(data)
        deliver(event, data, channel)
    p.connection.event_handler = record
    return p


def test_pysher_signs_in_and_receives_send_to_user(server):
    user = unique("u")
    channel_name = f"#server-to-user-{user}"
    p = recording_pysher(USERS, server)
    p.connection.bind("pusher:signin_success", p.recorded.callback("signin"))
    p.connect()
    try:
        h.wait_until(lambda: p.connection.state == "connected", timeout=5)
        p.connection.send_event("pusher:signin", sdk(server).authenticate_user(p.connection.socket_id, {"id": user}))
        h.wait_until(lambda: p.recorded.of("signin"), message="pysher got no pusher:signin_success")
        channel = p.subscribe(channel_name)
        channel.bind("notice", p.recorded.callback("notice"))
        h.wait_until(lambda: p.recorded.of(f"{channel_name}|pusher_internal:subscription_succeeded"),
                     message="no subscription_succeeded on the user channel")
        sdk(server).send_to_user(user, "notice", {"text": "hi"})
        h.wait_until(lambda: p.recorded.of("notice"), message="pysher did not receive the server-to-user event")
        assert p.recorded.of("notice") == [json.dumps({"text": "hi"})]
    finally:
        p.disconnect(timeout=2)


# ---------------------------------------------------------------------------
# Watchlists
# ---------------------------------------------------------------------------

def test_watchlist_online_then_offline_as_users_come_and_go(server, client):
    alice, carol = unique("alice"), unique("carol")
    alice1 = client()
    sign_in(server, alice1, {"id": alice})
    bob = client()
    sign_in(server, bob, {"id": unique("bob"), "watchlist": [alice, carol]})
    assert watchlist_event(bob.recv_event("pusher_internal:watchlist_events")) == ("online", [alice])

    carol1 = client()
    sign_in(server, carol1, {"id": carol})
    assert watchlist_event(bob.recv_event("pusher_internal:watchlist_events")) == ("online", [carol])

    alice2 = client()
    sign_in(server, alice2, {"id": alice})
    bob.expect_silence(0.3)                      # alice was already online
    alice1.close()
    bob.expect_silence(0.3)                      # still online on her second socket
    alice2.close()
    assert watchlist_event(bob.recv_event("pusher_internal:watchlist_events")) == ("offline", [alice])
    carol1.close()
    assert watchlist_event(bob.recv_event("pusher_internal:watchlist_events")) == ("offline", [carol])


def test_watchlist_of_nobody_online_sends_nothing(server, client):
    c = client()
    sign_in(server, c, {"id": unique("u"), "watchlist": [unique("x")]})
    c.expect_silence(0.4)


def test_watchlist_over_100_ids_is_4302(server, client):
    c = client()
    auth = sdk(server).authenticate_user(c.socket_id, {"id": "u", "watchlist": [str(i) for i in range(101)]})
    c.send_json({"event": "pusher:signin", "data": auth})
    assert json.loads(json.loads(c.recv_event("pusher:error"))["data"])["code"] == 4302
    assert c.expect_close().code == 4302


# ---------------------------------------------------------------------------
# subscription_count
# ---------------------------------------------------------------------------

def count_of(raw: str, channel: str) -> int:
    msg = json.loads(raw)
    assert msg["channel"] == channel
    return json.loads(msg["data"])["subscription_count"]


def test_subscription_count_on_every_change(server, client):
    ch = unique("room-")
    a = client(COUNTS)
    a.subscribe(ch)
    assert count_of(a.recv_event("pusher_internal:subscription_count"), ch) == 1
    b = client(COUNTS)
    b.subscribe(ch)
    for c in (a, b):
        assert count_of(c.recv_event("pusher_internal:subscription_count"), ch) == 2
    raw = b.received[-1]
    assert raw == compact({"event": "pusher_internal:subscription_count",
                           "data": compact({"subscription_count": 2}), "channel": ch})
    b.unsubscribe(ch)
    assert count_of(a.recv_event("pusher_internal:subscription_count"), ch) == 1
    b.close()
    a.expect_silence(0.3)


def raw_subscriber(server, app, channel):
    """A plain-socket client (closed without a handshake) subscribed to ``channel``; waits for the success."""
    r = h.RawFrameClient(server.host, server.port, f"/app/{app.key}")
    r.read_frame()
    r.send_text(compact({"event": "pusher:subscribe", "data": {"channel": channel}}))
    while json.loads(r.read_frame()[1]).get("event") != "pusher_internal:subscription_succeeded":
        pass
    return r


def test_subscription_count_above_100_at_most_every_5_seconds(server):
    ch = unique("crowd-")
    first = h.WSClient(server.ws_url(COUNTS.key))
    others = []
    try:
        first.subscribe(ch)
        others = [raw_subscriber(server, COUNTS, ch) for _ in range(99)]
        # Up to 100, changes go out at once (joins racing on two threads may be coalesced into one update).
        counts = [count_of(first.recv_event("pusher_internal:subscription_count"), ch)]
        while counts[-1] < 100:
            counts.append(count_of(first.recv_event("pusher_internal:subscription_count", timeout=5), ch))
        assert counts == sorted(set(counts)) and len(counts) >= 90, counts
        sent_100 = time.monotonic()
        others += [raw_subscriber(server, COUNTS, ch) for _ in range(2)]     # 101 and 102: held back
        first.expect_silence(3.5)
        assert count_of(first.recv_event("pusher_internal:subscription_count", timeout=3), ch) == 102
        assert time.monotonic() - sent_100 >= 4.5, "the trailing update came before 5 s"
        first.expect_silence(0.3)
    finally:
        first.close()
        for r in others:
            r.close()


def test_subscription_count_is_off_by_default_and_never_on_presence(server, client):
    off = client(USERS)
    off.subscribe(unique("room-"))
    off.expect_silence(0.3)
    c = client(COUNTS)
    subscribe_authed(c, COUNTS, unique("presence-room-"), {"user_id": 1})
    c.expect_silence(0.3)


def test_pysher_sees_subscription_count(server):
    ch = unique("room-")
    p = recording_pysher(COUNTS, server)
    p.connect()
    try:
        h.wait_until(lambda: p.connection.state == "connected", timeout=5)
        p.subscribe(ch)
        h.wait_until(lambda: p.recorded.of(f"{ch}|pusher_internal:subscription_count"))
        assert p.recorded.of(f"{ch}|pusher_internal:subscription_count") == [compact({"subscription_count": 1})]
    finally:
        p.disconnect(timeout=2)


# ---------------------------------------------------------------------------
# Webhooks
# ---------------------------------------------------------------------------

def validated(app: App, request: dict) -> dict:
    import pusher
    client = pusher.Pusher(app_id=app.app_id, key=app.key, secret=app.secret)
    body = client.validate_webhook(key=request["headers"]["X-Pusher-Key"],
                                   signature=request["headers"]["X-Pusher-Signature"], body=request["body"])
    assert body is not None, f"validate_webhook refused {request!r}"
    return body


def hook_server(start_server, app, webhooks, **extra):
    config = h.default_config()
    config["apps"].append(h._app(app.app_id, app.key, app.secret, webhooks=webhooks, **extra))
    return start_server(config)


def test_webhooks_signed_batched_filtered_and_smoothed(start_server, receiver):
    r = receiver()
    srv = hook_server(start_server, HOOKS, [
        {"url": r.url("/all"), "headers": {"X-Team": "reverb"}},
        {"url": r.url("/private"), "event_types": ["channel_occupied", "channel_vacated", "client_event"],
         "filter": {"channel_name_starts_with": "private-"}},
    ])
    private, presence, public = unique("private-a-"), unique("presence-b-"), unique("cache-c-")
    a = h.WSClient(srv.ws_url(HOOKS.key))
    b = h.WSClient(srv.ws_url(HOOKS.key))
    try:
        subscribe_authed(a, HOOKS, private)
        subscribe_authed(b, HOOKS, private)
        subscribe_authed(a, HOOKS, presence, {"user_id": 7, "user_info": {"n": 1}})
        a.subscribe(public)                       # a cache channel with nothing cached: cache_miss
        a.send_json({"event": "client-typing", "channel": private, "data": {"x": 1}})
        b.recv_event("client-typing")
        h.wait_until(lambda: len(r.events("/all")) >= 6 and len(r.events("/private")) >= 2, timeout=3)
        first = next(q for q in r.requests if q["path"] == "/all")
        assert first["headers"]["X-Team"] == "reverb"
        assert all("X-Team" not in q["headers"] for q in r.requests if q["path"] == "/private")
        assert first["headers"]["Content-Type"] == "application/json"
        body = validated(HOOKS, first)
        assert abs(body["time_ms"] - time.time() * 1000) < 5000
        assert r.events("/all") == [
            {"name": "channel_occupied", "channel": private},
            {"name": "channel_occupied", "channel": presence},
            {"name": "member_added", "channel": presence, "user_id": "7"},
            {"name": "channel_occupied", "channel": public},
            {"name": "cache_miss", "channel": public},
            {"name": "client_event", "channel": private, "event": "client-typing",
             "data": compact({"x": 1}), "socket_id": a.socket_id},
        ]
        assert r.events("/private") == [r.events("/all")[0], r.events("/all")[5]]

        # Leaving and coming back within 3 s sends nothing; leaving for good sends after 3 s.
        a.unsubscribe(presence)
        time.sleep(0.5)
        subscribe_authed(a, HOOKS, presence, {"user_id": 7})
        a.close()
        left = time.monotonic()
        h.wait_until(lambda: len(r.events("/all")) >= 9, timeout=6)
        assert time.monotonic() - left >= 2.8, "vacated/member_removed were not held for 3 s"
        assert r.events("/all")[6:] == [
            {"name": "member_removed", "channel": presence, "user_id": "7"},
            {"name": "channel_vacated", "channel": presence},
            {"name": "channel_vacated", "channel": public},
        ] or sorted(map(json.dumps, r.events("/all")[6:])) == sorted(map(json.dumps, [
            {"name": "member_removed", "channel": presence, "user_id": "7"},
            {"name": "channel_vacated", "channel": presence},
            {"name": "channel_vacated", "channel": public},
        ]))
        time.sleep(0.5)
        assert len(r.events("/all")) == 9, "an event was sent for the 0.5 s absence"
        assert all(validated(HOOKS, q) for q in r.requests)
    finally:
        a.close()
        b.close()


def test_webhook_batches_hold_at_most_50_events(start_server, receiver):
    r = receiver()
    srv = hook_server(start_server, HOOKS, [{"url": r.url(), "event_types": ["client_event"]}],
                      accept_client_events_from="all")
    ch = unique("private-burst-")
    a = h.WSClient(srv.ws_url(HOOKS.key))
    try:
        subscribe_authed(a, HOOKS, ch)
        for i in range(60):
            a.send_json({"event": "client-n", "channel": ch, "data": {"i": i}})
        h.wait_until(lambda: len(r.events()) >= 60, timeout=5)
        sizes = [len(json.loads(q["body"])["events"]) for q in r.requests]
        assert max(sizes) == 50 and sum(sizes) == 60, sizes
        assert [json.loads(e["data"])["i"] for e in r.events()] == list(range(60))
        assert all(validated(HOOKS, q) for q in r.requests)
    finally:
        a.close()


def test_webhook_retried_after_500_until_200(start_server, receiver):
    r = receiver(statuses=(500, 200))
    srv = hook_server(start_server, RETRY, [{"url": r.url(), "event_types": ["channel_occupied"]}])
    ch = unique("room-")
    c = h.WSClient(srv.ws_url(RETRY.key))
    try:
        c.subscribe(ch)
        h.wait_until(lambda: len(r.requests) >= 2, timeout=6, message="no retry after the 500")
        failed, retried = r.requests[0], r.requests[1]
        assert failed["status"] == 500 and retried["status"] == 200
        assert retried["body"] == failed["body"]
        assert retried["at"] - failed["at"] >= 0.9
        assert validated(RETRY, retried)["events"] == [{"name": "channel_occupied", "channel": ch}]
        time.sleep(1.5)
        assert len(r.requests) == 2, "delivered webhook was sent again"
    finally:
        c.close()


def test_subscription_count_webhook(start_server, receiver):
    r = receiver()
    srv = hook_server(start_server, COUNTS, [{"url": r.url(), "event_types": ["subscription_count"]}],
                      subscription_count=True)
    ch = unique("room-")
    a = h.WSClient(srv.ws_url(COUNTS.key))
    b = h.WSClient(srv.ws_url(COUNTS.key))
    try:
        a.subscribe(ch)
        b.subscribe(ch)
        h.wait_until(lambda: r.events() and r.events()[-1]["subscription_count"] == 2, timeout=5)
        # Two joins in quick succession may be one update; either way the last one says 2.
        assert r.events() in ([{"name": "subscription_count", "channel": ch, "subscription_count": 1},
                               {"name": "subscription_count", "channel": ch, "subscription_count": 2}],
                              [{"name": "subscription_count", "channel": ch, "subscription_count": 2}])
    finally:
        a.close()
        b.close()


def test_bad_webhook_config_is_one_readable_line(tmp_path):
    import subprocess
    config = h.default_config()
    config["apps"].append(h._app(HOOKS.app_id, HOOKS.key, HOOKS.secret,
                                 webhooks=[{"url": "http://127.0.0.1:1/", "event_types": ["channel_exploded"]}]))
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    out = subprocess.run([str(h.server_binary()), "--headless", "--config", str(path)],
                         capture_output=True, text=True, timeout=20)
    assert out.returncode != 0
    text = out.stdout + out.stderr
    assert "webhooks[0].event_types" in text and "channel_occupied" in text
