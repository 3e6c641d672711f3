"""End to end: `reverb-tui attach` on one node of a two-node cluster shows and steers the whole cluster.

A real `redis-server` on a free port, two headless `reverb-tui --allow-attach` nodes sharing it (scaling on),
and `reverb-tui attach` to node A in tmux on a 120x40 terminal. Real pysher clients connect to both nodes;
the attached console must show the cluster's counts (the apps and channels panes count the clients of node B
too, with node A's own count beside them and `cluster` in the titles) and list node B's sockets with node B's
address; a kick chosen with the keyboard on a socket of node B must close exactly that socket with the chosen
code, while the others stay connected (docs/console.md, "Attached to a cluster").
"""

import copy
import re
import shlex

import pytest

import reverb_harness as h
from cluster_harness import RedisProcess
from console_harness import Tmux, until
from test_console_tmux import APP, BINARY, Client, kick_with_4009, row_containing


@pytest.fixture
def cluster():
    redis = RedisProcess().start()
    config = {
        "server": {
            "host": "127.0.0.1", "port": 0,
            "scaling": {
                "enabled": True, "channel": h.unique("reverb-attach-"),
                "server": {"host": "127.0.0.1", "port": redis.port, "timeout": 2},
            },
        },
        "apps": [APP],
    }
    nodes = []
    try:
        for _ in range(2):
            node = h.ServerProcess(copy.deepcopy(config), extra_args=["--allow-attach"], debug=False)
            node.start()
            nodes.append(node)
        yield nodes
    finally:
        for node in nodes:
            node.terminate()
        redis.stop()


def pane_rows(lines, title):
    """The lines of the pane whose top border carries `title`, header row first."""
    top = next(index for index, line in enumerate(lines) if title in line)
    rows = []
    for line in lines[top + 1:]:
        if line.startswith("└"):
            break
        rows.append(line)
    return rows


def test_attached_console_counts_the_cluster_and_kicks_a_socket_of_another_node(cluster):
    node_a, node_b = cluster
    command = " ".join(shlex.quote(part) for part in [
        str(BINARY), "attach", f"ws://127.0.0.1:{node_a.port}", "--app-id", APP["app_id"], "--secret",
        APP["secret"]])
    tmux = Tmux(command, width=120, height=40)
    clients = []
    try:
        tmux.until_text("live")
        here = Client(node_a.port)
        clients.append(here)
        here.subscribe("chat")
        target = Client(node_b.port)
        clients.append(target)
        target.subscribe("chat")
        bystander = Client(node_b.port)
        clients.append(bystander)
        bystander.subscribe("chat")

        # Cluster-wide counts: three connections and three chat subscriptions, one of each on node A.
        tmux.until(lambda lines: re.search(r"1 Apps ─+ cluster ─┐", "\n".join(lines)), timeout=20)
        tmux.until(lambda lines: any(re.search(r"│123456\s+3\s+1\s+1\s*│", line) for line in lines),
                   timeout=20)
        tmux.until(lambda lines: any(re.search(r"│chat\s+public\s+3\s+1\s+-", line) for line in lines))
        tmux.until(lambda lines: re.search(r"2 Channels ─+ cluster ─┐", "\n".join(lines)))
        tmux.until(lambda lines: re.search(r"4 Connections ─+ 3 · cluster ─┐", "\n".join(lines)), timeout=20)
        # Node B's sockets are listed with node B's address; node A's with node A's.
        tmux.until(lambda lines: re.search(re.escape(target.socket_id) + r"\s+127\.0\.0\.1:" + str(node_b.port),
                                           "\n".join(lines)))
        tmux.until(lambda lines: re.search(re.escape(here.socket_id) + r"\s+127\.0\.0\.1:" + str(node_a.port),
                                           "\n".join(lines)))

        # Kick the target (a socket of node B) from the console attached to node A, with 4009.
        rows = pane_rows(tmux.capture(), "4 Connections")[1:]
        index = next(i for i, line in enumerate(rows) if target.socket_id in line)
        kick_with_4009(tmux, target, row=index)

        # The others stay connected, and the cluster's counts follow.
        tmux.until(lambda lines: re.search(r"4 Connections ─+ 2 · cluster ─┐", "\n".join(lines)), timeout=20)
        tmux.until(lambda lines: any(re.search(r"│chat\s+public\s+2\s+1\s+-", line) for line in lines))
        tmux.until(lambda lines: row_containing(pane_rows(lines, "4 Connections"), target.socket_id) is None)
        assert row_containing(pane_rows(tmux.capture(), "4 Connections"), bystander.socket_id)
        for client in (here, bystander):
            assert client.pusher.connection.state == "connected"
            assert not client.close_codes and not client.errors
    finally:
        for client in clients:
            client.close()
        tmux.close()
