"""A real Pusher client library (``pysher``) against the server, with the
official ``pusher`` SDK as the Laravel side (auth and API triggers)."""
from __future__ import annotations

import json
import logging

import pysher
import pytest

import reverb_harness as h
from reverb_harness import APPS, compact, unique, subscribe_authed

MAIN = APPS["main"]


@pytest.fixture
def pysher_client(reverb):
    clients = []

    def make(app=MAIN, user_data=None, with_secret=True, wait=True):
        p = pysher.Pusher(app.key, custom_host=reverb.host, port=reverb.port, secure=False,
                          secret=app.secret if with_secret else "", user_data=user_data,
                          log_level=logging.WARNING, reconnect_interval=30)
        clients.append(p)
        # Record every channel event at the connection level: pysher registers a
        # channel only after sending the subscribe, so a channel.bind() made after
        # subscribe() can miss a fast subscription_succeeded.
        p.recorded = h.Collector()
        deliver = p._connection_handler

        def record(event, data, channel):
            p.recorded.callback(f"{channel}|{event}")(data)
            deliver(event, data, channel)
        p.connection.event_handler = record
        p.connect()
        if wait:
            h.wait_until(lambda: p.connection.state == "connected", timeout=5,
                         message=f"pysher not connected (state {p.connection.state})")
        return p

    yield make
    for p in clients:
        try:
            p.disconnect(timeout=2)
        except Exception:
            pass


def succeeded(p, ch):
    h.wait_until(lambda: p.recorded.of(f"{ch}|pusher_internal:subscription_succeeded"),
                 message=f"pysher got no subscription_succeeded for {ch}")
    return p.recorded.of(f"{ch}|pusher_internal:subscription_succeeded")


def test_pysher_connects_and_gets_a_socket_id(pysher_client):
    p = pysher_client()
    assert h.SOCKET_ID_RE.match(p.connection.socket_id)


def test_pysher_ping_gets_pong(pysher_client):
    p = pysher_client()   # pysher sends {"event":"pusher:ping","data":""} on open
    h.wait_until(lambda: p.connection.pong_received, timeout=3,
                 message="pysher never saw pusher:pong for its pusher:ping")


def test_pysher_public_channel_receives_api_event(reverb, pysher_client):
    p = pysher_client()
    ch = unique("test-channel-")
    got = h.Collector()
    channel = p.subscribe(ch)
    channel.bind("OrderShipped", got.callback("ev"))
    assert succeeded(p, ch) == ["{}"]
    reverb.sdk(MAIN).trigger(ch, "OrderShipped", {"order": 7})
    h.wait_until(lambda: got.of("ev"), message="pysher did not receive the API event")
    assert got.of("ev") == [json.dumps({"order": 7})]


def test_pysher_private_channel_with_sdk_auth(reverb, pysher_client):
    p = pysher_client(with_secret=False)
    ch = unique("private-test-channel-")
    auth = reverb.sdk(MAIN).authenticate(channel=ch, socket_id=p.connection.socket_id)
    got = h.Collector()
    channel = p.subscribe(ch, auth=auth["auth"])
    channel.bind("Secret", got.callback("ev"))
    assert succeeded(p, ch) == ["{}"]
    reverb.sdk(MAIN).trigger(ch, "Secret", '{"s":1}')
    h.wait_until(lambda: got.of("ev"))
    assert got.of("ev") == ['{"s":1}']


def test_pysher_presence_token_matches_sdk_and_members_flow(reverb, ws, pysher_client):
    user = {"user_id": "42", "user_info": {"name": "Py Sher"}}
    p = pysher_client(user_data=user)
    ch = unique("presence-test-channel-")
    sdk_auth = reverb.sdk(MAIN).authenticate(channel=ch, socket_id=p.connection.socket_id,
                                             custom_data=user)
    assert p._generate_presence_token(ch) == sdk_auth["auth"]
    got = h.Collector()
    channel = p.subscribe(ch)
    channel.bind("pusher_internal:member_added", got.callback("added"))
    channel.bind("pusher_internal:member_removed", got.callback("removed"))
    assert json.loads(succeeded(p, ch)[0]) == {
        "presence": {"count": 1, "ids": ["42"], "hash": {"42": {"name": "Py Sher"}}}}
    other = ws()
    subscribe_authed(other, MAIN, ch, {"user_id": "43", "user_info": {"name": "Other"}})
    h.wait_until(lambda: got.of("added"), message="pysher got no member_added")
    assert got.of("added") == [compact({"user_id": "43", "user_info": {"name": "Other"}})]
    other.close()
    h.wait_until(lambda: got.of("removed"), message="pysher got no member_removed")
    assert got.of("removed") == [compact({"user_id": "43"})]


def test_pysher_client_events_between_two_clients(pysher_client):
    a, b = pysher_client(), pysher_client()
    ch = unique("private-test-channel-")
    got_a, got_b = h.Collector(), h.Collector()
    ca, cb = a.subscribe(ch), b.subscribe(ch)
    ca.bind("client-typing", got_a.callback("typing"))
    cb.bind("client-typing", got_b.callback("typing"))
    succeeded(a, ch)
    succeeded(b, ch)
    ca.trigger("client-typing", {"id": 123, "name": "Joe Dixon"})
    h.wait_until(lambda: got_b.of("typing"), message="client event not relayed to the other pysher")
    assert got_b.of("typing") == [{"id": 123, "name": "Joe Dixon"}]
    import time
    time.sleep(0.4)
    assert got_a.of("typing") == []


def test_pysher_unknown_key_is_closed_with_4001(reverb, pysher_client):
    """pysher (over websocket-client) sees the 4001 close frame (docs/protocol.md, Fatal errors)."""
    seen = []

    class Grab(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    logger = logging.getLogger("pysher.connection")
    handler = Grab()
    logger.addHandler(handler)
    try:
        p = pysher_client(app=h.App("0", "no-such-key", "x"), wait=False)
        p.connection.logger.setLevel(logging.INFO)
        h.wait_until(lambda: any("code 4001" in m for m in seen), timeout=6,
                     message=f"pysher saw no close with code 4001; log: {seen!r}")
        assert p.connection.state in ("disconnected", "unavailable", "failed")
        assert p.connection.socket_id == ""
    finally:
        logger.removeHandler(handler)
