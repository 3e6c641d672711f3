"""HTTP API compatibility with the official ``pusher`` SDK (docs/protocol.md,
API signatures and HTTP responses), with real WebSocket subscribers checking what they receive.

The SDK is constructed as a Laravel app would:
``pusher.Pusher(app_id=..., key=..., secret=..., host='127.0.0.1', port=PORT, ssl=False)``.
"""
from __future__ import annotations

import hashlib
import json
import socket
import time

import pusher
import pytest
import requests
from pusher.errors import PusherBadAuth, PusherBadRequest, PusherBadStatus

import reverb_harness as h
from reverb_harness import APPS, compact, unique, subscribe_authed

MAIN = APPS["main"]


def event_frame(event, data, channel):
    return compact({"event": event, "data": data, "channel": channel})


# ---------------------------------------------------------------------------
# Health check
# ---------------------------------------------------------------------------

def test_up_is_200_health_ok(reverb):
    r = requests.get(f"{reverb.http_base}/up", timeout=5)
    assert r.status_code == 200
    assert r.text == '{"health":"OK"}'
    assert r.headers.get("Content-Length") == "15"
    assert r.headers.get("Content-Type", "").startswith("application/json")


def test_unknown_path_is_404_and_wrong_method_405(reverb):
    assert requests.get(f"{reverb.http_base}/nope", timeout=5).status_code == 404
    r = requests.get(f"{reverb.http_base}/apps/{MAIN.app_id}/events", timeout=5)
    assert r.status_code == 405


