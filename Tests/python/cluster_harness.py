"""Helpers for the cluster suite: a real ``redis-server`` on a free port and
several ``reverb-tui --headless`` nodes sharing it (scaling on)."""
from __future__ import annotations

import copy
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import reverb_harness as h


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisProcess:
    """``redis-server`` without persistence on a free loopback port; restartable on the same port."""

    def __init__(self, extra_args: list[str] | None = None):
        if shutil.which("redis-server") is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.port = free_port()
        self.extra_args = list(extra_args or [])
        self.dir = Path(tempfile.mkdtemp(prefix="reverb-redis-"))
        self.proc: subprocess.Popen | None = None

    def start(self) -> "RedisProcess":
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", str(self.dir)] + self.extra_args
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self.proc = None

    def cli(self, *args: str) -> str:
        return subprocess.run(["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True,
                              timeout=5).stdout.strip()


def cluster_config(redis: RedisProcess, channel: str, **server) -> dict:
    config = h.default_config(**server)
    config["server"]["scaling"] = {
        "enabled": True,
        "channel": channel,
        "server": {"host": "127.0.0.1", "port": redis.port, "timeout": 2},
    }
    return config


def start_nodes(redis: RedisProcess, count: int = 3, channel: str | None = None,
                config: dict | None = None) -> list[h.ServerProcess]:
    channel = channel or h.unique("reverb-")
    base = config or cluster_config(redis, channel)
    nodes = []
    for _ in range(count):
        node = h.ServerProcess(copy.deepcopy(base))
        node.start()
        nodes.append(node)
    # Each node's banner waited for its Redis connection; one heartbeat lets them all see each other.
    time.sleep(1.2)
    return nodes
