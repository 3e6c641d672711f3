"""Webhooks, watchlists and subscription counts with scaling on (docs/webhooks.md, docs/users.md): two
``reverb-tui`` nodes sharing a real ``redis-server`` the tests start on a free port. Each cluster-level
change is one webhook (checked with the official SDK's ``validate_webhook`` on what a local receiver got),
whichever node saw it; the 3 s hold of ``channel_vacated`` / ``member_removed`` works across nodes; a user
is online while any node has a signed-in socket of theirs; subscription counts are the cluster's."""
from __future__ import annotations

import copy
import json
import time

import pytest

import cluster_harness as ch
import reverb_harness as h
from reverb_harness import App, WSClient, subscribe_authed, unique
from test_pusher_features import Receiver, count_of, recording_pysher, validated, watchlist_event

CLUSTER_APP = App("880101", "cluster-hooks-key", "cluster-hooks-secret")


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture(scope="module")
def nodes(redis, receiver):
    config = ch.cluster_config(redis, unique("hooks-"))
    config["apps"].append(h._app(CLUSTER_APP.app_id, CLUSTER_APP.key, CLUSTER_APP.secret,
                                 subscription_count=True, webhooks=[{"url": receiver.url()}]))
    started = ch.start_nodes(redis, count=2, config=copy.deepcopy(config))
    yield started
    for n in started:
        n.terminate()


@pytest.fixture
def clients():
    opened = []

    def open_on(node):
        c = WSClient(node.ws_url(CLUSTER_APP.key))
        opened.append(c)
        return c

    yield open_on
    for c in opened:
        c.close()


def hooks_for(receiver: Receiver, channel: str, counts: bool = False) -> list[dict]:
    """The webhook events of ``channel``; ``subscription_count`` only with ``counts`` (the app has them on)."""
    return [e for e in receiver.events()
            if e["channel"] == channel and (counts or e["name"] != "subscription_count")]


def names(events: list[dict]) -> list[str]:
    return [e["name"] for e in events]


def settled(receiver: Receiver, channel: str, count: int, timeout: float = 6.0, counts: bool = False) -> list[dict]:
    """Waits for ``count`` webhook events of ``channel``, then long enough for a duplicate from the other
    node to arrive, and returns them all; every request must pass ``validate_webhook``."""
    h.wait_until(lambda: len(hooks_for(receiver, channel, counts)) >= count, timeout=timeout,
                 message=f"webhooks for {channel}: {hooks_for(receiver, channel, counts)}")
    time.sleep(0.8)
    assert all(validated(CLUSTER_APP, q) for q in receiver.requests)
    return hooks_for(receiver, channel, counts)


def sign_in(node, c: WSClient, user: dict):
    auth = node.sdk(CLUSTER_APP).authenticate_user(c.socket_id, user)
    c.send_json({"event": "pusher:signin", "data": auth})
    c.recv_event("pusher:signin_success")


# ---------------------------------------------------------------------------
# Webhooks: once per cluster-level change
# ---------------------------------------------------------------------------

def test_occupied_and_vacated_once_for_subscribers_on_two_nodes(nodes, receiver, clients):
    room = unique("room-")
    a, b = clients(nodes[0]), clients(nodes[1])
    a.subscribe(room)
    b.subscribe(room)
    assert names(settled(receiver, room, 1)) == ["channel_occupied"]
    a.close()
    time.sleep(3.5)                             # past the hold: node 0 alone is empty, the cluster is not
    assert names(hooks_for(receiver, room)) == ["channel_occupied"], "vacated while node 1 still has one"
    b.close()
    left = time.monotonic()
    events = settled(receiver, room, 2)
    assert time.monotonic() - left >= 2.8, "channel_vacated was not held for 3 s"
    assert names(events) == ["channel_occupied", "channel_vacated"]


def test_member_added_and_removed_once_for_one_user_on_two_nodes(nodes, receiver, clients):
    room = unique("presence-room-")
    a, b = clients(nodes[0]), clients(nodes[1])
    subscribe_authed(a, CLUSTER_APP, room, {"user_id": "7", "user_info": {"n": 1}})
    subscribe_authed(b, CLUSTER_APP, room, {"user_id": "7", "user_info": {"n": 1}})
    assert settled(receiver, room, 2) == [
        {"name": "channel_occupied", "channel": room},
        {"name": "member_added", "channel": room, "user_id": "7"},
    ]
    a.close()
    b.close()
    events = settled(receiver, room, 4)
    assert events[:2] == [{"name": "channel_occupied", "channel": room},
                          {"name": "member_added", "channel": room, "user_id": "7"}]
    assert sorted(map(json.dumps, events[2:])) == sorted(map(json.dumps, [
        {"name": "member_removed", "channel": room, "user_id": "7"},
        {"name": "channel_vacated", "channel": room},
    ]))


def test_leaving_one_node_and_rejoining_on_another_within_3_s_sends_nothing(nodes, receiver, clients):
    room = unique("presence-hop-")
    a = clients(nodes[0])
    subscribe_authed(a, CLUSTER_APP, room, {"user_id": "hopper"})
    assert names(settled(receiver, room, 2)) == ["channel_occupied", "member_added"]
    a.close()                                   # a page reload that lands on the other node
    time.sleep(0.5)
    b = clients(nodes[1])
    subscribe_authed(b, CLUSTER_APP, room, {"user_id": "hopper"})
    time.sleep(3.5)
    assert names(hooks_for(receiver, room)) == ["channel_occupied", "member_added"], \
        "the 0.5 s absence was sent"
    b.close()
    assert sorted(names(settled(receiver, room, 4))[2:]) == ["channel_vacated", "member_removed"]


