"""WebSocket protocol compatibility (docs/protocol.md),
driven with raw ``websockets`` clients and byte-exact frame comparisons.

Test data avoid '/' and non-ASCII characters, so the byte-exact comparisons
hold whatever the server's escaping choice (docs/protocol.md, Wire compatibility).
"""
from __future__ import annotations

import json
import time

import pytest

import reverb_harness as h
from reverb_harness import APPS, compact, error_frame, member_order, unique, subscribe_authed

MAIN = APPS["main"]


# ---------------------------------------------------------------------------
# Connection (docs/protocol.md, Wire compatibility)
# ---------------------------------------------------------------------------

def test_connection_established_exact_frame(ws):
    c = ws()
    assert h.SOCKET_ID_RE.match(c.socket_id), c.socket_id
    expected = compact({"event": "pusher:connection_established",
                        "data": compact({"socket_id": c.socket_id, "activity_timeout": 30})})
    assert c.established_raw == expected
    assert member_order(c.established_raw) == ["event", "data"]


def test_socket_id_parts_are_decimal_integers_and_distinct(ws):
    ids = {ws().socket_id for _ in range(5)}
    assert len(ids) == 5
    for sid in ids:
        a, b = sid.split(".")
        assert a.isdigit() and b.isdigit() and not a.startswith("0") and not b.startswith("0"), sid


def test_activity_timeout_comes_from_the_app(ws):
    c = ws("all")
    data = json.loads(json.loads(c.established_raw)["data"])
    assert data == {"socket_id": c.socket_id, "activity_timeout": 120}


def test_query_string_of_pusher_js_is_accepted(reverb):
    url = reverb.ws_url(MAIN.key, query="?protocol=7&client=js&version=8.4.0-rc2&flash=false")
    c = h.WSClient(url)
    try:
        assert h.SOCKET_ID_RE.match(c.socket_id)
    finally:
        c.close()


def test_upgrade_response_has_x_powered_by(ws):
    c = ws()
    assert c.ws.response.status_code == 101
    # We do not claim to be Laravel Reverb; no client reads this header.
    assert c.ws.response.headers.get("X-Powered-By") == "reverb-tui"


def test_unknown_app_key_gets_4001_then_close_frame_4001(ws):
    c = ws(h.App("0", "no-such-key", "x"), expect_established=False)
    assert c.recv_raw() == error_frame(4001, "Application does not exist")
    closed = c.expect_close()
    assert closed.code == 4001


def test_origin_missing_is_rejected_with_4009_and_close_4009(ws):
    c = ws("origin", expect_established=False)
    assert c.recv_raw() == error_frame(4009, "Origin not allowed")
    assert c.expect_close().code == 4009


@pytest.mark.parametrize("app,origin", [
    ("origin", "http://localhost"),
    ("origin", "http://sub.laravel.com"),
    ("origin", "http://laravel.com.evil.org"),
    ("wild", "http://localhost.evil.org"),
    ("wild", "http://evil.org"),
])
def test_origin_not_allowed(ws, app, origin):
    c = ws(app, origin=origin, expect_established=False)
    assert c.recv_raw() == error_frame(4009, "Origin not allowed")
    assert c.expect_close().code == 4009


@pytest.mark.parametrize("app,origin", [
    ("origin", "http://laravel.com"),
    ("origin", "https://laravel.com:8443"),
    ("wild", "http://localhost"),
    ("wild", "http://localhost:3000"),
    ("wild", "http://sub.localhost"),
    ("main", "http://anything.example"),
])
def test_origin_allowed(ws, app, origin):
    c = ws(app, origin=origin)
    assert h.SOCKET_ID_RE.match(c.socket_id)


def quota_socket(ws):
    """The quota app's only socket, waiting out a previous test's socket closing."""
    got = []

    def attempt():
        c = ws("quota", expect_established=False)
        if json.loads(c.recv_raw())["event"] == "pusher:connection_established":
            got.append(c)
            return True
        c.close()
        return False
    h.wait_until(attempt, timeout=5, interval=0.2, message="the quota app never accepted a socket")
    return got[0]


def test_max_connections_counts_unsubscribed_sockets_and_closes_with_4004(ws):
    first = quota_socket(ws)  # never subscribes (docs/protocol.md, Connection quota)
    second = ws("quota", expect_established=False)
    assert second.recv_raw() == error_frame(4004, "Application is over connection quota")
    assert second.expect_close().code == 4004
    # the first socket is untouched
    first.send_json({"event": "pusher:ping", "data": {}})
    assert first.recv_raw() == '{"event":"pusher:pong"}'
    # once it leaves, there is room again
    first.close()

    def try_connect():
        c = ws("quota", expect_established=False)
        raw = c.recv_raw()
        ok = json.loads(raw)["event"] == "pusher:connection_established"
        c.close()
        return ok
    h.wait_until(try_connect, timeout=5, interval=0.2,
                 message="a socket of the quota app was refused after the only other one closed")


