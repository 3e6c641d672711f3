"""Bounded fan-out, ordering and churn checks on loopback (what a busy Laravel
app relies on): every message exactly once, in order, and no stale state after
sockets vanish."""
from __future__ import annotations

import json
import time

import reverb_harness as h
from reverb_harness import APPS, compact, unique, subscribe_authed

MAIN = APPS["main"]


def test_api_events_arrive_in_order(reverb, ws):
    sdk = reverb.sdk(MAIN)
    ch = unique("test-channel-")
    c = ws()
    c.subscribe(ch)
    for i in range(50):
        sdk.trigger(ch, "Seq", compact({"i": i}))
    got = [json.loads(json.loads(c.recv_raw())["data"])["i"] for _ in range(50)]
    assert got == list(range(50))
    c.expect_silence(0.3)


def test_fan_out_to_many_subscribers_exactly_once(reverb, ws):
    sdk = reverb.sdk(MAIN)
    ch = unique("test-channel-")
    subs = [ws() for _ in range(30)]
    for c in subs:
        c.subscribe(ch)
    assert sdk.channel_info(ch, ["subscription_count"]) == {"occupied": True, "subscription_count": 30}
    sdk.trigger(ch, "Fan", '{"x":1}')
    expected = compact({"event": "Fan", "data": '{"x":1}', "channel": ch})
    for c in subs:
        assert c.recv_raw() == expected
    for c in subs:
        c.expect_silence(0.05)


def test_whispers_arrive_in_order(ws):
    ch = unique("private-test-channel-")
    a, b = ws(), ws()
    subscribe_authed(a, MAIN, ch)
    subscribe_authed(b, MAIN, ch)
    for i in range(50):
        a.send_json({"event": "client-seq", "channel": ch, "data": {"i": i}})
    got = [json.loads(b.recv_raw())["data"]["i"] for _ in range(50)]
    assert got == list(range(50))


def test_large_outbound_frame(ws):
    """A 300 KB whisper (app limit 1 MB) is relayed whole (64-bit frame length)."""
    ch = unique("private-test-channel-")
    a, b = ws("all"), ws("all")
    subscribe_authed(a, APPS["all"], ch)
    subscribe_authed(b, APPS["all"], ch)
    sent = compact({"event": "client-big", "channel": ch, "data": {"blob": "y" * 300_000}})
    a.send_raw(sent)
    assert b.recv_raw(timeout=5) == sent


def test_presence_churn_leaves_no_stale_members(reverb, ws):
    sdk = reverb.sdk(MAIN)
    ch = unique("presence-test-channel-")
    watcher = ws()
    subscribe_authed(watcher, MAIN, ch, {"user_id": "watcher", "user_info": {}})
    raws = []
    for i in range(15):
        r = h.RawFrameClient(reverb.host, reverb.port, f"/app/{MAIN.key}")
        op, payload = r.read_frame()
        sid = json.loads(json.loads(payload)["data"])["socket_id"]
        auth = h.sdk_auth(MAIN, ch, sid, {"user_id": f"u{i}", "user_info": {}})
        r.send_text(compact({"event": "pusher:subscribe",
                             "data": {"channel": ch, "auth": auth["auth"],
                                      "channel_data": auth["channel_data"]}}))
        r.read_frame()
        raws.append(r)
    added = [json.loads(json.loads(watcher.recv_raw())["data"])["user_id"] for _ in range(15)]
    assert added == [f"u{i}" for i in range(15)]
    assert sdk.channel_info(ch, ["user_count"]) == {"occupied": True, "user_count": 16}
    for r in raws:
        r.close()   # TCP close, no close frame
    removed = set()
    for _ in range(15):
        msg = json.loads(watcher.recv_raw(timeout=5))
        assert msg["event"] == "pusher_internal:member_removed"
        removed.add(json.loads(msg["data"])["user_id"])
    assert removed == {f"u{i}" for i in range(15)}
    h.wait_until(lambda: sdk.channel_info(ch, ["user_count"]) == {"occupied": True, "user_count": 1})
    assert sdk.users_info(ch) == {"users": [{"id": "watcher"}]}
    watcher.close()
    h.wait_until(lambda: sdk.channel_info(ch) == {"occupied": False})


def test_pysher_answers_server_keepalive_and_stays(reverb):
    import logging
    import pysher
    app = APPS["ping"]
    p = pysher.Pusher(app.key, custom_host=reverb.host, port=reverb.port, secure=False,
                      log_level=logging.WARNING, reconnect_interval=30)
    p.connect()
    try:
        h.wait_until(lambda: p.connection.state == "connected", timeout=5)
        first_id = p.connection.socket_id
        time.sleep(4)   # ping_interval 1 s, pong timeout 1 s: pysher must answer each pusher:ping
        assert p.connection.state == "connected"
        assert p.connection.socket_id == first_id, "pysher was disconnected and reconnected"
    finally:
        p.disconnect(timeout=2)