def test_http_keep_alive_two_requests_on_one_connection(reverb):
    """docs/protocol.md, HTTP responses: HTTP/1.1 keep-alive with Content-Length on every response."""
    s = socket.create_connection((reverb.host, reverb.port), timeout=5)
    try:
        responses = []
        for _ in range(2):
            s.sendall(b"GET /up HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            buf = b""
            while b"\r\n\r\n" not in buf:
                chunk = s.recv(4096)
                assert chunk, f"connection closed after {len(responses)} response(s): {buf!r}"
                buf += chunk
            head, body = buf.split(b"\r\n\r\n", 1)
            headers = {k.strip().lower(): v.strip() for k, v in
                       (line.split(":", 1) for line in head.decode().split("\r\n")[1:])}
            n = int(headers["content-length"])
            while len(body) < n:
                chunk = s.recv(4096)
                assert chunk
                body += chunk
            assert head.split(b"\r\n")[0].split(b" ")[1] == b"200"
            assert body == b'{"health":"OK"}'
            responses.append(body)
        assert len(responses) == 2
    finally:
        s.close()


# ---------------------------------------------------------------------------
# trigger (POST /events)
# ---------------------------------------------------------------------------

def test_trigger_one_channel_reaches_every_subscriber_exactly(reverb, ws):
    sdk = reverb.sdk(MAIN)
    ch = unique("test-channel-")
    subs = [ws() for _ in range(3)]
    for c in subs:
        c.subscribe(ch)
    assert sdk.trigger(ch, "NewEvent", '{"some":"data"}') == {}
    for c in subs:
        raw = c.recv_raw()
        assert raw == event_frame("NewEvent", '{"some":"data"}', ch)
        assert h.member_order(raw) == ["event", "data", "channel"]


def test_trigger_data_passes_through_verbatim(reverb, ws):
    """The SDK encodes a dict with json.dumps (spaces included); the server must
    deliver that string unchanged as `data`."""
    sdk = reverb.sdk(MAIN)
    ch = unique("test-channel-")
    c = ws()
    c.subscribe(ch)
    payload = {"message": "hello", "n": 1, "nested": {"a": [1, 2]}}
    sdk.trigger(ch, "App\\Events\\MessageSent", payload)
    raw = c.recv_raw()
    assert json.loads(raw) == {"event": "App\\Events\\MessageSent",
                               "data": json.dumps(payload, ensure_ascii=False), "channel": ch}
    assert raw == event_frame("App\\Events\\MessageSent", json.dumps(payload, ensure_ascii=False), ch)


def test_trigger_many_channels(reverb, ws):
    sdk = reverb.sdk(MAIN)
    u = unique()
    chans = [f"test-{u}-one", f"private-{u}-two", f"presence-{u}-three"]
    c = ws()
    c.subscribe(chans[0])
    subscribe_authed(c, MAIN, chans[1])
    subscribe_authed(c, MAIN, chans[2], {"user_id": 1, "user_info": {"name": "Test User"}})
    other = ws()
    other.subscribe(chans[0])
    assert sdk.trigger(chans, "MultiEvent", '{"x":1}') == {}
    got = sorted(c.recv_raw() for _ in chans)
    assert got == sorted(event_frame("MultiEvent", '{"x":1}', ch) for ch in chans)
    assert other.recv_raw() == event_frame("MultiEvent", '{"x":1}', chans[0])
    other.expect_silence(0.4)


def test_trigger_socket_id_excludes_that_socket(reverb, ws):
    sdk = reverb.sdk(MAIN)
    ch = unique("test-channel-")
    a, b = ws(), ws()
    a.subscribe(ch)
    b.subscribe(ch)
    sdk.trigger(ch, "Excluded", '{"n":1}', socket_id=a.socket_id)
    sdk.trigger(ch, "Included", '{"n":2}')
    assert b.recv_raw() == event_frame("Excluded", '{"n":1}', ch)
    assert b.recv_raw() == event_frame("Included", '{"n":2}', ch)
    assert a.recv_raw() == event_frame("Included", '{"n":2}', ch)
    a.expect_silence(0.4)


def test_trigger_socket_id_exclusion_on_many_channels(reverb, ws):
    sdk = reverb.sdk(MAIN)
    u = unique()
    c1, c2 = f"test-{u}-a", f"test-{u}-b"
    a, b = ws(), ws()
    for c in (a, b):
        c.subscribe(c1)
        c.subscribe(c2)
    sdk.trigger([c1, c2], "E", "{}", socket_id=b.socket_id)
    assert sorted([a.recv_raw(), a.recv_raw()]) == sorted(
        [event_frame("E", "{}", c1), event_frame("E", "{}", c2)])
    b.expect_silence(0.5)


def test_trigger_unknown_socket_id_excludes_nobody(reverb, ws):
    sdk = reverb.sdk(MAIN)
    ch = unique("test-channel-")
    a = ws()
    a.subscribe(ch)
    assert sdk.trigger(ch, "E", "{}", socket_id="1234.5678") == {}
    assert a.recv_raw() == event_frame("E", "{}", ch)


def test_trigger_presence_channel(reverb, ws):
    sdk = reverb.sdk(MAIN)
    ch = unique("presence-test-channel-")
    a = ws()
    subscribe_authed(a, MAIN, ch, {"user_id": 1, "user_info": {"name": "Test User"}})
    sdk.trigger(ch, "PresenceEvent", '{"p":true}')
    assert a.recv_raw() == event_frame("PresenceEvent", '{"p":true}', ch)


def test_trigger_private_encrypted_channel_roundtrip(reverb, ws):
    """The SDK encrypts for private-encrypted channels; the subscriber decrypts
    with the shared secret from the SDK's authenticate() — the server only
    relays the ciphertext."""
    import base64
    import nacl.secret
    sdk = reverb.sdk(MAIN, encryption_master_key_base64=h.ENCRYPTION_MASTER_KEY_B64)
    ch = unique("private-encrypted-test-channel-")
    a = ws()
    auth = h.sdk_auth(MAIN, ch, a.socket_id)
    a.subscribe(ch, auth=auth["auth"])
    sdk.trigger(ch, "Secret", {"msg": "hello"})
    msg = json.loads(a.recv_raw())
    assert msg["event"] == "Secret" and msg["channel"] == ch
    envelope = json.loads(msg["data"])
    box = nacl.secret.SecretBox(base64.b64decode(auth["shared_secret"]))
    plain = box.decrypt(base64.b64decode(envelope["ciphertext"]), base64.b64decode(envelope["nonce"]))
    assert json.loads(plain) == {"msg": "hello"}


def test_trigger_to_channel_without_subscribers_is_ok(reverb):
    assert reverb.sdk(MAIN).trigger(unique("nobody-"), "E", "{}") == {}


def test_trigger_response_headers(reverb, ws):
    r = h.signed_request(reverb, MAIN, "POST", f"/apps/{MAIN.app_id}/events",
                         {"name": "E", "channel": unique("c-"), "data": "{}"})
    assert r.status_code == 200
    assert r.text == "{}"
    assert r.headers.get("Content-Length") == "2"
    assert r.headers.get("Content-Type", "").startswith("application/json")


def test_trigger_with_info_reports_counts(reverb, ws):
    u = unique()
    pres, pub = f"presence-{u}-one", f"test-{u}-two"
    a, b = ws(), ws()
    subscribe_authed(a, MAIN, pres, {"user_id": 1, "user_info": {}})
    subscribe_authed(b, MAIN, pres, {"user_id": 1, "user_info": {}})
    a.subscribe(pub)
    r = h.signed_request(reverb, MAIN, "POST", f"/apps/{MAIN.app_id}/events",
                         {"name": "E", "channels": [pres, pub], "data": "{}",
                          "info": "user_count,subscription_count"})
    assert r.status_code == 200
    assert r.json() == {"channels": {pres: {"user_count": 1}, pub: {"subscription_count": 1}}}


# ---------------------------------------------------------------------------
# trigger_batch (POST /batch_events)
# ---------------------------------------------------------------------------

def test_trigger_batch_delivers_each_item(reverb, ws):
    sdk = reverb.sdk(MAIN)
    u = unique()
    c1, c2 = f"test-{u}-a", f"private-{u}-b"
    a = ws()
    a.subscribe(c1)
    subscribe_authed(a, MAIN, c2)
    result = sdk.trigger_batch([
        {"channel": c1, "name": "First", "data": '{"i":1}'},
        {"channel": c2, "name": "Second", "data": '{"i":2}'},
    ])
    assert result == {"batch": {}}
    first, second = a.recv_raw(), a.recv_raw()
    expected = {compact({"event": "First", "channel": c1, "data": '{"i":1}'}),
                compact({"event": "Second", "channel": c2, "data": '{"i":2}'})}
    assert {first, second} == expected
    for raw in (first, second):
        assert h.member_order(raw) == ["event", "channel", "data"]


def test_trigger_batch_socket_id_per_item(reverb, ws):
    sdk = reverb.sdk(MAIN)
    ch = unique("test-channel-")
    a, b = ws(), ws()
    a.subscribe(ch)
    b.subscribe(ch)
    sdk.trigger_batch([
        {"channel": ch, "name": "NotForA", "data": "{}", "socket_id": a.socket_id},
        {"channel": ch, "name": "ForAll", "data": "{}"},
    ])
    got_b = [json.loads(b.recv_raw())["event"] for _ in range(2)]
    assert sorted(got_b) == ["ForAll", "NotForA"]
    assert json.loads(a.recv_raw())["event"] == "ForAll"
    a.expect_silence(0.4)


def test_trigger_batch_with_info(reverb, ws):
    u = unique()
    pres, pub = f"presence-{u}", f"test-{u}"
    a = ws()
    subscribe_authed(a, MAIN, pres, {"user_id": 9, "user_info": {}})
    a.subscribe(pub)
    r = h.signed_request(reverb, MAIN, "POST", f"/apps/{MAIN.app_id}/batch_events", {"batch": [
        {"channel": pres, "name": "E", "data": "{}", "info": "user_count"},
        {"channel": pub, "name": "E", "data": "{}"},
        {"channel": pub, "name": "E", "data": "{}", "info": "subscription_count"},
    ]})
    assert r.status_code == 200
    assert r.text == compact({"batch": [{"user_count": 1}, {}, {"subscription_count": 1}]})


# ---------------------------------------------------------------------------
# channels_info / channel_info / users_info (docs/protocol.md, Channels API)
# ---------------------------------------------------------------------------

def test_channels_info_lists_occupied_channels_with_prefix_filter(reverb, ws):
    sdk = reverb.sdk(MAIN)
    u = unique("x")
    a = ws()
    a.subscribe(f"{u}-one")
    a.subscribe(f"{u}-two")
    a.subscribe(unique("other-"))
    assert sdk.channels_info(prefix_filter=f"{u}-") == {"channels": {f"{u}-one": {}, f"{u}-two": {}}}


def test_channels_info_user_count(reverb, ws):
    sdk = reverb.sdk(MAIN)
    u = unique()
    p1, p2 = f"presence-{u}-a", f"presence-{u}-b"
    a1, a2, b = ws(), ws(), ws()
    subscribe_authed(a1, MAIN, p1, {"user_id": 1, "user_info": {}})
    subscribe_authed(b, MAIN, p1, {"user_id": 2, "user_info": {}})
    subscribe_authed(a1, MAIN, p2, {"user_id": 1, "user_info": {}})
    subscribe_authed(a2, MAIN, p2, {"user_id": 1, "user_info": {}})
    result = sdk.channels_info(prefix_filter=f"presence-{u}", attributes=["user_count"])
    assert result == {"channels": {p1: {"user_count": 2}, p2: {"user_count": 1}}}


def test_channels_info_user_count_only_for_presence(reverb, ws):
    u = unique("y")
    a = ws()
    a.subscribe(f"{u}-pub")
    r = h.signed_request(reverb, MAIN, "GET", f"/apps/{MAIN.app_id}/channels",
                         {"filter_by_prefix": u, "info": "user_count"})
    assert r.status_code == 200
    assert r.text == compact({"channels": {f"{u}-pub": {}}})


def test_channels_info_omits_channels_left_empty(reverb, ws):
    sdk = reverb.sdk(MAIN)
    u = unique("z")
    a = ws()
    a.subscribe(f"{u}-stay")
    a.subscribe(f"{u}-leave")
    a.unsubscribe(f"{u}-leave")
    h.wait_until(lambda: sdk.channels_info(prefix_filter=u) == {"channels": {f"{u}-stay": {}}},
                 message="unsubscribed channel still listed")
    a.close()
    h.wait_until(lambda: sdk.channels_info(prefix_filter=u) == {"channels": {}},
                 message="channel of a closed socket still listed")


def test_channels_info_with_no_channels_is_an_object(reverb):
    """docs/protocol.md, Channels API: {"channels":{}} — not Reverb's {"channels":[]}."""
    r = h.signed_request(reverb, APPS["empty"], "GET", f"/apps/{APPS['empty'].app_id}/channels")
    assert r.status_code == 200
    assert r.text == '{"channels":{}}'
    assert reverb.sdk(APPS["empty"]).channels_info() == {"channels": {}}


def test_channel_info_subscription_count(reverb, ws):
    sdk = reverb.sdk(MAIN)
    ch = unique("test-channel-")
    a, b = ws(), ws()
    a.subscribe(ch)
    b.subscribe(ch)
    assert sdk.channel_info(ch, ["user_count", "subscription_count", "cache"]) == \
        {"occupied": True, "subscription_count": 2}
    assert sdk.channel_info(ch, ["subscription_count"]) == {"occupied": True, "subscription_count": 2}
    assert sdk.channel_info(ch) == {"occupied": True}
    r = h.signed_request(reverb, MAIN, "GET", f"/apps/{MAIN.app_id}/channels/{ch}",
                         {"info": "subscription_count"})
    assert r.text == '{"occupied":true,"subscription_count":2}'
    assert r.headers.get("Content-Length") == str(len(r.content))


def test_channel_info_presence_user_count(reverb, ws):
    sdk = reverb.sdk(MAIN)
    ch = unique("presence-test-channel-")
    a, b = ws(), ws()
    subscribe_authed(a, MAIN, ch, {"user_id": 5, "user_info": {}})
    subscribe_authed(b, MAIN, ch, {"user_id": 5, "user_info": {}})
    assert sdk.channel_info(ch, ["user_count", "subscription_count"]) == \
        {"occupied": True, "user_count": 1}


def test_channel_info_unknown_channel(reverb):
    assert reverb.sdk(MAIN).channel_info(unique("nobody-"), ["subscription_count"]) == \
        {"occupied": False}


def test_channel_info_cache(reverb, ws):
    sdk = reverb.sdk(MAIN)
    ch = unique("cache-test-channel-")
    a = ws()
    a.subscribe(ch)
    a.recv_event("pusher:cache_miss")
    sdk.trigger(ch, "Cached", '{"some":"data"}')
    a.recv_raw()
    assert sdk.channel_info(ch, ["subscription_count", "cache"]) == {
        "occupied": True, "subscription_count": 1,
        "cache": {"event": "Cached", "data": '{"some":"data"}', "channel": ch}}
    assert sdk.channel_info(ch, ["cache"]) == {
        "occupied": True, "cache": {"event": "Cached", "data": '{"some":"data"}', "channel": ch}}


def test_users_info(reverb, ws):
    sdk = reverb.sdk(MAIN)
    ch = unique("presence-test-channel-")
    for uid in ["1", "2", "3", "2"]:
        subscribe_authed(ws(), MAIN, ch, {"user_id": uid, "user_info": {}})
    assert sdk.users_info(ch) == {"users": [{"id": "1"}, {"id": "2"}, {"id": "3"}]}


def test_users_info_errors(reverb, ws):
    sdk = reverb.sdk(MAIN)
    pub = unique("test-channel-")
    ws().subscribe(pub)
    with pytest.raises(PusherBadRequest):    # 400: not a presence channel
        sdk.users_info(pub)
    with pytest.raises(PusherBadStatus) as e:
        sdk.users_info(unique("presence-nobody-"))
    assert str(e.value).startswith("404")


# ---------------------------------------------------------------------------
# Cache channels via the API (docs/protocol.md, Cache channels)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("prefix,user", [
    ("cache-", None),
    ("private-cache-", None),
    ("presence-cache-", {"user_id": 1, "user_info": {"name": "Test User"}}),
    ("private-encrypted-cache-", None),
])
def test_cache_channel_replays_last_event_to_new_subscriber(reverb, ws, prefix, user):
    sdk = reverb.sdk(MAIN, encryption_master_key_base64=h.ENCRYPTION_MASTER_KEY_B64)
    ch = unique(prefix + "test-channel-")
    holder = ws()   # the cache lives while the channel is occupied
    if prefix == "cache-":
        holder.subscribe(ch)
    else:
        subscribe_authed(holder, MAIN, ch, user)
    holder.recv_event("pusher:cache_miss")
    sdk.trigger(ch, "App\\Events\\TestEvent", '{"foo":"old"}')
    sdk.trigger(ch, "App\\Events\\TestEvent", '{"foo":"bar"}')
    holder.recv_raw()
    last = holder.recv_raw()
    if "encrypted" not in prefix:
        assert last == event_frame("App\\Events\\TestEvent", '{"foo":"bar"}', ch)
    late = ws()
    user2 = {"user_id": 2, "user_info": {"name": "Late"}} if user else None
    if prefix == "cache-":
        late.subscribe(ch)
    else:
        subscribe_authed(late, MAIN, ch, user2)
    assert late.recv_raw() == last
    late.expect_silence(0.4)