# ---------------------------------------------------------------------------
# Inbound messages, ping/pong, errors (docs/protocol.md, Wire compatibility)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("message", [
    '{"event":"pusher:ping","data":{}}',           # pusher-js
    '{"event":"pusher:ping","data":""}',           # pysher
    '{"event":"pusher:ping","data":"{}"}',         # data as a JSON string (#352)
])
def test_ping_gets_exact_pong(ws, message):
    c = ws()
    c.send_raw(message)
    assert c.recv_raw() == '{"event":"pusher:pong"}'


def test_pusher_pong_gets_no_answer(ws):
    c = ws()
    c.send_raw('{"event":"pusher:pong","data":{}}')
    c.expect_silence(0.7)


@pytest.mark.parametrize("message", [
    "this is not json",
    "{\"event\":",
    '{"event":123,"data":{}}',
    '{"data":{}}',
    '{"event":"pusher:signin","data":{"auth":"x"}}',
    '{"event":"pusher:unknown","data":{}}',
    '{"event":"pusher:subscribe","data":{"channel":null}}',
    '{"event":"pusher:subscribe","data":{"channel":["a","b"]}}',
    '{"event":"pusher:subscribe","data":"not json"}',
    '{"event":"pusher:subscribe","data":{"channel":"presence-x","auth":"a:b","channel_data":{"user_id":1}}}',
    '{"event":"pusher:subscribe","data":{"channel":"private-x","auth":["a"]}}',
    '{"event":"client-x","channel":["a"],"data":{}}',
])
def test_invalid_messages_get_4200_and_the_socket_stays_open(ws, message):
    c = ws()
    c.send_raw(message)
    assert c.recv_raw() == error_frame(4200, "Invalid message format")
    c.send_raw('{"event":"pusher:ping","data":{}}')
    assert c.recv_raw() == '{"event":"pusher:pong"}'


# ---------------------------------------------------------------------------
# Subscriptions (docs/protocol.md, Presence, Cache channels)
# ---------------------------------------------------------------------------

def succeeded(channel: str, data: str = "{}") -> str:
    return compact({"event": "pusher_internal:subscription_succeeded", "data": data, "channel": channel})


def presence_data(ids: list, hash_: dict) -> str:
    return compact({"presence": {"count": len(ids), "ids": ids, "hash": hash_}})


def cache_miss(channel: str) -> str:
    return compact({"event": "pusher:cache_miss", "channel": channel})


def test_public_subscribe_exact(ws):
    c = ws()
    ch = unique("test-channel-")
    raw = c.subscribe(ch)
    assert raw == succeeded(ch)
    assert member_order(raw) == ["event", "data", "channel"]


def test_subscribe_with_data_as_json_string(ws):
    c = ws()
    ch = unique("test-channel-")
    c.send_raw(compact({"event": "pusher:subscribe", "data": compact({"channel": ch})}))
    assert c.recv_raw() == succeeded(ch)


def test_subscribe_sends_nothing_else(ws):
    c = ws()
    ch = unique("test-channel-")
    assert c.subscribe(ch) == succeeded(ch)
    c.expect_silence(0.5)


def test_private_subscribe_with_sdk_auth_exact(ws):
    c = ws()
    ch = unique("private-test-channel-")
    auth = h.sdk_auth(MAIN, ch, c.socket_id)
    assert set(auth) == {"auth"} and auth["auth"].startswith(MAIN.key + ":")
    assert c.subscribe(ch, auth=auth["auth"]) == succeeded(ch)


def test_private_encrypted_subscribe_with_sdk_auth_exact(ws):
    c = ws()
    ch = unique("private-encrypted-test-channel-")
    auth = h.sdk_auth(MAIN, ch, c.socket_id)
    assert "shared_secret" in auth
    assert c.subscribe(ch, auth=auth["auth"]) == succeeded(ch)


@pytest.mark.parametrize("prefix", ["private-", "private-encrypted-", "private-cache-",
                                    "presence-", "presence-cache-"])
@pytest.mark.parametrize("auth", ["reverb-key:" + "0" * 64, None, "", "nocolon"])
def test_bad_auth_gets_4009_unauthorized(ws, prefix, auth):
    c = ws()
    ch = unique(prefix + "test-channel-")
    data = {"channel": ch, "auth": auth}
    if prefix.startswith("presence"):
        data["channel_data"] = compact({"user_id": 1, "user_info": {"name": "Test User"}})
    c.send_json({"event": "pusher:subscribe", "data": data})
    assert c.recv_raw() == error_frame(4009, "Connection is unauthorized")
    # still open, and not subscribed
    c.send_raw('{"event":"pusher:ping","data":{}}')
    assert c.recv_raw() == '{"event":"pusher:pong"}'


def test_auth_signed_for_another_socket_is_rejected(ws):
    a, b = ws(), ws()
    ch = unique("private-test-channel-")
    auth = h.sdk_auth(MAIN, ch, a.socket_id)["auth"]
    b.subscribe(ch, auth=auth, expect=False)
    assert b.recv_raw() == error_frame(4009, "Connection is unauthorized")


