"""Three ``reverb-tui --headless`` nodes sharing one real ``redis-server``
(REVERB_SCALING_ENABLED): every client and every API call sees one server,
through a Redis restart and a node killed with -9 (issue 9)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest

import cluster_harness as ch
import reverb_harness as h
from reverb_harness import APPS, WSClient, subscribe_authed, wait_until, unique

MAIN = APPS["main"]


@pytest.fixture(scope="module")
def nodes(redis):
    started = ch.start_nodes(redis)
    yield started
    for n in started:
        n.terminate()


@pytest.fixture
def clients():
    opened = []

    def open_on(node, app=MAIN, **kw):
        c = WSClient(node.ws_url(app.key), **kw)
        opened.append(c)
        return c

    yield open_on
    for c in opened:
        c.close()


def events_of(client: WSClient, name: str, seconds: float = 0.8) -> list[dict]:
    """Everything that arrives for ``seconds``; the messages named ``name``."""
    out = []
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return out
        try:
            msg = json.loads(client.recv_raw(left))
        except AssertionError:
            return out
        if msg.get("event") == name:
            out.append(msg)


def api(node, app=MAIN):
    return node.sdk(app)


# ---------------------------------------------------------------------------
# 1. Configuration, banner
# ---------------------------------------------------------------------------

def test_banner_shows_scaling_address_and_state_never_the_password():
    redis = ch.RedisProcess(["--requirepass", "s3cr3t-pw"]).start()
    try:
        config = ch.cluster_config(redis, unique("reverb-"))
        config["server"]["scaling"]["server"] = {"url": f"redis://:s3cr3t-pw@127.0.0.1:{redis.port}/2"}
        node = h.ServerProcess(config).start()
        try:
            text = node.log_text()
            assert f"Scaling on  ·  redis://127.0.0.1:{redis.port}/2 connected" in text, text
            assert "s3cr3t-pw" not in text
            wait_until(lambda: "Redis connection established" in node.log_text(), 3)  # --debug line
        finally:
            node.terminate()
    finally:
        redis.stop()


def test_banner_says_scaling_off_without_it(reverb):
    assert "Scaling off" in reverb.log_text()


@pytest.mark.parametrize("env", [
    {"REVERB_SCALING_ENABLED": "perhaps"},
    {"REVERB_SCALING_ENABLED": "true", "REDIS_PORT": "99999"},
    {"REVERB_SCALING_ENABLED": "true", "REDIS_URL": "http://user:topsecret@127.0.0.1:6379"},
])
def test_bad_scaling_value_stops_startup_with_one_line(env, tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("REVERB_", "REDIS_"))}
    proc = subprocess.run([str(h.server_binary()), "--headless", "--port", "0"], env={**clean, **env},
                          cwd=tmp_path, capture_output=True, text=True, timeout=20)
    assert proc.returncode != 0
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, proc.stderr
    assert list(env)[-1] in lines[0]
    assert "topsecret" not in proc.stderr + proc.stdout


def test_env_file_turns_scaling_on(redis, tmp_path):
    (tmp_path / ".env").write_text(
        "REVERB_APP_ID=1\nREVERB_APP_KEY=k\nREVERB_APP_SECRET=s\nREVERB_SCALING_ENABLED=true\n"
        f"REDIS_HOST=127.0.0.1\nREDIS_PORT={redis.port}\nREDIS_PASSWORD=null\n")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("REVERB_", "REDIS_"))}
    proc = subprocess.Popen([str(h.server_binary()), "--headless", "--port", "0", "--host", "127.0.0.1"],
                            env=clean, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        seen = ""
        deadline = time.monotonic() + 15
        while "Scaling on" not in seen and time.monotonic() < deadline:
            seen += proc.stdout.readline()
        assert f"Scaling on  ·  redis://127.0.0.1:{redis.port} connected" in seen, seen
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)


# ---------------------------------------------------------------------------
# 3. Events reach every node exactly once, in order, with socket exclusion
# ---------------------------------------------------------------------------

def test_api_event_reaches_subscribers_on_every_node_once(nodes, clients):
    channel = unique("orders-")
    subs = [clients(n) for n in nodes]
    for s in subs:
        s.subscribe(channel)
    for publisher in nodes:
        api(publisher).trigger(channel, "Placed", {"from": publisher.port})
        for s in subs:
            got = events_of(s, "Placed", 0.6)
            assert len(got) == 1, (publisher.port, got)
            assert json.loads(got[0]["data"]) == {"from": publisher.port}
            assert got[0]["channel"] == channel


def test_events_keep_publisher_order_without_duplicates(nodes, clients):
    channel = unique("ticks-")
    far = clients(nodes[2])
    far.subscribe(channel)
    sdk = api(nodes[0])
    for i in range(60):
        sdk.trigger(channel, "Tick", {"i": i})
    got = []
    deadline = time.monotonic() + 5
    while len(got) < 60 and time.monotonic() < deadline:
        got += [json.loads(m["data"])["i"] for m in events_of(far, "Tick", 0.3)]
    assert got == list(range(60))
    assert events_of(far, "Tick", 0.5) == []


def test_batch_events_reach_every_node(nodes, clients):
    a, b = unique("batch-a-"), unique("batch-b-")
    sa, sb = clients(nodes[1]), clients(nodes[2])
    sa.subscribe(a)
    sb.subscribe(b)
    api(nodes[0]).trigger_batch([
        {"channel": a, "name": "One", "data": "1"},
        {"channel": b, "name": "Two", "data": "2"},
    ])
    assert [m["data"] for m in events_of(sa, "One")] == ["1"]
    assert [m["data"] for m in events_of(sb, "Two")] == ["2"]


def test_socket_id_exclusion_honoured_on_the_node_that_holds_the_socket(nodes, clients):
    channel = unique("excl-")
    sender = clients(nodes[2])
    other = clients(nodes[1])
    sender.subscribe(channel)
    other.subscribe(channel)
    api(nodes[0]).trigger(channel, "Saved", {"x": 1}, socket_id=sender.socket_id)
    assert len(events_of(other, "Saved")) == 1
    assert events_of(sender, "Saved", 0.6) == []


def test_client_events_cross_nodes_but_not_back_to_the_sender(nodes, clients):
    channel = unique("private-chat-")
    sender, receivers = clients(nodes[0]), [clients(nodes[1]), clients(nodes[2])]
    for c in [sender] + receivers:
        subscribe_authed(c, MAIN, channel)
    sender.send_json({"event": "client-typing", "channel": channel, "data": {"who": "ann"}})
    for r in receivers:
        got = events_of(r, "client-typing")
        assert len(got) == 1 and got[0]["data"] == {"who": "ann"}
    assert events_of(sender, "client-typing", 0.5) == []


def test_envelopes_in_redis_carry_the_app_id_never_the_secret(redis, nodes, clients):
    channel = unique("secret-check-")
    s = clients(nodes[1])
    s.subscribe(channel)
    api(nodes[0]).trigger(channel, "Peek", {"n": 1})
    events_of(s, "Peek")
    stream_keys = [k for k in redis.cli("--scan", "--pattern", "*:events").split() if k]
    dump = "".join(redis.cli("XRANGE", key, "-", "+") for key in stream_keys)
    assert channel in dump and MAIN.app_id in dump
    assert MAIN.secret not in dump
    everything = redis.cli("--scan")
    assert MAIN.secret not in everything


# ---------------------------------------------------------------------------
# 4. Presence per user across the cluster
# ---------------------------------------------------------------------------

def test_presence_is_per_user_across_nodes(nodes, clients):
    channel = unique("presence-room-")
    watcher = clients(nodes[2])
    subscribe_authed(watcher, MAIN, channel, {"user_id": "w", "user_info": {"name": "Watcher"}})

    ann1 = clients(nodes[0])
    ok = json.loads(subscribe_authed(ann1, MAIN, channel, {"user_id": 7, "user_info": {"name": "Ann"}}))
    presence = json.loads(ok["data"])["presence"]
    assert presence["count"] == 2 and set(map(str, presence["ids"])) == {"w", "7"}
    assert presence["hash"]["w"] == {"name": "Watcher"}
    added = events_of(watcher, "pusher_internal:member_added")
    assert len(added) == 1 and json.loads(added[0]["data"]) == {"user_id": 7, "user_info": {"name": "Ann"}}

    ann2 = clients(nodes[1])  # the same user on a second node: nobody hears about it
    ok2 = json.loads(subscribe_authed(ann2, MAIN, channel, {"user_id": 7, "user_info": {"name": "Ann"}}))
    assert json.loads(ok2["data"])["presence"]["count"] == 2
    assert events_of(watcher, "pusher_internal:member_added", 0.6) == []

    r = h.signed_request(nodes[1], MAIN, "GET", f"/apps/{MAIN.app_id}/channels/{channel}", {"info": "user_count"})
    assert r.json() == {"occupied": True, "user_count": 2}

    ann1.close()  # one of two sockets: still present
    assert events_of(watcher, "pusher_internal:member_removed", 0.8) == []
    ann2.close()  # the last one anywhere
    removed = events_of(watcher, "pusher_internal:member_removed", 2)
    assert len(removed) == 1 and json.loads(removed[0]["data"]) == {"user_id": 7}


# ---------------------------------------------------------------------------
# 5. The HTTP API answers for the cluster from any node
# ---------------------------------------------------------------------------

def test_api_reads_are_cluster_wide_from_every_node(nodes, clients):
    tag = unique("api")
    pres = f"presence-{tag}"
    pub = f"{tag}-public"
    socks = [clients(n) for n in nodes]
    for i, s in enumerate(socks):
        s.subscribe(pub)
        subscribe_authed(s, MAIN, pres, {"user_id": "u1" if i < 2 else "u2"})
    for node in nodes:
        sdk = api(node)
        chans = sdk.channels_info(prefix_filter="presence-" + tag, attributes=["user_count"])["channels"]
        assert chans == {pres: {"user_count": 2}}
        info = sdk.channel_info(pub, ["subscription_count"])
        assert info == {"occupied": True, "subscription_count": 3}
        users = sdk.users_info(pres)["users"]
        assert sorted(u["id"] for u in users) == ["u1", "u2"]
        r = h.signed_request(node, MAIN, "GET", f"/apps/{MAIN.app_id}/connections")
        assert r.status_code == 200 and r.json()["connections"] >= 3
        listing = sdk.channels_info(attributes=["subscription_count"])["channels"]
        assert listing[pub] == {"subscription_count": 3}
    for s in socks:
        s.close()
    wait_until(lambda: api(nodes[1]).channel_info(pub) == {"occupied": False}, 3)


def test_connections_is_the_sum_of_all_nodes(redis):
    nodes = ch.start_nodes(redis)
    try:
        opened = [WSClient(n.ws_url(MAIN.key)) for n in nodes for _ in range(2)]
        for n in nodes:
            wait_until(lambda: h.signed_request(n, MAIN, "GET", f"/apps/{MAIN.app_id}/connections").json()
                       == {"connections": 6}, 3)
        for c in opened:
            c.close()
        wait_until(lambda: h.signed_request(nodes[0], MAIN, "GET", f"/apps/{MAIN.app_id}/connections").json()
                   == {"connections": 0}, 3)
    finally:
        for n in nodes:
            n.terminate()


def test_publish_info_counts_the_cluster(nodes, clients):
    channel = unique("info-")
    for n in nodes:
        clients(n).subscribe(channel)
    r = h.signed_request(nodes[0], MAIN, "POST", f"/apps/{MAIN.app_id}/events",
                         {"name": "E", "data": "{}", "channels": [channel], "info": "subscription_count"})
    assert r.status_code == 200 and r.json() == {"channels": {channel: {"subscription_count": 3}}}


def test_terminate_connections_closes_the_users_sockets_on_every_node(nodes, clients):
    channel = unique("presence-term-")
    victims = [clients(n) for n in nodes]
    bystander = clients(nodes[0])
    for v in victims:
        subscribe_authed(v, MAIN, channel, {"user_id": "bad"})
    subscribe_authed(bystander, MAIN, channel, {"user_id": "good"})
    r = h.signed_request(nodes[1], MAIN, "POST", f"/apps/{MAIN.app_id}/users/bad/terminate_connections")
    assert r.status_code == 200
    for v in victims:
        assert v.expect_close(3).code == 4009
    removed = events_of(bystander, "pusher_internal:member_removed", 2)
    assert [json.loads(m["data"])["user_id"] for m in removed] == ["bad"]


# ---------------------------------------------------------------------------
# 6. Cache channels and max_connections
# ---------------------------------------------------------------------------

def test_cache_channel_last_event_is_cluster_wide(nodes, clients):
    channel = unique("cache-prices-")
    first = clients(nodes[0])
    first.subscribe(channel)
    api(nodes[1]).trigger(channel, "Price", {"v": 42})
    events_of(first, "Price")
    late = clients(nodes[2])
    late.send_json({"event": "pusher:subscribe", "data": {"channel": channel}})
    late.recv_event("pusher_internal:subscription_succeeded")
    cached = late.recv_json()
    assert cached["event"] == "Price" and json.loads(cached["data"]) == {"v": 42}
    r = h.signed_request(nodes[2], MAIN, "GET", f"/apps/{MAIN.app_id}/channels/{channel}", {"info": "cache"})
    assert r.json()["cache"]["event"] == "Price"


def test_cache_miss_on_an_empty_cache_channel(nodes, clients):
    c = clients(nodes[1])
    channel = unique("cache-empty-")
    c.subscribe(channel)
    assert c.recv_json()["event"] == "pusher:cache_miss"


def test_max_connections_counts_the_cluster(nodes, clients):
    quota = APPS["quota"]
    first = clients(nodes[0], app=quota)
    assert first.socket_id
    time.sleep(0.3)
    second = clients(nodes[1], app=quota, expect_established=False)
    err = json.loads(second.recv_raw())
    assert err["event"] == "pusher:error" and json.loads(err["data"])["code"] == 4004
    first.close()
    time.sleep(0.5)
    third = clients(nodes[2], app=quota)
    assert third.socket_id


# ---------------------------------------------------------------------------
# 7. Faults: Redis restart, a node killed with -9, restart envelope
# ---------------------------------------------------------------------------

def test_redis_restart_loses_no_accepted_event_and_restores_presence():
    redis = ch.RedisProcess().start()
    nodes = ch.start_nodes(redis, 3)
    socks = []
    try:
        channel = unique("survive-")
        pres = unique("presence-survive-")
        local, far = WSClient(nodes[0].ws_url(MAIN.key)), WSClient(nodes[1].ws_url(MAIN.key))
        socks += [local, far]
        local.subscribe(channel)
        far.subscribe(channel)
        subscribe_authed(far, MAIN, pres, {"user_id": "stay"})

        redis.stop()
        time.sleep(0.5)
        sdk = api(nodes[0])
        for i in range(5):
            sdk.trigger(channel, "Kept", {"i": i})  # answered 200 while Redis is down
        assert [json.loads(m["data"])["i"] for m in events_of(local, "Kept", 0.6)] == list(range(5))
        assert all(n.proc.poll() is None for n in nodes)

        redis.start()
        got = []
        deadline = time.monotonic() + 8
        while len(got) < 5 and time.monotonic() < deadline:
            got += [json.loads(m["data"])["i"] for m in events_of(far, "Kept", 0.3)]
        assert got == list(range(5))
        # Each node re-wrote its share: the cluster knows the member again, from any node.
        wait_until(lambda: h.signed_request(nodes[2], MAIN, "GET",
                                            f"/apps/{MAIN.app_id}/channels/{pres}/users").status_code == 200, 5)
        users = h.signed_request(nodes[2], MAIN, "GET", f"/apps/{MAIN.app_id}/channels/{pres}/users").json()
        assert users == {"users": [{"id": "stay"}]}
        for n in nodes:
            assert "Disconnected from Redis" in n.log_text()
            assert "Attempting reconnection to Redis" in n.log_text()
        # Events flow again both ways.
        api(nodes[1]).trigger(channel, "After", {})
        assert len(events_of(local, "After")) == 1
    finally:
        for s in socks:
            s.close()
        for n in nodes:
            n.terminate()
        redis.stop()


def test_nodes_keep_running_long_after_redis_is_gone():
    redis = ch.RedisProcess().start()
    nodes = ch.start_nodes(redis, 1)
    try:
        redis.stop()
        time.sleep(4)  # longer than REDIS_TIMEOUT (2 s here): Reverb would have exited
        assert nodes[0].proc.poll() is None
        c = WSClient(nodes[0].ws_url(MAIN.key))
        c.subscribe("still-serving")
        api(nodes[0]).trigger("still-serving", "Yes", {})
        assert len(events_of(c, "Yes")) == 1
        c.close()
    finally:
        nodes[0].terminate()
        redis.stop()


def test_a_node_killed_with_minus_9_has_its_members_removed_for_everyone():
    redis = ch.RedisProcess().start()
    nodes = ch.start_nodes(redis, 3)
    try:
        channel = unique("presence-crash-")
        watcher = WSClient(nodes[0].ws_url(MAIN.key))
        subscribe_authed(watcher, MAIN, channel, {"user_id": "watch"})
        doomed = [WSClient(nodes[2].ws_url(MAIN.key)) for _ in range(2)]
        subscribe_authed(doomed[0], MAIN, channel, {"user_id": "gone"})
        subscribe_authed(doomed[1], MAIN, channel, {"user_id": "gone2"})
        assert len(events_of(watcher, "pusher_internal:member_added", 1)) == 2
        wait_until(lambda: h.signed_request(nodes[1], MAIN, "GET", f"/apps/{MAIN.app_id}/connections").json()
                   == {"connections": 3}, 3)

        start = time.monotonic()
        nodes[2].proc.send_signal(signal.SIGKILL)
        nodes[2].proc.wait(5)
        removed = []
        while len(removed) < 2 and time.monotonic() - start < 15:
            removed += [json.loads(m["data"])["user_id"] for m in
                        events_of(watcher, "pusher_internal:member_removed", 0.5)]
        assert sorted(removed) == ["gone", "gone2"]
        assert time.monotonic() - start < 15
        assert h.signed_request(nodes[1], MAIN, "GET", f"/apps/{MAIN.app_id}/connections").json() \
            == {"connections": 1}
        users = api(nodes[1]).users_info(channel)["users"]
        assert users == [{"id": "watch"}]
        for d in doomed:
            d.close()
        watcher.close()
    finally:
        for n in nodes:
            n.terminate()
        redis.stop()


def test_restart_envelope_shuts_every_node_down_gracefully(redis):
    channel = unique("reverb-")
    nodes = ch.start_nodes(redis, 2, channel=channel)
    try:
        socks = [WSClient(n.ws_url(MAIN.key)) for n in nodes]
        receivers = redis.cli("PUBLISH", channel, json.dumps({"o": "restart", "t": "restart"}))
        assert receivers == "2"
        for s in socks:
            assert s.expect_close(5).code == 4200
        for n in nodes:
            assert n.proc.wait(10) == 0
    finally:
        for n in nodes:
            n.terminate()


def test_debug_lines_name_both_redis_connections(nodes):
    wait_until(lambda: nodes[0].log_text().count("Redis connection established") >= 3, 3)
    text = nodes[0].log_text()
    assert "Redis connection established" in text
    assert "publisher" in text and "subscriber" in text


def test_full_queue_answers_503_json_and_nothing_accepted_is_lost():
    redis = ch.RedisProcess().start()
    config = ch.cluster_config(redis, unique("reverb-"))
    config["server"]["scaling"]["queue"] = 3
    nodes = ch.start_nodes(redis, 2, config=config)
    try:
        channel = unique("queued-")
        far = WSClient(nodes[1].ws_url(MAIN.key))
        far.subscribe(channel)
        redis.stop()
        time.sleep(0.5)
        statuses = []
        for i in range(4):
            r = h.signed_request(nodes[0], MAIN, "POST", f"/apps/{MAIN.app_id}/events",
                                 {"name": "Q", "data": json.dumps({"i": i}), "channel": channel})
            statuses.append(r.status_code)
        assert statuses == [200, 200, 200, 503]
        assert "error" in r.json() and r.headers["Content-Type"].startswith("application/json")
        redis.start()
        got = []
        deadline = time.monotonic() + 8
        while len(got) < 3 and time.monotonic() < deadline:
            got += [json.loads(m["data"])["i"] for m in events_of(far, "Q", 0.3)]
        assert got == [0, 1, 2]
        assert events_of(far, "Q", 0.5) == []
        # Room again once Redis took the queue.
        r = h.signed_request(nodes[0], MAIN, "POST", f"/apps/{MAIN.app_id}/events",
                             {"name": "Q", "data": "{}", "channel": channel})
        assert r.status_code == 200
        far.close()
    finally:
        for n in nodes:
            n.terminate()
        redis.stop()


def test_pysher_clients_on_two_nodes_see_one_presence_channel(nodes):
    import logging
    import pysher

    def client(node, user):
        p = pysher.Pusher(MAIN.key, custom_host=node.host, port=node.port, secure=False, secret=MAIN.secret,
                          user_data=user, log_level=logging.WARNING, reconnect_interval=30)
        p.recorded = h.Collector()
        deliver = p._connection_handler

        def record(event, data, channel):
            p.recorded.callback(f"{channel}|{event}")(data)
            deliver(event, data, channel)
        p.connection.event_handler = record
        p.connect()
        wait_until(lambda: p.connection.state == "connected", 5)
        return p

    channel = unique("presence-pysher-")
    first = client(nodes[0], {"user_id": "p1", "user_info": {"name": "One"}})
    second = client(nodes[2], {"user_id": "p2", "user_info": {"name": "Two"}})
    try:
        first.subscribe(channel)
        wait_until(lambda: first.recorded.of(f"{channel}|pusher_internal:subscription_succeeded"), 3)
        second.subscribe(channel)
        ok = wait_until(lambda: second.recorded.of(f"{channel}|pusher_internal:subscription_succeeded"), 3)
        presence = json.loads(ok[0])["presence"]
        assert presence["count"] == 2 and presence["hash"] == {"p1": {"name": "One"}, "p2": {"name": "Two"}}
        added = wait_until(lambda: first.recorded.of(f"{channel}|pusher_internal:member_added"), 3)
        assert [json.loads(a) for a in added] == [{"user_id": "p2", "user_info": {"name": "Two"}}]
        api(nodes[1]).trigger(channel, "Hello", {"to": "all"})
        for p in (first, second):
            got = wait_until(lambda: p.recorded.of(f"{channel}|Hello"), 3)
            assert len(got) == 1
        second.disconnect(timeout=2)
        removed = wait_until(lambda: first.recorded.of(f"{channel}|pusher_internal:member_removed"), 5)
        assert [json.loads(r) for r in removed] == [{"user_id": "p2"}]
    finally:
        for p in (first, second):
            try:
                p.disconnect(timeout=2)
            except Exception:
                pass
