"""Operating reverb-tui in production (docs/production.md): `restart`,
Prometheus metrics, `doctor`, JSON logs and `install`, each against real
server processes and real clients."""
from __future__ import annotations

import asyncio
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import struct
import subprocess
import time
from pathlib import Path

import pytest

import production_harness as p
import reverb_harness as h


def config_with(app: dict) -> dict:
    config = h.default_config()
    config["apps"] = [app]
    return config


# --------------------------------------------------------------------------
# restart
# --------------------------------------------------------------------------

def test_restart_stops_every_server_with_the_same_configuration(servers, tmp_path):
    app = p.unique_app("restart")
    config = config_with(app)
    runtime = {"REVERB_RUNTIME_DIR": str(tmp_path / "run")}
    first = servers(config, env=runtime)
    second = servers(config, env=runtime)
    other = servers(config_with(p.unique_app("other")), env=runtime)
    clients = [h.WSClient(s.ws_url(app["key"])) for s in (first, second)]
    bystander = h.WSClient(other.ws_url(other.config["apps"][0]["key"]))
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps(config))

    started = time.monotonic()
    result = p.run_tool(["restart", "--config", str(config_path), "--port", "0"], env=runtime)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Broadcasting Reverb restart signal" in result.stdout
    assert "Stopped 2 of 2 server(s)" in result.stdout
    for client in clients:
        assert client.expect_close(5).code == 4200
    for server in (first, second):
        server.proc.wait(5)
        assert server.proc.returncode == 0
    assert time.monotonic() - started < 5
    # A server with another configuration is left alone.
    assert other.proc.poll() is None
    bystander.send_json({"event": "pusher:ping", "data": {}})
    assert bystander.recv_event("pusher:pong")
    bystander.close()


def test_restart_reads_the_same_sources_as_start(servers, tmp_path):
    """Bind settings from .env in the working directory: restart run there finds the server."""
    app = p.unique_app("envrestart")
    port = p.free_port()
    env_file = tmp_path / ".env"
    env_file.write_text(f"REVERB_SERVER_HOST=127.0.0.1\nREVERB_SERVER_PORT={port}\nREVERB_APP_ID={app['app_id']}\n"
                        f"REVERB_APP_KEY={app['key']}\nREVERB_APP_SECRET={app['secret']}\n")
    runtime = {"REVERB_RUNTIME_DIR": str(tmp_path / "run")}
    # The harness passes --port 0 and --config; start this one by hand with only the .env.
    log = open(tmp_path / "server.log", "wb")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REVERB_", "REDIS_"))} | runtime
    proc = subprocess.Popen([str(h.server_binary()), "--headless"], cwd=tmp_path, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        h.wait_until(lambda: f":{port}" in (tmp_path / "server.log").read_text(), timeout=20)
        client = h.WSClient(f"ws://127.0.0.1:{port}/app/{app['key']}")
        wrong = p.run_tool(["restart"], cwd=tmp_path, env=runtime | {"REVERB_APP_KEY": "another-project"})
        assert "No server with this configuration" in wrong.stdout and proc.poll() is None
        result = p.run_tool(["restart"], cwd=tmp_path, env=runtime)
        assert result.returncode == 0 and "Stopped 1 of 1" in result.stdout, result.stdout + result.stderr
        assert client.expect_close(5).code == 4200
        assert proc.wait(5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()


def test_restart_with_nothing_running_says_so(tmp_path):
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps(config_with(p.unique_app("none"))))
    result = p.run_tool(["restart", "--config", str(config_path)],
                        env={"REVERB_RUNTIME_DIR": str(tmp_path / "run")})
    assert result.returncode == 0
    assert "No server with this configuration runs on this machine" in result.stdout


def test_restart_ignores_the_entry_of_a_killed_server(servers, tmp_path):
    app = p.unique_app("stale")
    config = config_with(app)
    runtime = {"REVERB_RUNTIME_DIR": str(tmp_path / "run")}
    dead = servers(config, env=runtime)
    dead.proc.kill()
    dead.proc.wait(5)
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps(config))
    result = p.run_tool(["restart", "--config", str(config_path), "--port", "0"], env=runtime)
    assert result.returncode == 0 and "No server with this configuration" in result.stdout