def test_presence_channel_data_that_is_not_json_gets_4200(ws):
    c = ws()
    ch = unique("presence-test-channel-")
    bad = "not json"
    sig = h.hmac_hex(MAIN.secret, f"{c.socket_id}:{ch}:{bad}")
    c.subscribe(ch, auth=f"{MAIN.key}:{sig}", channel_data=bad, expect=False)
    assert c.recv_raw() == error_frame(4200, "Invalid message format")


def test_presence_auth_must_cover_channel_data(ws):
    c = ws()
    ch = unique("presence-test-channel-")
    auth = h.sdk_auth(MAIN, ch, c.socket_id, {"user_id": 1, "user_info": {"name": "Test User"}})
    forged = compact({"user_id": 2, "user_info": {"name": "Someone Else"}})
    c.subscribe(ch, auth=auth["auth"], channel_data=forged, expect=False)
    assert c.recv_raw() == error_frame(4009, "Connection is unauthorized")


def test_presence_subscribe_exact(ws):
    c = ws()
    ch = unique("presence-test-channel-")
    raw = subscribe_authed(c, MAIN, ch, {"user_id": 1, "user_info": {"name": "Test User"}})
    assert raw == succeeded(ch, presence_data([1], {"1": {"name": "Test User"}}))


def test_cache_channel_subscribe_then_cache_miss(ws):
    c = ws()
    ch = unique("cache-test-channel-")
    assert c.subscribe(ch) == succeeded(ch)
    raw = c.recv_raw()
    assert raw == cache_miss(ch)
    assert member_order(raw) == ["event", "channel"]
    c.expect_silence(0.4)


@pytest.mark.parametrize("prefix", ["private-cache-", "private-encrypted-cache-"])
def test_private_cache_channel_subscribe_then_cache_miss(ws, prefix):
    c = ws()
    ch = unique(prefix + "test-channel-")
    assert subscribe_authed(c, MAIN, ch) == succeeded(ch)
    assert c.recv_raw() == cache_miss(ch)


def test_presence_cache_channel_subscribe_then_cache_miss(ws):
    c = ws()
    ch = unique("presence-cache-test-channel-")
    raw = subscribe_authed(c, MAIN, ch, {"user_id": 1, "user_info": {"name": "Test User"}})
    assert raw == succeeded(ch, presence_data([1], {"1": {"name": "Test User"}}))
    assert c.recv_raw() == cache_miss(ch)


def test_one_socket_on_many_channel_types(ws):
    c = ws()
    u = unique()
    pub, priv, pres, cache = f"pub-{u}", f"private-{u}", f"presence-{u}", f"cache-{u}"
    assert c.subscribe(pub) == succeeded(pub)
    assert subscribe_authed(c, MAIN, priv) == succeeded(priv)
    assert subscribe_authed(c, MAIN, pres, {"user_id": "u1", "user_info": {}}) == \
        succeeded(pres, presence_data(["u1"], {"u1": {}}))
    assert c.subscribe(cache) == succeeded(cache)
    assert c.recv_raw() == cache_miss(cache)


def test_resubscribe_same_channel_answers_again(ws):
    c = ws()
    ch = unique("test-channel-")
    assert c.subscribe(ch) == succeeded(ch)
    assert c.subscribe(ch) == succeeded(ch)


# ---------------------------------------------------------------------------
# Presence (docs/protocol.md, Presence)
# ---------------------------------------------------------------------------

USER1 = {"user_id": 1, "user_info": {"name": "Test User"}}
USER2 = {"user_id": 2, "user_info": {"name": "Test User 2"}}


def test_member_added_exact_and_joiner_sees_both(ws):
    a, b = ws(), ws()
    ch = unique("presence-test-channel-")
    subscribe_authed(a, MAIN, ch, USER1)
    raw_b = subscribe_authed(b, MAIN, ch, USER2)
    assert raw_b == succeeded(ch, presence_data(
        [1, 2], {"1": {"name": "Test User"}, "2": {"name": "Test User 2"}}))
    added = a.recv_raw()
    assert added == compact({"event": "pusher_internal:member_added",
                             "data": compact(USER2), "channel": ch})
    assert member_order(added) == ["event", "data", "channel"]
    b.expect_silence(0.4)  # the joiner is not told about itself


def test_member_added_carries_full_channel_data(ws):
    a, b = ws(), ws()
    ch = unique("presence-test-channel-")
    subscribe_authed(a, MAIN, ch, USER1)
    extra = {"user_id": "abc", "user_info": {"name": "X", "role": "admin"}, "extra": [1, 2]}
    subscribe_authed(b, MAIN, ch, extra)
    assert a.recv_raw() == compact({"event": "pusher_internal:member_added",
                                    "data": compact(extra), "channel": ch})


def test_member_removed_exact_on_disconnect(ws):
    a, b = ws(), ws()
    ch = unique("presence-test-channel-")
    subscribe_authed(a, MAIN, ch, USER1)
    subscribe_authed(b, MAIN, ch, {"user_id": 3, "user_info": {"name": "Three"}})
    a.recv_event("pusher_internal:member_added")
    b.close()
    raw = a.recv_raw()
    assert raw == compact({"event": "pusher_internal:member_removed",
                           "data": compact({"user_id": 3}), "channel": ch})