def test_cache_is_kept_even_when_the_only_subscriber_is_excluded(reverb, ws):
    sdk = reverb.sdk(MAIN)
    ch = unique("cache-test-channel-")
    holder = ws()
    holder.subscribe(ch)
    holder.recv_event("pusher:cache_miss")
    sdk.trigger(ch, "E", '{"v":1}', socket_id=holder.socket_id)
    holder.expect_silence(0.4)
    late = ws()
    late.subscribe(ch)
    assert late.recv_raw() == event_frame("E", '{"v":1}', ch)


def test_cache_vanishes_with_the_last_subscriber(reverb, ws):
    sdk = reverb.sdk(MAIN)
    ch = unique("cache-test-channel-")
    holder = ws()
    holder.subscribe(ch)
    holder.recv_event("pusher:cache_miss")
    sdk.trigger(ch, "E", "{}")
    holder.recv_raw()
    holder.unsubscribe(ch)
    h.wait_until(lambda: sdk.channel_info(ch) == {"occupied": False})
    late = ws()
    late.subscribe(ch)
    assert late.recv_raw() == h.compact({"event": "pusher:cache_miss", "channel": ch})


# ---------------------------------------------------------------------------
# terminate_user_connections (Reverb's route)
# ---------------------------------------------------------------------------