# --------------------------------------------------------------------------
# Prometheus metrics
# --------------------------------------------------------------------------

def metrics_server(servers, app: dict, extra=None):
    port = p.free_port()
    server = servers(config_with(app), ["--metrics-port", str(port)] + (extra or []))
    p.wait_for_log(server, re.escape(f"Metrics on http://127.0.0.1:{port}/metrics"))
    return server, port


def test_metrics_count_what_the_server_defended_itself_against(servers):
    app_cfg = p.unique_app("defence")
    config = config_with(app_cfg)
    config.setdefault("server", {}).update({"handshake_timeout": 1, "http_idle_timeout": 1})
    port = p.free_port()
    server = servers(config, ["--metrics-port", str(port)])
    p.wait_for_log(server, re.escape(f"Metrics on http://127.0.0.1:{port}/metrics"))
    names = ["reverb_handshake_timeouts_total", "reverb_http_idle_timeouts_total", "reverb_protocol_errors_total",
             "reverb_accept_pauses_total"]
    assert all(p.sample(p.scrape(port), name) == 0 for name in names)
    silent = socket.create_connection((server.host, server.port))          # never sends a request
    idle = socket.create_connection((server.host, server.port))            # one request, then nothing
    idle.sendall(b"GET /up HTTP/1.1\r\nHost: x\r\n\r\n")
    bad = socket.create_connection((server.host, server.port))             # not HTTP at all
    bad.sendall(b"\x00\x01 nonsense\r\n\r\n")
    try:
        h.wait_until(lambda: p.sample(p.scrape(port), "reverb_handshake_timeouts_total") == 1, timeout=10)
        h.wait_until(lambda: p.sample(p.scrape(port), "reverb_http_idle_timeouts_total") == 1, timeout=10)
        h.wait_until(lambda: p.sample(p.scrape(port), "reverb_protocol_errors_total") == 1, timeout=10)
        assert p.sample(p.scrape(port), "reverb_accept_pauses_total") == 0
    finally:
        for s in (silent, idle, bad):
            s.close()


def test_metrics_count_a_subscriber_dropped_for_not_reading(servers):
    app_cfg = p.unique_app("slow")
    app = p.app_of(app_cfg)
    config = config_with(app_cfg)
    config.setdefault("server", {}).update({"write_buffer_limit": 65_536, "max_request_size": 200_000})
    port = p.free_port()
    server = servers(config, ["--metrics-port", str(port)])
    p.wait_for_log(server, re.escape(f"Metrics on http://127.0.0.1:{port}/metrics"))
    assert p.sample(p.scrape(port), "reverb_dropped_slow_clients_total") == 0
    sleeper = h.RawFrameClient(server.host, server.port, f"/app/{app.key}")
    sleeper.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    op, payload = sleeper.read_frame()
    assert b"pusher:connection_established" in payload
    sleeper.send_text(json.dumps({"event": "pusher:subscribe", "data": {"channel": "flood"}}))
    op, payload = sleeper.read_frame()
    assert b"subscription_succeeded" in payload
    sdk = server.sdk(app)
    batch = [{"channel": "flood", "name": "Big", "data": "x" * 9000} for _ in range(10)]
    try:
        for _ in range(300):        # at most 27 MB; the socket never reads, so the drop comes long before
            sdk.trigger_batch(batch)
            if p.sample(p.scrape(port), "reverb_dropped_slow_clients_total") == 1:
                break
        assert p.sample(p.scrape(port), "reverb_dropped_slow_clients_total") == 1
    finally:
        sleeper.sock.close()