def test_member_removed_on_unsubscribe_keeps_string_id(ws):
    a, b = ws(), ws()
    ch = unique("presence-test-channel-")
    subscribe_authed(a, MAIN, ch, USER1)
    subscribe_authed(b, MAIN, ch, {"user_id": "3", "user_info": {"name": "Three"}})
    a.recv_event("pusher_internal:member_added")
    b.unsubscribe(ch)
    assert a.recv_raw() == compact({"event": "pusher_internal:member_removed",
                                    "data": compact({"user_id": "3"}), "channel": ch})
    b.expect_silence(0.4)  # unsubscribe is silent


def test_two_sockets_of_one_user_are_one_member(ws):
    other, a1, a2 = ws(), ws(), ws()
    ch = unique("presence-test-channel-")
    subscribe_authed(other, MAIN, ch, USER2)
    subscribe_authed(a1, MAIN, ch, USER1)
    assert other.recv_raw() == compact({"event": "pusher_internal:member_added",
                                        "data": compact(USER1), "channel": ch})
    raw = subscribe_authed(a2, MAIN, ch, USER1)
    assert raw == succeeded(ch, presence_data(
        [2, 1], {"2": {"name": "Test User 2"}, "1": {"name": "Test User"}}))
    other.expect_silence(0.5)   # no second member_added
    a1.expect_silence(0.1)      # nothing for the user's own first socket either
    a1.close()
    other.expect_silence(0.7)   # user 1 still has a socket: no member_removed
    a2.close()
    assert other.recv_raw() == compact({"event": "pusher_internal:member_removed",
                                        "data": compact({"user_id": 1}), "channel": ch})


def test_two_sockets_of_one_user_count_once_in_subscription_succeeded(ws):
    a1, a2, b = ws(), ws(), ws()
    ch = unique("presence-test-channel-")
    subscribe_authed(a1, MAIN, ch, USER1)
    subscribe_authed(a2, MAIN, ch, USER1)
    raw = subscribe_authed(b, MAIN, ch, USER2)
    assert raw == succeeded(ch, presence_data(
        [1, 2], {"1": {"name": "Test User"}, "2": {"name": "Test User 2"}}))


def test_user_id_zero_is_an_ordinary_user(ws):
    a, z = ws(), ws()
    ch = unique("presence-test-channel-")
    zero = {"user_id": 0, "user_info": {"name": "Zero"}}
    raw = subscribe_authed(z, MAIN, ch, zero)
    assert raw == succeeded(ch, presence_data([0], {"0": {"name": "Zero"}}))  # hash is an object
    subscribe_authed(a, MAIN, ch, USER1)
    z.recv_event("pusher_internal:member_added")
    z.close()
    assert a.recv_raw() == compact({"event": "pusher_internal:member_removed",
                                    "data": compact({"user_id": 0}), "channel": ch})


def test_hash_is_object_for_sequential_integer_ids(ws):
    a, b = ws(), ws()
    ch = unique("presence-test-channel-")
    subscribe_authed(a, MAIN, ch, {"user_id": 0, "user_info": {"n": 0}})
    raw = subscribe_authed(b, MAIN, ch, {"user_id": 1, "user_info": {"n": 1}})
    assert raw == succeeded(ch, presence_data([0, 1], {"0": {"n": 0}, "1": {"n": 1}}))


def test_user_info_is_optional(ws):
    a, b = ws(), ws()
    ch = unique("presence-test-channel-")
    subscribe_authed(a, MAIN, ch, USER1)
    raw = subscribe_authed(b, MAIN, ch, {"user_id": "7"})
    data = json.loads(json.loads(raw)["data"])
    assert data["presence"]["count"] == 2
    assert data["presence"]["ids"] == [1, "7"]
    assert isinstance(data["presence"]["hash"], dict)
    assert data["presence"]["hash"]["1"] == {"name": "Test User"}
    assert "7" in data["presence"]["hash"]
    assert a.recv_raw() == compact({"event": "pusher_internal:member_added",
                                    "data": compact({"user_id": "7"}), "channel": ch})


# ---------------------------------------------------------------------------
# Client events (docs/protocol.md, Client events)
# ---------------------------------------------------------------------------

TYPING = {"id": 123, "name": "Joe Dixon"}


def two_on(ws, app_name, channel, users=(None, None)):
    app = APPS[app_name]
    a, b = ws(app_name), ws(app_name)
    for c, u in zip((a, b), users):
        if channel.startswith(("private-", "presence-")):
            subscribe_authed(c, app, channel, u)
        else:
            c.subscribe(channel)
    if channel.startswith("presence-"):
        a.recv_event("pusher_internal:member_added")
    return a, b


def test_client_event_private_members_mode_exact_and_not_echoed(ws):
    ch = unique("private-test-channel-")
    a, b = two_on(ws, "main", ch)
    a.send_json({"event": "client-start-typing", "channel": ch, "data": TYPING})
    raw = b.recv_raw()
    assert raw == compact({"event": "client-start-typing", "channel": ch, "data": TYPING})
    assert member_order(raw) == ["event", "channel", "data"]
    a.expect_silence(0.5)