def _terminate_setup(ws, uid):
    ch = unique("presence-test-channel-")
    pub = unique("test-channel-")
    victim1, victim2, bystander = ws(), ws(), ws()
    victim1.subscribe(pub)   # a public channel first (#399)
    subscribe_authed(victim1, MAIN, ch, {"user_id": uid, "user_info": {}})
    subscribe_authed(victim2, MAIN, ch, {"user_id": uid, "user_info": {}})
    subscribe_authed(bystander, MAIN, ch, {"user_id": "someone-else", "user_info": {}})
    return ch, victim1, victim2, bystander


def _assert_terminated(ch, uid, victims, bystander):
    for v in victims:
        v.expect_close(timeout=3)
    assert bystander.recv_event("pusher_internal:member_removed", timeout=3) == compact(
        {"event": "pusher_internal:member_removed", "data": compact({"user_id": uid}), "channel": ch})
    bystander.send_raw('{"event":"pusher:ping","data":{}}')
    assert bystander.recv_event("pusher:pong") == '{"event":"pusher:pong"}'


def test_terminate_user_connections_closes_that_users_sockets(reverb, ws):
    uid = unique("user-")
    ch, v1, v2, bystander = _terminate_setup(ws, uid)
    r = h.signed_request(reverb, MAIN, "POST",
                         f"/apps/{MAIN.app_id}/users/{uid}/terminate_connections", {})
    assert r.status_code == 200
    assert r.text == "{}"
    _assert_terminated(ch, uid, [v1, v2], bystander)


