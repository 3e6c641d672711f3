"""`reverb-tui doctor` and the deployment files of deploy/, run for real:
nginx from apt proxies a websockets client and the official SDK, supervisord
runs the Supervisor program (and restarts it after `reverb-tui restart`), and
systemd-analyze verifies the unit."""
from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

import production_harness as p
import reverb_harness as h

DEPLOY = h.REPO_ROOT / "deploy"


def config_file(tmp_path: Path, app: dict, **server) -> Path:
    config = h.default_config(**server)
    config["apps"] = [app]
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    return path


# --------------------------------------------------------------------------
# doctor
# --------------------------------------------------------------------------

def doctor(args, cwd, env=None, **kw):
    result = p.run_tool(["doctor"] + args, cwd=cwd, env=env, **kw)
    lines = result.stdout.splitlines()
    return result, lines


def verdict(lines, check: str) -> str:
    """The line of one check: `  PASS  name            detail[. Fix: ...]`."""
    for line in lines:
        parts = line.strip().split(None, 1)
        if len(parts) == 2 and parts[0] in ("PASS", "WARN", "FAIL") and parts[1].startswith(check + " "):
            return line
    raise AssertionError(f"no {check!r} line in:\n" + "\n".join(lines))


def test_doctor_passes_a_good_setup(tmp_path):
    ca = p.make_ca(tmp_path)
    leaf = p.make_leaf(ca, tmp_path / "s.crt", tmp_path / "s.key", days=90)
    port = p.free_port()
    cfg = config_file(tmp_path, p.unique_app("doc"), port=port)
    result, lines = doctor(["--config", str(cfg), "--tls-cert", str(leaf.cert_path), "--tls-key",
                            str(leaf.key_path), "--connections", "1000"], tmp_path)
    assert result.returncode == 0, result.stdout
    for check in ("configuration", "open files", "ephemeral ports", "port", "TLS", "Redis", ".env"):
        line = verdict(lines, check)
        assert "FAIL" not in line, line
    assert "match" in verdict(lines, "TLS") and verdict(lines, "TLS").lstrip().startswith("PASS")
    assert "All checks passed" in result.stdout

    # A certificate about to expire is a warning with the renewal fix, not a failure.
    soon = p.make_leaf(ca, tmp_path / "soon.crt", tmp_path / "soon.key", days=3)
    result, lines = doctor(["--config", str(cfg), "--tls-cert", str(soon.cert_path), "--tls-key",
                            str(soon.key_path), "--connections", "1000"], tmp_path)
    assert result.returncode == 0
    line = verdict(lines, "TLS")
    assert line.lstrip().startswith("WARN") and "expires on" in line and "kill -HUP" in line


def test_doctor_fails_each_broken_check_with_its_fix(tmp_path):
    ca = p.make_ca(tmp_path)
    leaf = p.make_leaf(ca, tmp_path / "a.crt", tmp_path / "a.key")
    other = p.make_leaf(ca, tmp_path / "b.crt", tmp_path / "b.key")
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    port = busy.getsockname()[1]
    cfg = config_file(tmp_path, p.unique_app("docfail"), port=port)

    def low_limits():
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 512))

    result, lines = doctor(["--config", str(cfg), "--tls-cert", str(leaf.cert_path), "--tls-key",
                            str(other.key_path), "--connections", "5000"], tmp_path, preexec_fn=low_limits)
    busy.close()
    assert result.returncode == 1, result.stdout
    tls = verdict(lines, "TLS")
    assert tls.lstrip().startswith("FAIL") and "is not the private key of" in tls and "Fix:" in tls
    files = verdict(lines, "open files")
    assert files.lstrip().startswith("FAIL") and "512" in files
    for fix in ("LimitNOFILE=", "minfds=", "limits.conf"):
        assert fix in files
    busy_line = verdict(lines, "port")
    assert busy_line.lstrip().startswith("FAIL") and f":{port}" in busy_line and "Fix:" in busy_line
    assert "check(s) failed" in result.stdout


def test_doctor_reports_a_bad_configuration(tmp_path):
    (tmp_path / ".env").write_text("REVERB_SERVER_PORT=eighty\n")
    result, lines = doctor([], tmp_path)
    assert result.returncode == 1
    line = verdict(lines, "configuration")
    assert line.lstrip().startswith("FAIL") and "REVERB_SERVER_PORT" in line and "eighty" in line


def test_doctor_port_held_by_this_configuration_passes(tmp_path):
    port = p.free_port()
    app = p.unique_app("docrun")
    cfg = config_file(tmp_path, app, port=port)
    runtime = {"REVERB_RUNTIME_DIR": str(tmp_path / "run")}
    server = h.ServerProcess(json.loads(cfg.read_text()), ["--port", str(port)], env=runtime)
    server.start()
    try:
        result, lines = doctor(["--config", str(cfg), "--port", str(port)], tmp_path, env=runtime)
        line = verdict(lines, "port")
        assert line.lstrip().startswith("PASS") and f"pid {server.proc.pid}" in line, line
    finally:
        server.terminate()