def test_client_event_with_data_as_json_string_is_forwarded_as_object(ws):
    ch = unique("private-test-channel-")
    a, b = two_on(ws, "main", ch)
    a.send_json({"event": "client-start-typing", "channel": ch, "data": compact(TYPING)})
    assert b.recv_raw() == compact({"event": "client-start-typing", "channel": ch, "data": TYPING})


def test_client_event_presence_members_mode_appends_user_id(ws):
    ch = unique("presence-test-channel-")
    a, b = two_on(ws, "main", ch, ({"user_id": "u-a", "user_info": {"name": "A"}},
                                   {"user_id": "u-b", "user_info": {"name": "B"}}))
    b.send_json({"event": "client-start-typing", "channel": ch, "data": TYPING})
    raw = a.recv_raw()
    assert raw == compact({"event": "client-start-typing", "channel": ch, "data": TYPING,
                           "user_id": "u-b"})
    b.expect_silence(0.4)


def test_client_event_members_mode_drops_extra_members(ws):
    ch = unique("private-test-channel-")
    a, b = two_on(ws, "main", ch)
    a.send_json({"event": "client-x", "channel": ch, "data": {"a": 1}, "user_id": "spoofed",
                 "socket_id": "1.1"})
    assert b.recv_raw() == compact({"event": "client-x", "channel": ch, "data": {"a": 1}})


def test_client_event_without_data_is_forwarded_with_null_data(ws):
    ch = unique("private-test-channel-")
    a, b = two_on(ws, "main", ch)
    a.send_json({"event": "client-ping", "channel": ch})
    assert b.recv_raw() == compact({"event": "client-ping", "channel": ch, "data": None})
    a.expect_silence(0.4)


def test_client_event_from_non_member_gets_4009_and_is_not_relayed(ws):
    ch = unique("private-test-channel-")
    a, b = two_on(ws, "main", ch)
    outsider = ws()
    outsider.send_json({"event": "client-start-typing", "channel": ch, "data": TYPING})
    assert outsider.recv_raw() == error_frame(
        4009, "The client is not a member of the specified channel.")
    a.expect_silence(0.5)
    b.expect_silence(0.1)
    outsider.send_raw('{"event":"pusher:ping","data":{}}')
    assert outsider.recv_raw() == '{"event":"pusher:pong"}'


def test_client_events_disabled_gets_4301(ws):
    ch = unique("private-test-channel-")
    a, b = two_on(ws, "none", ch)
    a.send_json({"event": "client-start-typing", "channel": ch, "data": TYPING})
    assert a.recv_raw() == error_frame(4301, "The app does not have client messaging enabled.")
    b.expect_silence(0.5)


def test_client_event_all_mode_relays_exactly_as_received(ws):
    ch = unique("private-test-channel-")
    a, b = two_on(ws, "all", ch)
    sent = '{"event":"client-start-typing","channel":"%s","data":{"id":123,"name":"Joe Dixon"}}' % ch
    a.send_raw(sent)
    assert b.recv_raw() == sent
    a.expect_silence(0.4)


def test_client_event_all_mode_from_non_member(ws):
    ch = unique("private-test-channel-")
    a, b = two_on(ws, "all", ch)
    outsider = ws("all")
    outsider.send_json({"event": "client-hello", "channel": ch, "data": {"x": 1}})
    assert a.recv_raw() == compact({"event": "client-hello", "channel": ch, "data": {"x": 1}})
    assert b.recv_raw() == compact({"event": "client-hello", "channel": ch, "data": {"x": 1}})
    outsider.expect_silence(0.4)


@pytest.mark.parametrize("app_name", ["main", "all"])
@pytest.mark.parametrize("prefix", ["test-channel-", "cache-test-channel-"])
def test_client_event_on_public_channel_is_refused_and_not_relayed(ws, app_name, prefix):
    ch = unique(prefix)
    a, b = ws(app_name), ws(app_name)
    for c in (a, b):
        c.subscribe(ch)
        if prefix.startswith("cache"):
            assert c.recv_raw() == cache_miss(ch)
    a.send_json({"event": "client-start-typing", "channel": ch, "data": TYPING})
    err = json.loads(a.recv_raw())
    assert err["event"] == "pusher:error"
    assert isinstance(err["data"], str)
    payload = json.loads(err["data"])
    assert isinstance(payload.get("code"), int) and 4000 <= payload["code"] <= 4999, payload
    assert isinstance(payload.get("message"), str) and payload["message"], payload
    b.expect_silence(0.6)


def test_client_event_on_private_encrypted_channel_is_refused(ws):
    ch = unique("private-encrypted-test-channel-")
    a, b = two_on(ws, "main", ch)
    a.send_json({"event": "client-start-typing", "channel": ch, "data": TYPING})
    err = json.loads(a.recv_raw())
    assert err["event"] == "pusher:error"
    assert 4000 <= json.loads(err["data"])["code"] <= 4999
    b.expect_silence(0.6)