def test_terminate_unknown_user_is_200(reverb):
    r = h.signed_request(reverb, MAIN, "POST",
                         f"/apps/{MAIN.app_id}/users/{unique('ghost-')}/terminate_connections", {})
    assert r.status_code == 200
    assert r.text == "{}"


def test_sdk_terminate_user_connections_method(reverb, ws):
    """The Python SDK's own method (pusher 3.3.4) POSTs to
    /users/{id}/terminate_connections without the /apps/{id} prefix, signed with
    the app key: a Laravel-style Python backend calling it must work."""
    uid = unique("user-")
    ch, v1, v2, bystander = _terminate_setup(ws, uid)
    assert reverb.sdk(MAIN).terminate_user_connections(uid) == {}
    _assert_terminated(ch, uid, [v1, v2], bystander)


# ---------------------------------------------------------------------------
# Signatures and errors (docs/protocol.md, API signatures)
# ---------------------------------------------------------------------------

def test_bad_signature_is_401(reverb, ws):
    ch = unique("test-channel-")
    a = ws()
    a.subscribe(ch)
    bad = pusher.Pusher(app_id=MAIN.app_id, key=MAIN.key, secret="not-the-secret",
                        host="127.0.0.1", port=reverb.port, ssl=False)
    with pytest.raises(PusherBadAuth):
        bad.trigger(ch, "E", "{}")
    r = h.signed_request(reverb, MAIN, "POST", f"/apps/{MAIN.app_id}/events",
                         {"name": "E", "channel": ch, "data": "{}"}, secret="not-the-secret")
    # Reverb's sentence, then which check failed (the HTTP API issue asks for it).
    assert r.status_code == 401
    assert r.text == "Authentication signature invalid: auth_signature does not match the request."
    a.expect_silence(0.4)


def test_unsigned_request_is_401(reverb):
    r = requests.post(f"{reverb.http_base}/apps/{MAIN.app_id}/events",
                      json={"name": "E", "channel": "c", "data": "{}"}, timeout=5)
    assert r.status_code == 401
    r = requests.get(f"{reverb.http_base}/apps/{MAIN.app_id}/channels", timeout=5)
    assert r.status_code == 401


def test_unknown_app_id_is_404(reverb):
    ghost = h.App("999999", MAIN.key, MAIN.secret)
    with pytest.raises(PusherBadStatus) as e:
        reverb.sdk(ghost).trigger("c", "E", "{}")
    assert str(e.value).startswith("404")
    r = h.signed_request(reverb, ghost, "POST", "/apps/999999/events",
                         {"name": "E", "channel": "c", "data": "{}"})
    assert r.status_code == 404
    assert r.text == "No matching application for ID [999999]."


