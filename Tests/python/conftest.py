"""Fixtures for the client-compatibility suite.

Every fixture here is opt-in by name (nothing is autouse), so other suites in
this folder (e.g. the tmux console tests) are unaffected.

* ``reverb``         – one ``reverb-tui --headless`` server for the whole session
                       with the apps of ``reverb_harness.APP_CONFIGS``.
* ``start_server``   – factory for an extra server (a differing server setting);
                       stopped at the end of the test; a failed start fails the test.
* ``servers``        – the same, with an environment, and a failed start raises
                       ``RuntimeError`` for tests that expect the server to refuse.
* ``ws``             – factory for raw WebSocket clients on ``reverb``; all are
                       closed at the end of the test.
* ``apps``           – ``reverb_harness.APPS``.
* ``redis``          – a ``redis-server`` on a free port for one test module (scaling suites).
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

_COMPAT_FIXTURES = {"reverb", "start_server", "ws"}
_servers_for_report: list = []


@pytest.fixture(scope="session")
def reverb():
    import reverb_harness as h
    server = h.ServerProcess(h.default_config())
    error = None
    try:
        server.start()
    except RuntimeError as e:
        error = str(e)
    if error:
        pytest.fail(error, pytrace=False)
    _servers_for_report.append(server)
    yield server
    server.terminate()
    _servers_for_report.remove(server)


@pytest.fixture(scope="module")
def redis():
    import cluster_harness as ch
    r = ch.RedisProcess().start()
    yield r
    r.stop()


@pytest.fixture
def start_server(servers):
    def start(config: dict | None = None, extra_args: list[str] | None = None):
        error = None
        try:
            return servers(config, extra_args)
        except RuntimeError as e:
            error = str(e)
        pytest.fail(error, pytrace=False)

    return start


@pytest.fixture
def servers():
    import reverb_harness as h
    started = []

    def start(config: dict | None = None, extra_args: list[str] | None = None, env: dict | None = None):
        server = h.ServerProcess(config or h.default_config(), extra_args, env=env)
        started.append(server)
        _servers_for_report.append(server)
        server.start()
        return server

    yield start
    for s in started:
        s.terminate()
        _servers_for_report.remove(s)


@pytest.fixture
def apps():
    import reverb_harness as h
    return h.APPS


@pytest.fixture
def ws(reverb):
    import reverb_harness as h
    clients = []

    def open_client(app="main", origin=None, expect_established=True, server=None, **kw):
        app_obj = h.APPS[app] if isinstance(app, str) else app
        srv = server or reverb
        c = h.WSClient(srv.ws_url(app_obj.key), origin=origin,
                       expect_established=expect_established, **kw)
        clients.append(c)
        return c

    yield open_client
    for c in clients:
        c.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed and _COMPAT_FIXTURES & set(getattr(item, "fixturenames", ())):
        for s in list(_servers_for_report):
            report.sections.append((f"reverb-tui log ({s.log_path})", s.log_tail(60)))