def test_non_client_event_is_ignored(ws):
    ch = unique("private-test-channel-")
    a, b = two_on(ws, "main", ch)
    a.send_json({"event": "start-typing", "channel": ch, "data": TYPING})
    a.expect_silence(0.4)
    b.expect_silence(0.1)


# ---------------------------------------------------------------------------
# Unsubscribe (silent, as Reverb)
# ---------------------------------------------------------------------------

def test_unsubscribe_is_silent_and_stops_delivery(ws):
    ch = unique("private-test-channel-")
    a, b = two_on(ws, "main", ch)
    b.unsubscribe(ch)
    b.expect_silence(0.4)
    a.send_json({"event": "client-x", "channel": ch, "data": {}})
    # a is still a member, b is not: nobody receives it
    b.expect_silence(0.5)
    # b is no longer a member: its client events are refused
    b.send_json({"event": "client-x", "channel": ch, "data": {}})
    assert b.recv_raw() == error_frame(4009, "The client is not a member of the specified channel.")


def test_unsubscribe_unknown_channel_is_a_no_op(ws):
    c = ws()
    c.unsubscribe(unique("never-subscribed-"))
    c.expect_silence(0.4)
    c.send_raw('{"event":"pusher:ping","data":{}}')
    assert c.recv_raw() == '{"event":"pusher:pong"}'


# ---------------------------------------------------------------------------
# Max message size (close 1009, as Reverb)
# ---------------------------------------------------------------------------

def _padded_ping(size: int) -> str:
    base = '{"event":"pusher:ping","data":{"pad":""}}'
    msg = base.replace('"pad":""', '"pad":"' + "x" * (size - len(base)) + '"')
    assert len(msg.encode()) == size
    return msg


def test_message_over_app_limit_closes_1009(ws):
    c = ws("origin", origin="http://laravel.com")   # max_message_size 1
    c.send_json({"event": "pusher:subscribe", "data": {"channel": "test-channel"}})
    closed = c.expect_close()
    assert (closed.code, closed.reason) == (1009, "Maximum message size exceeded")


def test_message_of_exactly_the_limit_is_accepted(ws):
    c = ws()   # max_message_size 10000
    c.send_raw(_padded_ping(10000))
    assert c.recv_raw() == '{"event":"pusher:pong"}'


def test_message_one_byte_over_the_limit_closes_1009(ws):
    c = ws()
    c.send_raw(_padded_ping(10001))
    closed = c.expect_close()
    assert (closed.code, closed.reason) == (1009, "Maximum message size exceeded")


def test_10100_byte_subscribe_closes_1009(ws):
    c = ws()
    c.send_json({"event": "pusher:subscribe",
                 "data": {"channel": "test-channel", "pad": "x" * 10100}})
    closed = c.expect_close()
    assert (closed.code, closed.reason) == (1009, "Maximum message size exceeded")


def test_20000_byte_message_on_large_limit_is_handled(ws):
    c = ws("all")   # max_message_size 1 000 000
    ch = unique("test-channel-")
    c.send_json({"event": "pusher:subscribe", "data": {"channel": ch, "pad": "x" * 20000}})
    assert c.recv_raw() == succeeded(ch)


# ---------------------------------------------------------------------------
# Keep-alive (docs/protocol.md, Keep-alive): app "ping" has ping_interval 1, server pong_timeout 1
# ---------------------------------------------------------------------------

def test_idle_socket_gets_pusher_ping_then_4201_and_close(ws):
    c = ws("ping")   # not subscribed to anything (docs/protocol.md, Keep-alive)
    t0 = time.monotonic()
    assert c.recv_raw(timeout=6) == '{"event":"pusher:ping"}'
    t_ping = time.monotonic() - t0
    assert t_ping >= 0.8, f"pinged after {t_ping:.2f}s, before ping_interval (1 s)"
    assert c.recv_raw(timeout=6) == error_frame(4201, "Pong reply not received in time")
    assert c.expect_close(timeout=3).code == 4201


def _poll(client, timeout):
    """One frame or None on timeout; raises reverb_harness.Closed when closed."""
    from websockets.exceptions import ConnectionClosed
    try:
        msg = client.ws.recv(timeout=timeout)
    except TimeoutError:
        return None
    except ConnectionClosed as e:
        raise h.Closed(e.rcvd.code if e.rcvd else None, e.rcvd.reason if e.rcvd else None)
    client.received.append(msg)
    return msg