def _manual_sign(app, method, path, params, body=b"", body_md5=True, timestamp=None,
                 key=None, tamper_md5=False):
    q = dict(params)
    q.update({"auth_key": key or app.key, "auth_version": "1.0",
              "auth_timestamp": str(int(timestamp if timestamp is not None else time.time()))})
    if body_md5:
        md5 = hashlib.md5(body).hexdigest()
        q["body_md5"] = ("0" * 32) if tamper_md5 else md5
    to_sign = "\n".join([method, path, "&".join(f"{k}={v}" for k, v in sorted(q.items()))])
    q["auth_signature"] = h.hmac_hex(app.secret, to_sign)
    return q


def test_php_style_get_without_body_md5_is_accepted(reverb):
    """pusher-php-server signs GETs without body_md5 (docs/protocol.md, API signatures)."""
    path = f"/apps/{MAIN.app_id}/channels"
    q = _manual_sign(MAIN, "GET", path, {"filter_by_prefix": unique("none-")}, body_md5=False)
    r = requests.get(f"{reverb.http_base}{path}", params=q, timeout=5)
    assert r.status_code == 200, r.text
    assert r.json() == {"channels": {}}


def test_post_with_wrong_body_md5_is_401(reverb):
    path = f"/apps/{MAIN.app_id}/events"
    body = json.dumps({"name": "E", "channel": "c", "data": "{}"}).encode()
    q = _manual_sign(MAIN, "POST", path, {}, body=body, tamper_md5=True)
    r = requests.post(f"{reverb.http_base}{path}", params=q, data=body,
                      headers={"Content-Type": "application/json"}, timeout=5)
    assert r.status_code == 401


def test_post_with_body_but_no_body_md5_is_401(reverb):
    path = f"/apps/{MAIN.app_id}/events"
    body = json.dumps({"name": "E", "channel": "c", "data": "{}"}).encode()
    q = _manual_sign(MAIN, "POST", path, {}, body=body, body_md5=False)
    r = requests.post(f"{reverb.http_base}{path}", params=q, data=body,
                      headers={"Content-Type": "application/json"}, timeout=5)
    assert r.status_code == 401


def test_stale_timestamp_is_401(reverb):
    path = f"/apps/{MAIN.app_id}/channels"
    q = _manual_sign(MAIN, "GET", path, {}, timestamp=time.time() - 3600)
    r = requests.get(f"{reverb.http_base}{path}", params=q, timeout=5)
    assert r.status_code == 401
    q = _manual_sign(MAIN, "GET", path, {}, timestamp=time.time() - 60)
    assert requests.get(f"{reverb.http_base}{path}", params=q, timeout=5).status_code == 200


def test_auth_key_must_be_the_apps_key(reverb):
    path = f"/apps/{MAIN.app_id}/channels"
    q = _manual_sign(MAIN, "GET", path, {}, key=APPS["all"].key)
    r = requests.get(f"{reverb.http_base}{path}", params=q, timeout=5)
    assert r.status_code == 401


@pytest.mark.parametrize("params", [
    {"name": "E", "channel": "test-channel"},
    {"name": "E", "channels": ["test-channel-a", "test-channel-b"]},
])
def test_missing_data_is_422(reverb, params):
    r = h.signed_request(reverb, MAIN, "POST", f"/apps/{MAIN.app_id}/events", params)
    assert r.status_code == 422
    assert r.json() == {"data": ["The data field is required."]}


@pytest.mark.parametrize("params", [
    {"name": "E", "channel": "test-channel", "data": "{}", "socket_id": 1234},
    {"name": "E", "channel": "test-channel", "data": "{}", "info": 1234},
    {"channel": "test-channel", "data": "{}"},
])
def test_invalid_fields_are_422(reverb, params):
    r = h.signed_request(reverb, MAIN, "POST", f"/apps/{MAIN.app_id}/events", params)
    assert r.status_code == 422


def test_sdk_reports_422_as_bad_status(reverb):
    from pusher.http import Request, POST
    sdk = reverb.sdk(MAIN)
    req = Request(sdk._pusher_client, POST, f"/apps/{MAIN.app_id}/events", {"name": "E", "channel": "c"})
    with pytest.raises(PusherBadStatus) as e:
        sdk._pusher_client.http.send_request(req)
    assert str(e.value).startswith("422")


def test_request_over_max_request_size_is_413(reverb):
    r = h.signed_request(reverb, MAIN, "POST", f"/apps/{MAIN.app_id}/events",
                         {"name": "E", "channel": "c", "data": "x" * 12000})
    assert r.status_code == 413


# ---------------------------------------------------------------------------
# A server with path "ws" (docs/protocol.md, API signatures)
# ---------------------------------------------------------------------------

