"""End to end: `reverb-tui attach` watching and steering a headless server from another process.

A headless `reverb-tui --allow-attach` runs on a fixed free port; `reverb-tui attach` runs in tmux on a 120x40
terminal. Real pysher clients connect to the server and must appear on the attached console; a kick chosen
with the keyboard must close exactly that client's socket with the chosen code; the console must show the
server going away and come back by itself when the server restarts on the same port. A wrong secret, a
server without --allow-attach and an unreachable server each get one clear line and exit status 1. The
stream's signature is also computed here from docs/console.md alone, with the `websockets` client.
"""

import asyncio
import hashlib
import hmac
import json
import os
import re
import shlex
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import websockets

from console_harness import Tmux, until
from test_console_tmux import APP, BINARY, Client, kick_with_4009, row_containing


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Headless:
    """A `reverb-tui --headless` server process on a fixed port that can be stopped and started again."""

    def __init__(self, tmp_path, port, allow_attach=True):
        self.port = port
        self.config = tmp_path / "server.json"
        self.config.write_text(json.dumps({"server": {"host": "127.0.0.1", "port": port}, "apps": [APP]}))
        self.log = tmp_path / "server.log"
        self.allow_attach = allow_attach
        self.proc = None

    def start(self):
        args = [str(BINARY), "--headless", "--port", str(self.port), "--config", str(self.config)]
        if self.allow_attach:
            args.append("--allow-attach")
        env = {k: v for k, v in os.environ.items() if not k.startswith("REVERB_")}
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        until(self._listening, timeout=20, describe=lambda: self.log.read_text(errors="replace"))

    def _listening(self):
        assert self.proc.poll() is None, self.log.read_text(errors="replace")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def server(tmp_path):
    headless = Headless(tmp_path, free_port())
    headless.start()
    yield headless
    headless.stop()


def attach_command(port, *extra):
    return [str(BINARY), "attach", f"ws://127.0.0.1:{port}", *extra]