def test_subscribed_idle_socket_is_pinged_and_pruned_too(ws):
    c = ws("ping")
    ch = unique("presence-test-channel-")
    watcher = ws("ping")
    subscribe_authed(watcher, APPS["ping"], ch, USER2)
    subscribe_authed(c, APPS["ping"], ch, USER1)
    removed = []
    closed_code = "open"
    deadline = time.monotonic() + 12
    # the watcher answers every ping so it stays; c never answers
    while time.monotonic() < deadline and not (removed and closed_code != "open"):
        raw = _poll(watcher, 0.2)
        if raw is not None:
            msg = json.loads(raw)
            if msg["event"] == "pusher:ping":
                watcher.send_raw('{"event":"pusher:pong"}')
            elif msg["event"] == "pusher_internal:member_removed":
                removed.append(raw)
        if closed_code == "open":
            try:
                _poll(c, 0.05)
            except h.Closed as cl:
                closed_code = cl.code
    assert closed_code == 4201
    assert removed == [compact({"event": "pusher_internal:member_removed",
                                "data": compact({"user_id": 1}), "channel": ch})]
    assert '{"event":"pusher:ping"}' in c.received
    assert error_frame(4201, "Pong reply not received in time") in c.received


def test_answering_pusher_ping_keeps_the_socket(ws):
    c = ws("ping")
    pings = 0
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            raw = c.recv_raw(timeout=0.3)
        except AssertionError:
            continue
        assert raw == '{"event":"pusher:ping"}', raw
        pings += 1
        c.send_raw('{"event":"pusher:pong","data":{}}')
    assert pings >= 1
    c.send_raw('{"event":"pusher:ping","data":{}}')
    assert c.recv_raw() == '{"event":"pusher:pong"}'


def test_any_message_counts_as_activity(ws):
    c = ws("ping")
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        c.send_raw('{"event":"pusher:ping","data":{}}')
        assert c.recv_raw() == '{"event":"pusher:pong"}'
        time.sleep(0.3)
    # never idle for a whole ping_interval: never pinged, never pruned
    assert '{"event":"pusher:ping"}' not in c.received


def test_control_frame_ping_is_answered_with_same_payload(reverb):
    raw = h.RawFrameClient(reverb.host, reverb.port, f"/app/{MAIN.key}")
    try:
        op, payload = raw.read_frame()
        assert op == 0x1 and b"connection_established" in payload
        raw.send_frame(0x9, b"hello")
        op, payload = raw.read_frame()
        assert (op, payload) == (0xA, b"hello")
    finally:
        raw.close()


def test_socket_that_used_control_frames_gets_ping_frames(reverb):
    """docs/protocol.md, Keep-alive: a socket that ever sent a control frame is kept alive
    with WebSocket ping frames instead of pusher:ping messages."""
    raw = h.RawFrameClient(reverb.host, reverb.port, f"/app/{APPS['ping'].key}")
    try:
        op, payload = raw.read_frame()
        assert op == 0x1 and b"connection_established" in payload
        raw.send_frame(0x9, b"x")
        assert raw.read_frame() == (0xA, b"x")
        op, payload = raw.read_frame(timeout=6)
        assert op == 0x9, f"expected a ping frame, got opcode {op:#x} {payload!r}"
        raw.send_frame(0xA, payload)
        # answered: the socket survives the next pong timeout too
        op2, payload2 = raw.read_frame(timeout=6)
        assert op2 == 0x9, f"expected another ping frame, got opcode {op2:#x} {payload2!r}"
    finally:
        raw.close()


def test_client_close_frame_is_echoed(reverb):
    import struct
    raw = h.RawFrameClient(reverb.host, reverb.port, f"/app/{MAIN.key}")
    try:
        raw.read_frame()
        raw.send_frame(0x8, struct.pack("!H", 1000) + b"bye")
        op, payload = raw.read_frame()
        assert op == 0x8
        assert struct.unpack("!H", payload[:2])[0] == 1000
    finally:
        raw.close()


# ---------------------------------------------------------------------------
# Rate limiting (Reverb's fixed window): app "rate" allows 3 messages per 1 s
# ---------------------------------------------------------------------------

def _sub(c, ch):
    c.send_raw(compact({"event": "pusher:subscribe", "data": {"channel": ch}}))


def test_rate_limit_fourth_message_gets_4301_and_socket_stays(ws):
    c = ws("rate")
    for i in range(3):
        _sub(c, f"rl-{i}")
    for i in range(3):
        assert "subscription_succeeded" in c.recv_raw()
    _sub(c, "rl-3")
    assert c.recv_raw() == error_frame(4301, "Rate limit exceeded")
    # Keep-alive is never rate limited (docs/architecture.md): a ping over the limit is still answered.
    c.send_raw('{"event":"pusher:ping","data":{}}')
    assert c.recv_raw() == '{"event":"pusher:pong"}'
    time.sleep(1.3)   # the window (decay_seconds 1) has passed
    _sub(c, "rl-4")
    assert "subscription_succeeded" in c.recv_raw()


def test_rate_limit_counts_every_message_type_but_keep_alive(ws):
    c = ws("rate")
    ch = unique("test-channel-")
    c.subscribe(ch)
    c.send_raw('{"event":"pusher:ping","data":{}}')
    assert c.recv_raw() == '{"event":"pusher:pong"}'
    c.unsubscribe(ch)
    c.send_raw(compact({"event": "App.Ignored", "channel": ch, "data": {}}))
    _sub(c, ch)
    assert c.recv_raw() == error_frame(4301, "Rate limit exceeded")