def test_server_path_prefix(start_server):
    srv = start_server(h.default_config(path="ws"))
    assert requests.get(f"{srv.http_base}/ws/up", timeout=5).text == '{"health":"OK"}'
    assert requests.get(f"{srv.http_base}/up", timeout=5).status_code == 404
    ch = unique("test-channel-")
    c = h.WSClient(srv.ws_url(MAIN.key, path_prefix="ws"))
    try:
        c.subscribe(ch)
        # pusher-php signs the path without its `path` option; the server strips its prefix
        r = h.signed_request(srv, MAIN, "POST", f"/apps/{MAIN.app_id}/events",
                             {"name": "Prefixed", "channel": ch, "data": "{}"}, url_prefix="/ws")
        assert r.status_code == 200, r.text
        assert c.recv_raw() == event_frame("Prefixed", "{}", ch)
        r = h.signed_request(srv, MAIN, "POST", f"/apps/{MAIN.app_id}/events",
                             {"name": "E", "channel": ch, "data": "{}"})
        assert r.status_code == 404
        from websockets.exceptions import InvalidStatus
        with pytest.raises(InvalidStatus) as e:
            h.WSClient(srv.ws_url(MAIN.key))
        assert e.value.response.status_code == 404
    finally:
        c.close()


def test_sigterm_exits_zero_with_open_sockets(start_server):
    srv = start_server()
    c = h.WSClient(srv.ws_url(MAIN.key))
    c.subscribe(unique("test-channel-"))
    try:
        assert srv.terminate(timeout=10) == 0
        c.expect_close(timeout=3)
    finally:
        c.close()


# ---------------------------------------------------------------------------
# More routes and edge cases
# ---------------------------------------------------------------------------

def test_wrong_method_405_has_allow_header(reverb):
    r = requests.get(f"{reverb.http_base}/apps/{MAIN.app_id}/events", timeout=5)
    assert r.status_code == 405
    assert "POST" in r.headers.get("Allow", "")


def test_channels_info_subscription_count(reverb, ws):
    u = unique("s")
    a, b = ws(), ws()
    a.subscribe(f"{u}-one")
    b.subscribe(f"{u}-one")
    b.subscribe(f"{u}-two")
    result = reverb.sdk(MAIN).channels_info(prefix_filter=u, attributes=["subscription_count"])
    assert result == {"channels": {f"{u}-one": {"subscription_count": 2},
                                   f"{u}-two": {"subscription_count": 1}}}


def test_channel_names_with_allowed_punctuation(reverb, ws):
    """pusher's channel-name alphabet includes = @ , . ; (Reverb validates no names)."""
    sdk = reverb.sdk(MAIN)
    ch = unique("test-") + "_a=b@c,d.e;f"
    c = ws()
    c.subscribe(ch)
    sdk.trigger(ch, "Punct", "{}")
    assert c.recv_raw() == event_frame("Punct", "{}", ch)
    assert sdk.channel_info(ch, ["subscription_count"]) == {"occupied": True, "subscription_count": 1}


def test_api_events_stay_in_their_app(reverb, ws):
    ch = unique("test-channel-")
    mine, other_app = ws("main"), ws("all")
    mine.subscribe(ch)
    other_app.subscribe(ch)
    reverb.sdk(MAIN).trigger(ch, "OnlyMain", "{}")
    assert mine.recv_raw() == event_frame("OnlyMain", "{}", ch)
    other_app.expect_silence(0.5)
    assert reverb.sdk(APPS["all"]).channel_info(ch, ["subscription_count"]) == \
        {"occupied": True, "subscription_count": 1}


def test_terminate_matches_integer_user_ids_as_strings(reverb, ws):
    ch = unique("presence-test-channel-")
    victim, bystander = ws(), ws()
    subscribe_authed(victim, MAIN, ch, {"user_id": 456, "user_info": {}})
    subscribe_authed(bystander, MAIN, ch, {"user_id": 457, "user_info": {}})
    r = h.signed_request(reverb, MAIN, "POST",
                         f"/apps/{MAIN.app_id}/users/456/terminate_connections", {})
    assert r.status_code == 200
    victim.expect_close(timeout=3)
    assert bystander.recv_event("pusher_internal:member_removed") == compact(
        {"event": "pusher_internal:member_removed", "data": compact({"user_id": 456}), "channel": ch})


def test_large_api_request_within_a_raised_max_request_size(start_server):
    """Reverb's own test: a 150 KB API request with max_request_size 200 000 is buffered whole."""
    srv = start_server(h.default_config(max_request_size=200_000))
    ch = unique("test-channel-")
    c = h.WSClient(srv.ws_url(MAIN.key))
    try:
        c.subscribe(ch)
        data = compact({"blob": "x" * 150_000})
        r = h.signed_request(srv, MAIN, "POST", f"/apps/{MAIN.app_id}/events",
                             {"name": "Big", "channel": ch, "data": data})
        assert r.status_code == 200, r.text[:200]
        assert r.text == "{}"
        assert c.recv_raw() == event_frame("Big", data, ch)
    finally:
        c.close()


def test_error_responses_carry_content_type_and_length(reverb):
    """docs/protocol.md, HTTP responses: every response carries Content-Type and Content-Length."""
    for r in (requests.get(f"{reverb.http_base}/nope", timeout=5),
              requests.get(f"{reverb.http_base}/apps/{MAIN.app_id}/channels", timeout=5),
              h.signed_request(reverb, h.App("999999", MAIN.key, MAIN.secret), "GET",
                               "/apps/999999/channels")):
        assert r.status_code in (401, 404)
        assert "Content-Type" in r.headers, (r.status_code, dict(r.headers))
        assert r.headers.get("Content-Length") == str(len(r.content)), (r.status_code, dict(r.headers))


