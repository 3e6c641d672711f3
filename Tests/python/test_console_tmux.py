"""End to end: reverb-tui's live console in tmux with real pysher clients.

Starts `reverb-tui --port 0 --config FILE` on a 120x40 tmux terminal, connects pysher clients to a
public and a presence channel, and checks through the keyboard and the screen that they appear in
the panes, that an event injected from the keyboard reaches a client, that a kick delivers the
chosen close code, that terminating a presence user closes its connection, and that quitting asks first
and ends the process.
"""

import json
import logging
import os
import re
import shlex
import subprocess
import threading
from pathlib import Path

import pusher
import pysher
import pytest

from console_harness import Tmux, until

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("REVERB_TUI_BIN", ROOT / ".build" / "debug" / "reverb-tui"))
APP = {"app_id": "123456", "key": "reverb-key", "secret": "reverb-secret", "accept_client_events_from": "members"}


@pytest.fixture(scope="module")
def binary():
    if not BINARY.exists():
        subprocess.run(["swift", "build", "--product", "reverb-tui"], cwd=ROOT, check=True)
    return BINARY


@pytest.fixture
def console(binary, tmp_path):
    config = tmp_path / "reverb.json"
    config.write_text(json.dumps({"server": {"host": "127.0.0.1", "port": 0}, "apps": [APP]}))
    command = f"{shlex.quote(str(binary))} --port 0 --config {shlex.quote(str(config))}"
    tmux = Tmux(command, width=120, height=40, cwd=str(tmp_path))
    clients = []
    try:
        yield tmux, clients
    finally:
        for client in clients:
            client.close()
        tmux.close()


class Client:
    """A pysher client that records what it receives: events, pusher:error codes and the close code."""

    def __init__(self, port, user=None):
        self.events = []
        self.errors = []
        self.close_codes = []
        user_data = {"user_id": user[0], "user_info": user[1]} if user else None
        self.pusher = pysher.Pusher(
            APP["key"], secure=False, custom_host="127.0.0.1", port=port, secret=APP["secret"],
            user_data=user_data, log_level=logging.WARNING, reconnect_interval=60,
        )
        connection = self.pusher.connection
        original_close = connection._on_close

        def on_close(*args):
            # websocket-client passes (app, status_code, reason).
            if len(args) >= 2 and args[1] is not None:
                self.close_codes.append(args[1])
            original_close(*args)

        connection._on_close = on_close
        # Channel messages are recorded where pysher dispatches them, so none can arrive before a
        # channel binding exists (pysher registers a channel only after sending its subscribe).
        dispatch = connection.event_handler

        def on_channel_event(event, data, channel):
            if event == "pusher_internal:subscription_succeeded":
                self.subscriptions.add(channel)
            else:
                self.events.append((event, data))
            dispatch(event, data, channel)

        self.subscriptions = set()
        connection.event_handler = on_channel_event
        connection.bind("pusher:error", self._record_error)
        self.established = threading.Event()
        connection.bind("pusher:connection_established", lambda data: self.established.set())
        self.pusher.connect()
        assert self.established.wait(10), "pysher did not connect"

    def _record_error(self, data):
        # Reverb sends pusher:error's data as a JSON string; Pusher's own servers send an object.
        if isinstance(data, str):
            data = json.loads(data)
        self.errors.append(int(data["code"]))

    @property
    def socket_id(self):
        return self.pusher.connection.socket_id

    def subscribe(self, channel):
        self.pusher.subscribe(channel)
        until(lambda: channel in self.subscriptions, timeout=10, describe=lambda: f"no subscription_succeeded for {channel}")

    def close(self):
        self.pusher.connection.needs_reconnect = False
        self.pusher.connection.disconnect_called = True
        if self.pusher.connection.socket:
            self.pusher.connection.socket.close()


def sgr_codes(ansi_text):
    """Every SGR parameter in a `capture-pane -e` dump."""
    return {int(p) for params in re.findall(r"\x1b\[([0-9;]*)m", ansi_text) for p in params.split(";") if p}


def colour_codes(ansi_text):
    """SGR parameters that set a colour (39/49, back to the default, do not count)."""
    return {code for code in sgr_codes(ansi_text) if 30 <= code <= 38 or 40 <= code <= 48 or 90 <= code <= 107}