@pytest.fixture
def redis_server(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server)")
    port = p.free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--requirepass", "doctor-pw", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    h.wait_until(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0, timeout=10)
    yield port
    proc.terminate()
    proc.wait(5)


def test_doctor_checks_redis_when_scaling(tmp_path, redis_server):
    port = redis_server
    base = {"REVERB_SCALING_ENABLED": "true", "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(port)}
    (tmp_path / ".env").write_text("\n".join(f"{k}={v}" for k, v in base.items()) + "\nREDIS_PASSWORD=doctor-pw\n")
    result, lines = doctor(["--port", "0"], tmp_path)
    line = verdict(lines, "Redis")
    assert line.lstrip().startswith("PASS") and "PONG" in line, result.stdout

    (tmp_path / ".env").write_text("\n".join(f"{k}={v}" for k, v in base.items()) + "\nREDIS_PASSWORD=wrong\n")
    result, lines = doctor(["--port", "0"], tmp_path)
    assert result.returncode == 1 and verdict(lines, "Redis").lstrip().startswith("FAIL")
    assert "AUTH" in verdict(lines, "Redis")

    (tmp_path / ".env").write_text("REVERB_SCALING_ENABLED=true\n")
    result, lines = doctor(["--port", "0"], tmp_path,
                           env={"REDIS_URL": f"redis://:doctor-pw@127.0.0.1:{port}"})
    assert verdict(lines, "Redis").lstrip().startswith("PASS"), result.stdout

    closed = p.free_port()
    result, lines = doctor(["--port", "0"], tmp_path, env={"REDIS_PORT": str(closed)})
    assert result.returncode == 1 and "cannot connect" in verdict(lines, "Redis")


# --------------------------------------------------------------------------
# nginx
# --------------------------------------------------------------------------

def nginx_site(upstream_port: int, listen_port: int) -> str:
    site = (DEPLOY / "nginx" / "reverb-tui.conf").read_text()
    assert "127.0.0.1:8080" in site and "listen 80;" in site
    site = site.replace("127.0.0.1:8080", f"127.0.0.1:{upstream_port}")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen_port};")
    site = site.replace("listen [::]:80;", "")
    return site