@pytest.mark.parametrize("body,message", [
    (b"", "The request body is empty; send a JSON object."),
    (b"not json", "The request body is not valid JSON: "),
    (b"{\"name\":", "The request body is not valid JSON: "),
])
def test_invalid_json_body_is_400(reverb, body, message):
    """Reverb answers 500; a body the client got wrong is a 400 that says what is wrong."""
    path = f"/apps/{MAIN.app_id}/events"
    q = _manual_sign(MAIN, "POST", path, {}, body=body, body_md5=bool(body))
    r = requests.post(f"{reverb.http_base}{path}", params=q, data=body,
                      headers={"Content-Type": "application/json"}, timeout=5)
    assert r.status_code == 400
    assert r.text.startswith(message)


def test_batch_item_missing_data_is_422(reverb):
    r = h.signed_request(reverb, MAIN, "POST", f"/apps/{MAIN.app_id}/batch_events",
                         {"batch": [{"name": "E", "channel": "c"}]})
    assert r.status_code == 422


def test_banner_line(reverb):
    import re
    assert re.search(r"^\s*INFO\s+Starting server on 127\.0\.0\.1:%d\.\s*$" % reverb.port,
                     reverb.log_text(), re.M), reverb.log_text()[:500]


def test_users_error_bodies(reverb, ws):
    """Reverb's statuses (400 not presence, 404 not occupied), with a body that says why instead of `{}`."""
    pub = unique("test-channel-")
    ws().subscribe(pub)
    r = h.signed_request(reverb, MAIN, "GET", f"/apps/{MAIN.app_id}/channels/{pub}/users")
    assert (r.status_code, r.text) == (400, f"Users can only be listed for presence channels; {pub} is not one.")
    ghost = unique("presence-nobody-")
    r = h.signed_request(reverb, MAIN, "GET", f"/apps/{MAIN.app_id}/channels/{ghost}/users")
    assert (r.status_code, r.text) == (404, f"Channel {ghost} is not occupied.")


def _read_http_response(s, buf=b""):
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(4096)
        if not chunk:
            return None, buf
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    headers = {k.strip().lower(): v.strip() for k, v in
               (line.split(":", 1) for line in head.decode().split("\r\n")[1:])}
    n = int(headers.get("content-length", "0"))
    while len(rest) < n:
        chunk = s.recv(4096)
        if not chunk:
            break
        rest += chunk
    status = int(head.split(b" ")[1])
    return (status, headers, rest[:n]), rest[n:]


def test_http_pipelined_requests_are_answered_in_order(reverb):
    s = socket.create_connection((reverb.host, reverb.port), timeout=5)
    try:
        s.sendall(b"GET /up HTTP/1.1\r\nHost: a\r\n\r\nGET /nope HTTP/1.1\r\nHost: a\r\n\r\n")
        first, rest = _read_http_response(s)
        second, _ = _read_http_response(s, rest)
        assert first is not None and first[0] == 200 and first[2] == b'{"health":"OK"}'
        assert second is not None and second[0] == 404
    finally:
        s.close()


def test_http_connection_close_is_honoured(reverb):
    s = socket.create_connection((reverb.host, reverb.port), timeout=5)
    try:
        s.sendall(b"GET /up HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        resp, rest = _read_http_response(s)
        assert resp[0] == 200
        assert rest == b"" and s.recv(4096) == b"", "server kept the connection open"
    finally:
        s.close()


def test_php_style_percent_encoded_query_values_verify(reverb, ws):
    """pusher-php-server builds the query with http_build_query (',' → %2C) and
    signs the decoded values (docs/protocol.md, API signatures)."""
    from urllib.parse import quote
    u = unique("q")
    a = ws()
    a.subscribe(f"{u}-one")
    path = f"/apps/{MAIN.app_id}/channels"
    q = _manual_sign(MAIN, "GET", path, {"filter_by_prefix": u,
                                         "info": "user_count,subscription_count"}, body_md5=False)
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in q.items())
    assert "%2C" in query
    r = requests.get(f"{reverb.http_base}{path}?{query}", timeout=5)
    assert r.status_code == 200, r.text
    assert r.json() == {"channels": {f"{u}-one": {"subscription_count": 1}}}


def test_trigger_info_for_unoccupied_channel_is_empty_object(reverb):
    ch = unique("test-nobody-")
    r = h.signed_request(reverb, MAIN, "POST", f"/apps/{MAIN.app_id}/events",
                         {"name": "E", "channels": [ch], "data": "{}",
                          "info": "subscription_count"})
    assert r.status_code == 200
    assert r.text == compact({"channels": {ch: {}}})


def test_channel_info_cache_omitted_when_nothing_cached(reverb, ws):
    ch = unique("cache-test-channel-")
    a = ws()
    a.subscribe(ch)
    assert reverb.sdk(MAIN).channel_info(ch, ["cache", "subscription_count"]) == \
        {"occupied": True, "subscription_count": 1}