def bound_port(tmux):
    """The port reverb-tui bound (it was started with --port 0), read from the header."""
    match = tmux.until(lambda lines: next((m for m in (re.search(r"ws://127\.0\.0\.1:(\d+)", l) for l in lines) if m), None))
    return int(match.group(1))


def row_containing(lines, text):
    return next((line for line in lines if text in line), None)



def kick_with_4009(tmux: Tmux, client: "Client", row: int = 0):
    """Kicks `client` (the `row`-th line of the connections pane) with 4009 through the picker and the confirm, and
    waits for the client to get the error and the close."""
    tmux.send_keys("4", "g", *(["j"] * row), "K")
    tmux.until_text(f"Kick {client.socket_id}")
    tmux.send_keys("j", "Enter")
    tmux.until_text(f"Kick {client.socket_id} with 4009")
    tmux.send_keys("y")
    tmux.until_text(f"kicked {client.socket_id} with 4009")
    until(lambda: client.errors and client.close_codes, timeout=10)
    assert client.errors == [4009]
    assert client.close_codes == [4009]

def test_console_shows_clients_injects_kicks_and_quits(console):
    tmux, clients = console

    # The header shows the bound address; port 0 means we learn the port from the screen.
    port = bound_port(tmux)
    tmux.until_text("reverb-key")

    public = Client(port)
    clients.append(public)
    public.subscribe("chat")
    tmux.until_text(public.socket_id)

    member = Client(port, user=("42", {"name": "Bob"}))
    clients.append(member)
    member.subscribe("presence-room")

    # Channels, presence members and connections appear in their panes.
    screen = tmux.until(lambda lines: lines if row_containing(lines, "presence-room") and row_containing(lines, member.socket_id) else None)
    assert row_containing(screen, "chat")
    tmux.until(lambda lines: any(re.search(r"│ ?42\s.*\{\"name\":\"Bob\"\}", line) for line in lines))
    tmux.until_text("member_added")

    # Inject an event on the selected channel (chat is the first row of the channels pane).
    tmux.send_keys("2", "g", "i")
    tmux.until_text("Inject event")
    tmux.until(lambda lines: any("Channel" in line and "chat" in line for line in lines))
    tmux.send_keys("C-u")
    tmux.type_text("console-ping")
    tmux.send_keys("Tab", "C-u")
    tmux.type_text('{"hello":"tmux"')
    tmux.until_text("✗")
    tmux.type_text("}")
    tmux.until_text("✓ valid JSON")
    tmux.send_keys("Enter")
    tmux.until_text("console-ping on chat: delivered to 1 connection")
    until(lambda: any(name == "console-ping" for name, _ in public.events), timeout=10)
    name, data = next(event for event in public.events if event[0] == "console-ping")
    assert name == "console-ping"
    assert json.loads(data) == {"hello": "tmux"}

    # Kick the public client (the oldest connection) with 4009 through the picker and the confirm.
    kick_with_4009(tmux, public)
    tmux.until(lambda lines: any("disconnection" in line and public.socket_id in line for line in lines))
    tmux.until_text("4 Connections ───")
    tmux.until(lambda lines: any(re.search(r"4 Connections ─+ 1 ─┐", line) for line in lines))

    # Terminate the presence user 42 (the only member left) from the presence pane.
    tmux.send_keys("3", "g", "T")
    tmux.until_text("Close all connections of user 42")
    tmux.until_text("presence-room)?")
    tmux.send_keys("y")
    tmux.until_text("terminated 1 connection of user 42")
    until(lambda: member.errors and member.close_codes, timeout=10)
    assert member.errors == [4009]
    assert member.close_codes == [4009]
    tmux.until(lambda lines: any(re.search(r"4 Connections ─+ 0 ─┐", line) for line in lines))

    # Quit asks first; "n" keeps running, "y" ends the process.
    tmux.send_keys("q")
    tmux.until_text("Quit reverb-tui and stop the server?")
    tmux.send_keys("n")
    tmux.until(lambda lines: not any("Quit reverb-tui" in line for line in lines))
    assert not tmux.pane_dead()
    tmux.send_keys("q")
    tmux.until_text("Quit reverb-tui and stop the server?")
    tmux.send_keys("y")
    until(tmux.pane_dead, timeout=15, describe=tmux.screen)