def test_metrics_follow_connections_channels_presence_and_messages(servers):
    app_cfg = p.unique_app("metrics")
    app = p.app_of(app_cfg)
    server, port = metrics_server(servers, app_cfg)
    aid = app.app_id
    before = p.scrape(port)
    assert p.sample(before, "reverb_connections", app_id=aid) == 0

    a = h.WSClient(server.ws_url(app.key))
    b = h.WSClient(server.ws_url(app.key))
    a.subscribe("news")
    b.subscribe("news")
    h.subscribe_authed(a, app, "presence-room", {"user_id": 1, "user_info": {}})
    h.subscribe_authed(b, app, "presence-room", {"user_id": 2, "user_info": {}})
    a.recv_event("pusher_internal:member_added")
    sdk = server.sdk(app)
    for i in range(3):
        sdk.trigger("news", "Tick", {"i": i})
    for c in (a, b):
        for _ in range(3):
            c.recv_event("Tick")
    received_before = p.sample(p.scrape(port), "reverb_messages_received_total", app_id=aid) or 0
    a.send_json({"event": "pusher:ping", "data": {}})
    a.recv_event("pusher:pong")

    s = p.scrape(port)
    assert p.sample(s, "reverb_connections", app_id=aid) == 2
    assert p.sample(s, "reverb_channels", app_id=aid) == 2
    assert p.sample(s, "reverb_presence_users", app_id=aid) == 2
    assert p.sample(s, "reverb_messages_received_total", app_id=aid) == received_before + 1
    # Sent: 2 connection_established + 4 subscription_succeeded + 1 member_added... at least the 6 Ticks and the pong.
    assert p.sample(s, "reverb_messages_sent_total", app_id=aid) >= 6 + 2 + 4 + 1
    assert p.sample(s, "reverb_http_requests_total", route="/apps/{id}/events", status=200) == 3
    assert p.sample(s, "reverb_broadcast_duration_seconds_count") == 3
    assert p.sample(s, "reverb_broadcast_duration_seconds_bucket", le="+Inf") == 3
    assert p.sample(s, "reverb_dropped_slow_clients_total") == 0

    # A refused request is counted by route and status.
    response = h.signed_request(server, app, "GET", f"/apps/{aid}/channels", secret="wrong")
    assert response.status_code == 401
    assert p.sample(p.scrape(port), "reverb_http_requests_total", route="/apps/{id}/channels", status=401) == 1

    b.close()
    h.wait_until(lambda: p.sample(p.scrape(port), "reverb_connections", app_id=aid) == 1)
    s = p.scrape(port)
    assert p.sample(s, "reverb_presence_users", app_id=aid) == 1
    assert p.sample(s, "reverb_channels", app_id=aid) == 2
    a.close()
    h.wait_until(lambda: p.sample(p.scrape(port), "reverb_channels", app_id=aid) == 0)
    assert p.sample(p.scrape(port), "reverb_presence_users", app_id=aid) == 0


def test_metrics_endpoint_answers_only_metrics(servers):
    import requests
    _, port = metrics_server(servers, p.unique_app("endpoint"))
    assert requests.get(f"http://127.0.0.1:{port}/other", timeout=5).status_code == 404
    assert requests.post(f"http://127.0.0.1:{port}/metrics", timeout=5).status_code == 405


def test_metrics_are_off_by_default(servers):
    server = servers(config_with(p.unique_app("nometrics")))
    p.wait_for_log(server, "Configuration read from")
    time.sleep(0.3)
    assert "Metrics on" not in server.log_text()