def test_client_events_and_cache_miss_come_from_the_node_that_saw_them(nodes, receiver, clients):
    private, cache = unique("private-chat-"), unique("cache-feed-")
    a, b = clients(nodes[0]), clients(nodes[1])
    subscribe_authed(a, CLUSTER_APP, private, {"user_id": "1"})
    subscribe_authed(b, CLUSTER_APP, private, {"user_id": "2"})
    a.send_json({"event": "client-typing", "channel": private, "data": {"x": 1}})
    b.recv_event("client-typing")
    assert [e for e in settled(receiver, private, 2) if e["name"] == "client_event"] == [
        {"name": "client_event", "channel": private, "event": "client-typing", "data": h.compact({"x": 1}),
         "socket_id": a.socket_id}]
    b.subscribe(cache)
    assert names(settled(receiver, cache, 2)) == ["channel_occupied", "cache_miss"]


# ---------------------------------------------------------------------------
# Watchlists across nodes
# ---------------------------------------------------------------------------

def test_watchlist_hears_users_signing_in_and_out_on_other_nodes(nodes, clients):
    alice, carol = unique("alice"), unique("carol")
    watcher = clients(nodes[1])
    sign_in(nodes[1], watcher, {"id": unique("bob"), "watchlist": [alice, carol]})
    watcher.expect_silence(0.3)                 # nobody online yet

    alice1 = clients(nodes[0])
    sign_in(nodes[0], alice1, {"id": alice})
    assert watchlist_event(watcher.recv_event("pusher_internal:watchlist_events")) == ("online", [alice])
    alice2 = clients(nodes[1])
    sign_in(nodes[1], alice2, {"id": alice})
    watcher.expect_silence(0.4)                 # already online on node 0

    # A watcher signing in later, on either node, is told who is online anywhere.
    late = clients(nodes[0])
    sign_in(nodes[0], late, {"id": unique("dan"), "watchlist": [alice, carol]})
    assert watchlist_event(late.recv_event("pusher_internal:watchlist_events")) == ("online", [alice])

    alice1.close()
    watcher.expect_silence(0.4)                 # still online on node 1
    alice2.close()
    for c in (watcher, late):
        assert watchlist_event(c.recv_event("pusher_internal:watchlist_events")) == ("offline", [alice])
    watcher.expect_silence(0.3)


# ---------------------------------------------------------------------------
# Subscription counts across nodes
# ---------------------------------------------------------------------------

def test_subscription_count_is_the_cluster_count(nodes, receiver, clients):
    room = unique("count-")
    a = clients(nodes[0])
    a.subscribe(room)
    assert count_of(a.recv_event("pusher_internal:subscription_count"), room) == 1
    b = clients(nodes[1])
    b.subscribe(room)
    assert count_of(b.recv_event("pusher_internal:subscription_count"), room) == 2
    assert count_of(a.recv_event("pusher_internal:subscription_count"), room) == 2
    c = clients(nodes[1])
    c.subscribe(room)
    for s in (a, b, c):
        assert count_of(s.recv_event("pusher_internal:subscription_count"), room) == 3
    b.unsubscribe(room)
    for s in (a, c):
        assert count_of(s.recv_event("pusher_internal:subscription_count"), room) == 2
    a.expect_silence(0.3)
    # One webhook per change, from one node: 1, 2, 3, 2.
    counts = [e["subscription_count"] for e in settled(receiver, room, 5, counts=True)
              if e["name"] == "subscription_count"]
    assert counts == [1, 2, 3, 2]


def test_pysher_sees_the_cluster_subscription_count(nodes, clients):
    room = unique("count-")
    a = clients(nodes[0])
    a.subscribe(room)
    p = recording_pysher(CLUSTER_APP, nodes[1])
    p.connect()
    try:
        h.wait_until(lambda: p.connection.state == "connected", timeout=5)
        p.subscribe(room)
        h.wait_until(lambda: p.recorded.of(f"{room}|pusher_internal:subscription_count"))
        assert p.recorded.of(f"{room}|pusher_internal:subscription_count") == [h.compact({"subscription_count": 2})]
    finally:
        p.disconnect(timeout=2)


def test_simultaneous_joins_on_both_nodes_end_on_the_same_cluster_count(nodes, clients):
    room = unique("burst-")
    joined = [clients(nodes[i % 2]) for i in range(12)]
    for c in joined:                            # no waiting: the joins race on both nodes
        c.send_json({"event": "pusher:subscribe", "data": {"channel": room}})
    time.sleep(1.5)
    last = {}
    for c in joined:                            # drain what arrived; the last count each one heard
        while True:
            try:
                msg = json.loads(c.recv_raw(0.2))
            except AssertionError:
                break
            if msg.get("event") == "pusher_internal:subscription_count":
                last[c.socket_id] = count_of(json.dumps(msg), room)
    assert sorted(last.values()) == [12] * 12, last