def test_console_survives_resizing(console):
    tmux, _ = console
    bound_port(tmux)
    for width, height in [(80, 24), (40, 10), (15, 4), (120, 40)]:
        tmux.resize(width, height)
        expected = "terminal" if width < 20 else "conns"
        tmux.until_text(expected)
    tmux.until_text("5 Stream")
    assert not tmux.pane_dead()


def test_bad_theme_warns_and_falls_back_then_themes_cycle_and_export_writes_json_lines(binary, tmp_path):
    config = tmp_path / "reverb.json"
    config.write_text(json.dumps({"server": {"host": "127.0.0.1", "port": 0}, "apps": [APP]}))
    bad_theme = tmp_path / "broken.theme"
    bad_theme.write_text('theme[title]="#nothex"\nnot a theme line\n')
    command = f"{shlex.quote(str(binary))} --port 0 --config {shlex.quote(str(config))} --theme {shlex.quote(str(bad_theme))}"
    tmux = Tmux(command, width=120, height=40, cwd=str(tmp_path), env={"NO_COLOR": "1"})
    client = None
    try:
        tmux.until_text('theme broken.theme: line 1: title has no colour in "#nothex" (+1 more); defaults used there')
        client = Client(bound_port(tmux))
        client.subscribe("chat")
        tmux.until_text("subscribed")
        # The connections pane follows snapshots, a moment behind the stream.
        tmux.until(lambda lines: any(re.search(r"4 Connections ─+ 1 ─┐", line) for line in lines))

        # NO_COLOR: no colour escapes at all, selection still visible (reverse video).
        colours = tmux._tmux("capture-pane", "-e", "-p", "-t", tmux.session).stdout
        assert colour_codes(colours) == set()
        assert 7 in sgr_codes(colours), "the selected row should be in reverse video"

        tmux.send_keys("t")
        tmux.until_text("theme default")
        tmux.send_keys("t")
        tmux.until(lambda lines: any(re.search(r"^ theme [a-z-]+$", line) for line in lines))

        tmux.send_keys("C-s")
        message = tmux.until(lambda lines: next((m for m in (re.search(r"exported (\d+) rows to (\S+\.jsonl)", l) for l in lines) if m), None))
        rows = [json.loads(line) for line in Path(message.group(2)).read_text().splitlines()]
        assert len(rows) == int(message.group(1)) > 0
        assert {"connection", "subscribed"} <= {row["type"] for row in rows}
        assert all(row["app_id"] == APP["app_id"] for row in rows)
        assert not tmux.pane_dead()
    finally:
        if client:
            client.close()
        tmux.close()


def test_scrolling_up_pauses_the_stream_counts_new_rows_and_enter_shows_the_message(console):
    tmux, clients = console
    port = bound_port(tmux)
    client = Client(port)
    clients.append(client)
    client.subscribe("chat")
    api = pusher.Pusher(app_id=APP["app_id"], key=APP["key"], secret=APP["secret"], ssl=False, host="127.0.0.1", port=port)
    api.trigger("chat", "first-event", {"n": 1})
    tmux.until_text("first-event")

    # Scrolling up in the stream pauses it; rows arriving meanwhile are counted, not shown.
    tmux.send_keys("5", "k")
    tmux.until_text("PAUSED (+0 new)")
    api.trigger("chat", "second-event", {"n": 2})
    until(lambda: any(name == "second-event" for name, _ in client.events), timeout=10)
    tmux.until_text("PAUSED (+1 new)")
    # (The channels pane's "Last event" already shows it; the stream must not.)
    assert not any("api_message" in line and "second-event" in line for line in tmux.capture())

    # enter opens the selected row with its JSON pretty-printed.
    tmux.send_keys("G", "k", "k")
    tmux.send_keys("/")
    tmux.type_text("first-event")
    tmux.send_keys("Enter")
    tmux.until_text('filter "first-event"')
    tmux.send_keys("Enter")
    tmux.until_text("data (decoded)")
    tmux.until_text('"n": 1')
    tmux.send_keys("Escape", "Escape", "space")
    tmux.until(lambda lines: any("api_message" in line and "second-event" in line for line in lines))
    tmux.until(lambda lines: not any("PAUSED" in line for line in lines))