@pytest.fixture
def nginx(tmp_path):
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        pytest.fail("nginx is not installed (apt-get install nginx)")
    procs = []

    def start(upstream_port: int) -> int:
        listen = p.free_port()
        prefix = tmp_path / "nginx"
        (prefix / "logs").mkdir(parents=True, exist_ok=True)
        (prefix / "site.conf").write_text(nginx_site(upstream_port, listen))
        user = "user root;\n" if os.geteuid() == 0 else ""
        (prefix / "nginx.conf").write_text(f"""{user}worker_processes 1;
error_log {prefix}/logs/error.log info;
pid {prefix}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log {prefix}/logs/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/site.conf;
}}
""")
        check = subprocess.run([binary, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                                "-e", str(prefix / "logs" / "error.log")], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        proc = subprocess.Popen([binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                                 "-e", str(prefix / "logs" / "error.log"), "-g", "daemon off;"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        procs.append(proc)
        h.wait_until(lambda: socket.socket().connect_ex(("127.0.0.1", listen)) == 0, timeout=10)
        return listen

    yield start
    for proc in procs:
        proc.send_signal(signal.SIGQUIT)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_nginx_site_proxies_websockets_and_the_api(nginx):
    import pusher
    app_cfg = p.unique_app("nginx")
    app = p.app_of(app_cfg)
    config = h.default_config()
    config["apps"] = [app_cfg]
    server = h.ServerProcess(config)
    server.start()
    try:
        listen = nginx(server.port)
        a = h.WSClient(f"ws://127.0.0.1:{listen}/app/{app.key}?protocol=7&client=js&version=8.4.0")
        b = h.WSClient(f"ws://127.0.0.1:{listen}/app/{app.key}?protocol=7&client=js&version=8.4.0")
        a.subscribe("through-nginx")
        h.subscribe_authed(b, app, "private-through-nginx")
        sdk = pusher.Pusher(app_id=app.app_id, key=app.key, secret=app.secret, host="127.0.0.1",
                            port=listen, ssl=False)
        sdk.trigger(["through-nginx", "private-through-nginx"], "Proxied", {"via": "nginx"})
        assert json.loads(json.loads(a.recv_event("Proxied"))["data"]) == {"via": "nginx"}
        assert json.loads(b.recv_event("Proxied"))["channel"] == "private-through-nginx"
        assert sdk.channels_info()["channels"].keys() == {"through-nginx", "private-through-nginx"}
        assert p.api_get(listen, app, f"/apps/{app.app_id}/connections") == {"connections": 2}
        # Client events between two sockets behind the proxy.
        a.subscribe("private-chat", auth=h.sdk_auth(app, "private-chat", a.socket_id)["auth"])
        h.subscribe_authed(b, app, "private-chat")
        b.send_json({"event": "client-typing", "channel": "private-chat", "data": {"who": "b"}})
        assert json.loads(a.recv_event("client-typing"))["channel"] == "private-chat"
        import requests
        assert requests.get(f"http://127.0.0.1:{listen}/up", timeout=5).json() == {"health": "OK"}
        a.close()
        b.close()
    finally:
        server.terminate()


# --------------------------------------------------------------------------
# Supervisor
# --------------------------------------------------------------------------

def test_supervisor_program_runs_the_server_with_its_file_limit_and_restarts_it(tmp_path):
    supervisord = shutil.which("supervisord")
    if supervisord is None:
        pytest.fail("supervisor is not installed (apt-get install supervisor)")
    program = (DEPLOY / "supervisor" / "reverb-tui.conf").read_text()
    main_conf = re.search(r"^;\s*\[supervisord\]\s*\n;\s*minfds=(\d+)", program, re.M)
    assert main_conf, "the program file documents the [supervisord] minfds it needs"
    port = p.free_port()
    app = p.unique_app("supervisor")
    cfg = config_file(tmp_path, app, port=port)
    runtime = tmp_path / "run"
    binary = str(h.server_binary())
    program = program.replace("/usr/local/bin/reverb-tui", binary)
    program = re.sub(r"^command=(.*)$", lambda m: f"command={m.group(1)} --config {cfg} --port {port}", program,
                     flags=re.M)
    program = re.sub(r"^directory=.*$", f"directory={tmp_path}", program, flags=re.M)
    program = re.sub(r"^user=.*$", "", program, flags=re.M)
    program = re.sub(r"^stdout_logfile=.*$", f"stdout_logfile={tmp_path}/reverb.log", program, flags=re.M)
    program = program.replace("[program:reverb-tui]",
                              f"[program:reverb-tui]\nenvironment=REVERB_RUNTIME_DIR=\"{runtime}\"")
    (tmp_path / "program.conf").write_text(program)
    minfds = 15000
    (tmp_path / "supervisord.conf").write_text(f"""[supervisord]
nodaemon=true
logfile={tmp_path}/supervisord.log
pidfile={tmp_path}/supervisord.pid
minfds={minfds}

[unix_http_server]
file={tmp_path}/supervisor.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{tmp_path}/supervisor.sock

[include]
files = {tmp_path}/program.conf
""")
    log = tmp_path / "reverb.log"
    proc = subprocess.Popen([supervisord, "-c", str(tmp_path / "supervisord.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        banner = re.compile(r"Starting server on 127\.0\.0\.1:(\d+)")
        h.wait_until(lambda: log.exists() and banner.search(log.read_text()), timeout=20)
        limit = int(re.search(r"open-file limit (\d+)", log.read_text()).group(1))
        assert limit >= minfds
        client = h.WSClient(f"ws://127.0.0.1:{port}/app/{app['key']}")
        restart = p.run_tool(["restart", "--config", str(cfg), "--port", str(port)],
                             env={"REVERB_RUNTIME_DIR": str(runtime)})
        assert restart.returncode == 0 and "Stopped 1 of 1" in restart.stdout, restart.stdout + restart.stderr
        assert client.expect_close(5).code == 4200
        # Supervisor starts it again: a second banner, and it serves.
        h.wait_until(lambda: len(banner.findall(log.read_text())) >= 2, timeout=20)
        again = h.wait_until(lambda: _try_client(port, app["key"]), timeout=10)
        again.close()
        assert "exit status 0" in (tmp_path / "supervisord.log").read_text()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _try_client(port: int, key: str):
    try:
        return h.WSClient(f"ws://127.0.0.1:{port}/app/{key}")
    except Exception:
        return None


# --------------------------------------------------------------------------
# systemd
# --------------------------------------------------------------------------

def test_systemd_unit_has_the_limits_and_verifies(tmp_path):
    unit = (DEPLOY / "systemd" / "reverb-tui.service").read_text()
    settings = dict(re.findall(r"^(\w+)=(.*)$", unit, re.M))
    assert int(settings["LimitNOFILE"]) >= 100000
    assert settings["Restart"] == "always"  # restart exits 0: on-failure would not start it again
    assert settings["KillSignal"] == "SIGTERM"
    assert settings["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert settings["ExecStart"].startswith("/usr/local/bin/reverb-tui")
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return
    local = unit.replace("/usr/local/bin/reverb-tui", str(h.server_binary()))
    local = re.sub(r"^(User|Group)=.*$", "", local, flags=re.M)
    local = re.sub(r"^WorkingDirectory=.*$", f"WorkingDirectory={tmp_path}", local, flags=re.M)
    path = tmp_path / "reverb-tui.service"
    path.write_text(local)
    result = subprocess.run([analyze, "verify", str(path)], capture_output=True, text=True, timeout=60)
    # Any complaint about the unit names its file ("reverb-tui.service:18: Failed to parse ...").
    problems = [line for line in (result.stdout + result.stderr).splitlines() if "reverb-tui.service" in line]
    assert result.returncode == 0 and not problems, result.stdout + result.stderr