def test_rate_limit_is_per_connection(ws):
    a, b = ws("rate"), ws("rate")
    for i in range(4):
        _sub(a, f"rlp-{i}")
    for _ in range(3):
        assert "subscription_succeeded" in a.recv_raw()
    assert a.recv_raw() == error_frame(4301, "Rate limit exceeded")
    _sub(b, "rlp-0")
    assert "subscription_succeeded" in b.recv_raw()


def test_rate_limit_terminate_on_limit_closes_the_socket(ws):
    c = ws("rate_term")   # 1 message per window, terminate_on_limit
    _sub(c, "rlt-0")
    assert "subscription_succeeded" in c.recv_raw()
    seen = len(c.received)
    _sub(c, "rlt-1")
    c.expect_close(timeout=3)
    for raw in c.received[seen:]:
        assert raw == error_frame(4301, "Rate limit exceeded"), raw


# ---------------------------------------------------------------------------
# More presence and client-event cases
# ---------------------------------------------------------------------------

def test_presence_resubscribe_same_socket_no_duplicate_member(ws):
    a, b = ws(), ws()
    ch = unique("presence-test-channel-")
    subscribe_authed(a, MAIN, ch, USER1)
    subscribe_authed(b, MAIN, ch, USER2)
    a.recv_event("pusher_internal:member_added")
    raw = subscribe_authed(b, MAIN, ch, USER2)
    assert raw == succeeded(ch, presence_data(
        [1, 2], {"1": {"name": "Test User"}, "2": {"name": "Test User 2"}}))
    a.expect_silence(0.5)


def test_disconnect_removes_member_from_every_presence_channel(ws):
    leaver, w1, w2 = ws(), ws(), ws()
    c1, c2 = unique("presence-a-"), unique("presence-b-")
    subscribe_authed(w1, MAIN, c1, USER2)
    subscribe_authed(w2, MAIN, c2, USER2)
    subscribe_authed(leaver, MAIN, c1, USER1)
    subscribe_authed(leaver, MAIN, c2, USER1)
    w1.recv_event("pusher_internal:member_added")
    w2.recv_event("pusher_internal:member_added")
    leaver.close()
    for w, ch in ((w1, c1), (w2, c2)):
        assert w.recv_raw() == compact({"event": "pusher_internal:member_removed",
                                        "data": compact({"user_id": 1}), "channel": ch})


def test_client_event_presence_integer_user_id_keeps_type(ws):
    ch = unique("presence-test-channel-")
    a, b = two_on(ws, "main", ch, (USER1, USER2))
    b.send_json({"event": "client-x", "channel": ch, "data": {"k": "v"}})
    assert a.recv_raw() == compact({"event": "client-x", "channel": ch, "data": {"k": "v"},
                                    "user_id": 2})


def test_client_events_stay_in_their_app(ws):
    """Same channel name in two apps: a whisper in one never reaches the other
    (Reverb's multi-app membership quirk must not leak)."""
    ch = unique("private-test-channel-")
    a, b = two_on(ws, "main", ch)
    other = ws("all")
    subscribe_authed(other, APPS["all"], ch)
    a.send_json({"event": "client-x", "channel": ch, "data": {}})
    assert b.recv_raw() == compact({"event": "client-x", "channel": ch, "data": {}})
    other.expect_silence(0.5)
    # a socket of app "all" whispering into the same name reaches only its own app
    outsider = ws("all")
    outsider.send_json({"event": "client-y", "channel": ch, "data": {}})
    assert other.recv_raw() == compact({"event": "client-y", "channel": ch, "data": {}})
    a.expect_silence(0.4)
    b.expect_silence(0.1)


def test_max_connections_is_per_app(ws):
    first = quota_socket(ws)
    others = [ws("main") for _ in range(3)]
    assert all(h.SOCKET_ID_RE.match(o.socket_id) for o in others)
    first.close()


def test_private_channel_auth_covers_channel_data_when_sent(ws):
    """A non-empty channel_data is part of the signed string on private channels too."""
    c = ws()
    ch = unique("private-test-channel-")
    data = compact({"user_id": 5})
    sig_without = h.hmac_hex(MAIN.secret, f"{c.socket_id}:{ch}")
    c.subscribe(ch, auth=f"{MAIN.key}:{sig_without}", channel_data=data, expect=False)
    assert c.recv_raw() == error_frame(4009, "Connection is unauthorized")
    sig_with = h.hmac_hex(MAIN.secret, f"{c.socket_id}:{ch}:{data}")
    assert c.subscribe(ch, auth=f"{MAIN.key}:{sig_with}", channel_data=data) == succeeded(ch)


def test_rate_limited_message_is_not_processed(reverb, ws):
    c = ws("rate")
    ch = unique("test-channel-")
    for i in range(3):
        _sub(c, f"{ch}-{i}")
    for _ in range(3):
        assert "subscription_succeeded" in c.recv_raw()
    c.subscribe(ch, expect=False)
    assert c.recv_raw() == error_frame(4301, "Rate limit exceeded")
    c.expect_silence(0.3)
    assert reverb.sdk(APPS["rate"]).channel_info(ch) == {"occupied": False}