def test_gauges_stay_exact_through_churn(servers):
    """Thousands of sockets open, subscribe and close (cleanly and abruptly) concurrently;
    afterwards the gauges equal what the API reports and what the test holds open."""
    app_cfg = p.unique_app("churn")
    app = p.app_of(app_cfg)
    server, port = metrics_server(servers, app_cfg)
    aid = app.app_id
    url = server.ws_url(app.key)
    rng = random.Random(7)
    # About 1,200 sockets stay open at once on the test's side: lift a 1,024 soft limit.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4096 if hard == resource.RLIM_INFINITY else min(4096, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))

    async def one(i: int, keep: list):
        import websockets
        ws = await websockets.connect(url, ping_interval=None, open_timeout=20, max_queue=None)
        await ws.recv()
        channel = f"churn-{i % 37}"
        await ws.send(json.dumps({"event": "pusher:subscribe", "data": {"channel": channel}}))
        await ws.recv()
        mode = rng.random()
        if mode < 0.4:
            await ws.close()
        elif mode < 0.6:
            ws.transport.abort()  # no close frame: a vanished client
        else:
            keep.append((ws, channel))

    async def churn():
        keep: list = []
        total, batch = 3000, 300
        for start in range(0, total, batch):
            await asyncio.gather(*(one(i, keep) for i in range(start, start + batch)))
        # Close half of the survivors in one burst.
        closing = keep[: len(keep) // 2]
        await asyncio.gather(*(ws.close() for ws, _ in closing))
        return keep[len(keep) // 2:]

    loop = asyncio.new_event_loop()
    try:
        open_sockets = loop.run_until_complete(churn())
        expected = len(open_sockets)
        channels = {c for _, c in open_sockets}
        api = lambda: p.api_get(server.port, app, f"/apps/{aid}/connections")  # noqa: E731
        h.wait_until(lambda: p.sample(p.scrape(port), "reverb_connections", app_id=aid) == expected, timeout=15)
        assert api()["connections"] == expected
        s = p.scrape(port)
        assert p.sample(s, "reverb_channels", app_id=aid) == len(channels)
        assert p.sample(s, "reverb_channels", app_id=aid) == len(server.sdk(app).channels_info()["channels"])
        async def close_all():
            await asyncio.gather(*(ws.close() for ws, _ in open_sockets))

        loop.run_until_complete(close_all())
        h.wait_until(lambda: p.sample(p.scrape(port), "reverb_connections", app_id=aid) == 0, timeout=15)
        assert p.sample(p.scrape(port), "reverb_channels", app_id=aid) == 0
        assert api()["connections"] == 0
    finally:
        loop.close()


def test_pulse_connections_card_call_works(servers):
    """Laravel Pulse's ReverbConnections recorder calls GET /apps/{id}/connections through the SDK."""
    app_cfg = p.unique_app("pulse")
    app = p.app_of(app_cfg)
    server = servers(config_with(app_cfg))
    clients = [h.WSClient(server.ws_url(app.key)) for _ in range(3)]
    assert p.api_get(server.port, app, f"/apps/{app.app_id}/connections") == {"connections": 3}
    for c in clients:
        c.close()


# --------------------------------------------------------------------------
# JSON logs
# --------------------------------------------------------------------------

def test_json_log_format_writes_one_object_per_line(servers):
    app_cfg = p.unique_app("jsonlog")
    app = p.app_of(app_cfg)
    server = h.ServerProcess(config_with(app_cfg), ["--log-format", "json"], debug=False)
    try:
        server.start()
        # A refused socket (unknown key), a rejected subscription, a refused API request.
        bad = h.WSClient(server.ws_url("no-such-key"), expect_established=False)
        assert bad.expect_close().code == 4001
        c = h.WSClient(server.ws_url(app.key))
        c.subscribe("private-x", auth="nope:bad", expect=False)
        c.recv_event("pusher:error")
        assert h.signed_request(server, app, "GET", f"/apps/{app.app_id}/channels", secret="x").status_code == 401
        text = p.wait_for_log(server, r'"event":"request_rejected"')
        p.wait_for_log(server, r'"event":"message_rejected"')
        c.close()
        # A client that resets its socket (SO_LINGER 0): a transport error, logged with the error as the reason.
        gone = h.WSClient(server.ws_url(app.key))
        gone.ws.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        gone.ws.socket.close()
        p.wait_for_log(server, r'"event":"connection_error"')
    finally:
        assert server.terminate() == 0
    records = [json.loads(line) for line in server.log_text().splitlines() if line.strip()]
    for r in records:
        assert {"time", "level", "label", "message"} <= r.keys()
    refused = [r for r in records if r.get("event") == "connection_refused"]
    assert refused and refused[0]["code"] == 4001 and refused[0]["level"] == "notice"
    rejected = [r for r in records if r.get("event") == "request_rejected"]
    assert rejected[0]["status"] == 401 and rejected[0]["route"] == "/apps/{id}/channels"
    message = [r for r in records if r.get("event") == "message_rejected"]
    assert message[0]["channel"] == "private-x" and message[0]["code"] == 4009
    reset = [r for r in records if r.get("event") == "connection_error"]
    assert reset[0]["code"] == 1006 and reset[0]["socket_id"] == gone.socket_id
    assert "reset" in reset[0]["reason"].lower(), reset[0]
    assert any("Starting server on" in r["message"] for r in records)
    assert any("Stopped server on" in r["message"] for r in records)


def test_json_log_format_with_debug_keeps_every_line_json(servers):
    app_cfg = p.unique_app("jsondebug")
    app = p.app_of(app_cfg)
    server = h.ServerProcess(config_with(app_cfg), ["--log-format", "json"], debug=True)
    try:
        server.start()
        c = h.WSClient(server.ws_url(app.key))
        c.subscribe("news")
        server.sdk(app).trigger("news", "Multi\nLine", {"text": "a\"b"})
        c.recv_event("Multi\nLine")
        c.close()
        p.wait_for_log(server, "Connection Closed")
    finally:
        assert server.terminate() == 0
    records = [json.loads(line) for line in server.log_text().splitlines() if line.strip()]
    messages = [r["message"] for r in records]
    assert any("Connection Established" in m for m in messages)
    assert any("Broadcasting To" in m and "news" in m for m in messages)


def test_text_log_format_stays_human_readable(servers):
    server = servers(config_with(p.unique_app("textlog")))
    bad = h.WSClient(server.ws_url("no-such-key"), expect_established=False)
    assert bad.expect_close().code == 4001
    time.sleep(0.3)
    text = server.log_text()
    assert "INFO  Starting server on" in text
    assert not any(line.startswith("{") for line in text.splitlines())


# --------------------------------------------------------------------------
# install
# --------------------------------------------------------------------------

LARAVEL_11_ENV = """APP_NAME=Laravel
APP_ENV=local
APP_KEY=
APP_DEBUG=true
APP_TIMEZONE=UTC
APP_URL=http://localhost

LOG_CHANNEL=stack
LOG_LEVEL=debug

DB_CONNECTION=sqlite

SESSION_DRIVER=database
SESSION_LIFETIME=120

BROADCAST_CONNECTION=log
FILESYSTEM_DISK=local
QUEUE_CONNECTION=database

CACHE_STORE=database

REDIS_CLIENT=phpredis
REDIS_HOST=127.0.0.1
REDIS_PASSWORD=null
REDIS_PORT=6379

VITE_APP_NAME="${APP_NAME}"
"""

REVERB_KEYS = ["REVERB_APP_ID", "REVERB_APP_KEY", "REVERB_APP_SECRET", "REVERB_HOST", "REVERB_PORT",
               "REVERB_SCHEME", "VITE_REVERB_APP_KEY", "VITE_REVERB_HOST", "VITE_REVERB_PORT",
               "VITE_REVERB_SCHEME"]


def parse_env(text: str) -> dict:
    out = {}
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            k, v = line.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def test_install_on_laravel_11_env(tmp_path):
    env = tmp_path / ".env"
    env.write_text(LARAVEL_11_ENV)
    result = p.run_tool(["install"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = env.read_text()
    assert text.startswith(LARAVEL_11_ENV.replace("BROADCAST_CONNECTION=log", "BROADCAST_CONNECTION=reverb"))
    values = parse_env(text)
    assert values["BROADCAST_CONNECTION"] == "reverb"
    for key in REVERB_KEYS:
        assert key in values, key
        assert f"added   {key}=" in result.stdout
    assert "changed BROADCAST_CONNECTION: log -> reverb" in result.stdout
    assert 100000 <= int(values["REVERB_APP_ID"]) <= 999999
    for key in ("REVERB_APP_KEY", "REVERB_APP_SECRET"):
        assert len(values[key]) == 20 and values[key].isalnum() and values[key] == values[key].lower()
    assert values["REVERB_APP_KEY"] != values["REVERB_APP_SECRET"]
    assert values["REVERB_HOST"] == '"localhost"' and values["REVERB_PORT"] == "8080"
    assert values["REVERB_SCHEME"] == "http"
    assert values["VITE_REVERB_APP_KEY"] == '"${REVERB_APP_KEY}"'
    # Idempotent: a second run changes nothing.
    again = p.run_tool(["install"], cwd=tmp_path)
    assert again.returncode == 0 and "nothing changed" in again.stdout
    assert env.read_text() == text
    # And the configuration loader reads what it wrote as the app.
    probe = p.run_tool(["doctor", "--port", "0"], cwd=tmp_path)
    assert "PASS  configuration" in probe.stdout and "1 app(s)" in probe.stdout, probe.stdout


def test_install_keeps_present_keys(tmp_path):
    env = tmp_path / "custom.env"
    original = ("APP_NAME=Shop\nBROADCAST_CONNECTION=reverb\nREVERB_APP_ID=123456\nREVERB_APP_KEY=\n"
                "REVERB_HOST=ws.shop.test\nVITE_REVERB_HOST=\"${REVERB_HOST}\"")  # no final newline
    env.write_text(original)
    result = p.run_tool(["install", "--env-file", str(env)], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = env.read_text()
    assert text.startswith(original + "\n\n")
    values = parse_env(text)
    assert values["REVERB_APP_ID"] == "123456" and values["REVERB_APP_KEY"] == ""
    assert values["REVERB_HOST"] == "ws.shop.test"
    assert text.count("REVERB_APP_ID=") == 1 and text.count("VITE_REVERB_HOST=") == 1
    for key in ("REVERB_APP_SECRET", "REVERB_PORT", "REVERB_SCHEME", "VITE_REVERB_APP_KEY", "VITE_REVERB_PORT"):
        assert f"added   {key}=" in result.stdout
    for key in ("REVERB_APP_ID", "REVERB_APP_KEY", "REVERB_HOST", "BROADCAST_CONNECTION"):
        assert f" {key}" not in result.stdout
    assert p.run_tool(["install", "--env-file", str(env)]).stdout.count("nothing changed") == 1


def test_install_rewrites_broadcast_driver_like_laravel(tmp_path):
    env = tmp_path / ".env"
    env.write_text("APP_NAME=Legacy\nBROADCAST_DRIVER=pusher\nCACHE_DRIVER=file\n")
    result = p.run_tool(["install"], cwd=tmp_path)
    assert result.returncode == 0
    values = parse_env(env.read_text())
    assert values["BROADCAST_DRIVER"] == "reverb"
    assert "BROADCAST_CONNECTION" not in values  # Laravel 10 reads BROADCAST_DRIVER only
    assert "changed BROADCAST_DRIVER: pusher -> reverb" in result.stdout


def test_install_without_env_file_fails_clearly(tmp_path):
    result = p.run_tool(["install"], cwd=tmp_path)
    assert result.returncode == 1
    assert "cannot read" in result.stderr and ".env" in result.stderr