def run_attach(port, *extra, cwd=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVERB_")}
    return subprocess.run(
        attach_command(port, *extra), capture_output=True, text=True, timeout=30, cwd=cwd, env=env,
        stdin=subprocess.DEVNULL)


def test_attached_console_shows_clients_kicks_the_right_socket_and_survives_a_restart(server, tmp_path):
    # Credentials from a Laravel .env in the working directory, read the way the server reads them.
    workdir = tmp_path / "laravel"
    workdir.mkdir()
    (workdir / ".env").write_text(
        f"REVERB_APP_ID={APP['app_id']}\nREVERB_APP_KEY={APP['key']}\nREVERB_APP_SECRET=\"{APP['secret']}\"\n")
    command = " ".join(shlex.quote(part) for part in attach_command(server.port))
    tmux = Tmux(command, width=120, height=40, cwd=str(workdir))
    clients = []
    try:
        tmux.until_text(f"attached ws://127.0.0.1:{server.port}")
        tmux.until_text("live")

        target = Client(server.port)
        clients.append(target)
        target.subscribe("chat")
        bystander = Client(server.port, user=("42", {"name": "Bob"}))
        clients.append(bystander)
        bystander.subscribe("presence-room")

        # Both real clients appear in the attached console's panes and stream.
        tmux.until(lambda lines: row_containing(lines, target.socket_id) and row_containing(lines, bystander.socket_id))
        tmux.until(lambda lines: any(re.search(r"│ ?42\s.*\{\"name\":\"Bob\"\}", line) for line in lines))
        tmux.until_text("member_added")
        tmux.until(lambda lines: any(re.search(r"4 Connections ─+ 2 ─┐", line) for line in lines))

        # Kick the oldest connection (the target) with 4009; the result comes back to the flash line.
        kick_with_4009(tmux, target)
        tmux.until(lambda lines: any(re.search(r"4 Connections ─+ 1 ─┐", line) for line in lines))
        assert bystander.pusher.connection.state == "connected"
        assert not bystander.close_codes

        # Inject an event from the attached console: delivered through the server, reported back.
        tmux.send_keys("2", "g", "i")
        tmux.until_text("Inject event")
        tmux.send_keys("C-u")
        tmux.type_text("attach-ping")
        tmux.send_keys("Tab", "C-u")
        tmux.type_text('{"from":"attach"}')
        tmux.until_text("✓ valid JSON")
        tmux.send_keys("Enter")
        tmux.until_text("attach-ping on presence-room: delivered to 1 connection")

        # The metrics view draws the rates and the latency of the broadcasts just made.
        tmux.send_keys("v")
        tmux.until_text("Broadcast latency")
        tmux.until_text("Nodes")
        tmux.send_keys("v")
        tmux.until_text("4 Connections")

        # The server restarts: the header says so, and the console picks the new server up by itself.
        for client in clients:
            client.close()
        server.stop()
        tmux.until_text("reconnecting")
        server.start()
        tmux.until(lambda lines: "live" in lines[0] and "reconnecting" not in lines[0], timeout=30)
        fresh = Client(server.port)
        clients.append(fresh)
        fresh.subscribe("chat")
        tmux.until_text(fresh.socket_id)
        assert not tmux.pane_dead()

        # Quitting the attached console asks about detaching and leaves the server running.
        tmux.send_keys("q")
        tmux.until_text("Detach from")
        tmux.send_keys("y")
        until(tmux.pane_dead, timeout=10, describe=tmux.screen)
        assert server.proc.poll() is None
    finally:
        for client in clients:
            client.close()
        tmux.close()


def test_wrong_secret_gets_one_clear_line_and_exit_1(server):
    result = run_attach(server.port, "--app-id", APP["app_id"], "--secret", "not-the-secret")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "refused" in lines[0] and "wrong secret for app 123456" in lines[0] and "401" in lines[0]


def test_unknown_app_and_missing_credentials_are_refused(server, tmp_path):
    unknown = run_attach(server.port, "--app-id", "999", "--secret", "x")
    assert unknown.returncode == 1
    assert "no app with id 999" in unknown.stderr
    # No flags, no environment, no .env: the built-in development app's secret is not this server's.
    bare = run_attach(server.port, cwd=str(tmp_path))
    assert bare.returncode == 1
    assert len(bare.stderr.strip().splitlines()) == 1


def test_server_without_allow_attach_and_no_server_get_clear_lines(tmp_path):
    closed = Headless(tmp_path, free_port(), allow_attach=False)
    closed.start()
    try:
        result = run_attach(closed.port, "--app-id", APP["app_id"], "--secret", APP["secret"])
        assert result.returncode == 1
        assert "--allow-attach" in result.stderr and "404" in result.stderr
    finally:
        closed.stop()
    nobody = run_attach(free_port(), "--app-id", APP["app_id"], "--secret", APP["secret"])
    assert nobody.returncode == 1
    assert "cannot reach" in nobody.stderr


def signed_query(app_id, secret, timestamp=None, nonce=None):
    """The console stream signature as docs/console.md describes it."""
    params = {
        "app_id": app_id, "auth_nonce": nonce or uuid.uuid4().hex,
        "auth_timestamp": str(timestamp or int(time.time())), "auth_version": "1.0",
    }
    to_sign = "GET\n/console\n" + "&".join(f"{k}={params[k]}" for k in sorted(params))
    params["auth_signature"] = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    return "&".join(f"{k}={v}" for k, v in params.items())


def test_stream_protocol_from_the_documentation(server):
    async def scenario():
        url = f"ws://127.0.0.1:{server.port}/console?{signed_query(APP['app_id'], APP['secret'])}"
        async with websockets.connect(url) as console:
            hello = json.loads(await console.recv())
            assert hello["type"] == "hello" and hello["appID"] == APP["app_id"]
            snapshot = None
            while snapshot is None:
                frame = json.loads(await asyncio.wait_for(console.recv(), 5))
                if frame["type"] == "snapshot":
                    snapshot = frame["snapshot"]
            assert [app["id"] for app in snapshot["apps"]] == [APP["app_id"]]
            assert len(snapshot["broadcastLatency"]["counts"]) == 12
            await console.send(json.dumps(
                {"id": 1, "action": "publish", "appID": APP["app_id"], "channel": "nobody", "event": "e", "data": "{}"}))
            while True:
                frame = json.loads(await asyncio.wait_for(console.recv(), 5))
                if frame["type"] == "result":
                    assert frame["result"] == {"id": 1, "ok": True, "count": 0}
                    break
        with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
            async with websockets.connect(
                    f"ws://127.0.0.1:{server.port}/console?{signed_query(APP['app_id'], 'wrong')}"):
                pass
        assert refused.value.response.status_code == 401

    asyncio.run(scenario())


def test_attach_over_tls_trusts_the_given_certificate_only(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True)
    secure = Headless(tmp_path, free_port())
    config = json.loads(secure.config.read_text())
    config["server"]["tls"] = {"cert": str(cert), "key": str(key)}
    secure.config.write_text(json.dumps(config))
    secure.start()
    tmux = None
    try:
        # An unknown certificate is refused with one line; the server's own certificate, given, is trusted.
        untrusted = subprocess.run(
            [str(BINARY), "attach", f"wss://127.0.0.1:{secure.port}", "--app-id", APP["app_id"], "--secret",
             APP["secret"]], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        assert untrusted.returncode == 1
        assert len(untrusted.stderr.strip().splitlines()) == 1, untrusted.stderr
        command = " ".join(shlex.quote(part) for part in [
            str(BINARY), "attach", f"wss://127.0.0.1:{secure.port}", "--app-id", APP["app_id"], "--secret",
            APP["secret"], "--tls-ca", str(cert)])
        tmux = Tmux(command, width=120, height=40, cwd=str(tmp_path))
        tmux.until_text(f"attached wss://127.0.0.1:{secure.port}")
        tmux.until_text("live")
        tmux.until_text("tls on")
    finally:
        if tmux:
            tmux.close()
        secure.stop()


def test_without_url_or_credentials_the_local_configuration_is_attached(server, tmp_path):
    # The server's own config file names the port and the app; its secret is found there. Past the handshake
    # attach needs a terminal, which this pipe is not: that refusal (status 2) comes only after a good signature.
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVERB_")}
    result = subprocess.run(
        [str(BINARY), "attach", "--config", str(server.config)], capture_output=True, text=True, timeout=30,
        cwd=str(tmp_path), env=env, stdin=subprocess.DEVNULL)
    assert result.returncode == 2, result.stderr
    assert "needs a terminal" in result.stderr
    # The same with the app id and secret from the environment, as the server reads them.
    env.update(REVERB_APP_ID=APP["app_id"], REVERB_APP_KEY=APP["key"], REVERB_APP_SECRET="wrong-secret")
    wrong = subprocess.run(
        [str(BINARY), "attach", f"127.0.0.1:{server.port}"], capture_output=True, text=True, timeout=30,
        cwd=str(tmp_path), env=env, stdin=subprocess.DEVNULL)
    assert wrong.returncode == 1
    assert "wrong secret for app 123456" in wrong.stderr


class FreezableProxy:
    """A TCP relay on loopback that can go silent without closing anything, like a network that dropped."""

    def __init__(self, target_port):
        import threading
        self.target_port = target_port
        self.frozen = threading.Event()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.sockets = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        import threading
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self.sockets += [client, upstream]
            # Connections opened while frozen stay silent too; later ones relay again.
            frozen_at_start = self.frozen.is_set()
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._relay, args=(source, sink, frozen_at_start), daemon=True).start()

    def _relay(self, source, sink, frozen_at_start):
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                return
            if frozen_at_start or self.frozen.is_set():
                continue  # swallowed: no error, no close, just silence
            try:
                sink.sendall(data)
            except OSError:
                return

    def close(self):
        self.listener.close()
        for sock in self.sockets:
            sock.close()


def test_attached_console_notices_a_silent_network_and_reconnects(server, tmp_path):
    proxy = FreezableProxy(server.port)
    command = " ".join(shlex.quote(part) for part in [
        str(BINARY), "attach", f"ws://127.0.0.1:{proxy.port}", "--app-id", APP["app_id"], "--secret", APP["secret"]])
    tmux = Tmux(command, width=120, height=40, cwd=str(tmp_path))
    try:
        tmux.until(lambda lines: "live" in lines[0])
        proxy.frozen.set()
        tmux.until(lambda lines: "reconnecting" in lines[0], timeout=20)
        proxy.frozen.clear()
        tmux.until(lambda lines: "live" in lines[0] and "reconnecting" not in lines[0], timeout=30)
        client = Client(server.port)
        try:
            tmux.until_text(client.socket_id)
        finally:
            client.close()
    finally:
        tmux.close()
        proxy.close()
