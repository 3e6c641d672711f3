"""Shared helpers for the benchmark scripts: build the tool, start servers, run scenarios, read results.

Everything here talks to loopback only and every call is bounded in time.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BANNER = re.compile(r"Starting server on ([0-9.]+):(\d+)")

APP = {"app_id": "123456", "key": "reverb-key", "secret": "reverb-secret"}


def build(configuration="debug"):
    """Builds pusher-bench and nio-ceiling quietly (the log is shown on failure); returns the bin directory."""
    for product in ("pusher-bench", "nio-ceiling"):
        proc = subprocess.run(
            ["swift", "build", "-c", configuration, "--product", product],
            cwd=BENCH_DIR, capture_output=True, text=True,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"swift build --product {product} failed:\n{proc.stdout[-4000:]}{proc.stderr[-2000:]}")
    out = subprocess.run(
        ["swift", "build", "-c", configuration, "--show-bin-path"],
        cwd=BENCH_DIR, check=True, capture_output=True, text=True,
    )
    return out.stdout.strip()


def write_config(path, port=0, **app_overrides):
    app = dict(APP)
    app.update({"accept_client_events_from": "all", "max_message_size": 100000})
    app.update(app_overrides)
    config = {
        "server": {"host": "127.0.0.1", "port": port, "max_request_size": 100000},
        "apps": [app],
    }
    with open(path, "w") as f:
        json.dump(config, f)
    return path


class Server:
    """A server process (reverb-tui --headless or nio-ceiling) whose banner gives its port."""

    def __init__(self, argv, log_path, timeout=60):
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.host, self.port = self._wait_banner(timeout)

    def _wait_banner(self, timeout):
        end = time.time() + timeout
        while time.time() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}): {self.tail()}")
            with open(self.log_path) as f:
                m = BANNER.search(f.read())
            if m:
                return m.group(1), int(m.group(2))
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"no banner within {timeout}s: {self.tail()}")

    @property
    def pid(self):
        return self.proc.pid

    def tail(self, n=2000):
        try:
            with open(self.log_path) as f:
                return f.read()[-n:]
        except OSError:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.log.close()


def start_reverb(binary, workdir, port=0, extra=()):
    config = write_config(os.path.join(workdir, "reverb.json"), port=port)
    argv = [binary, "--headless", "--host", "127.0.0.1", "--config", config, "--port", str(port), *extra]
    return Server(argv, os.path.join(workdir, "reverb.log"))


def start_ceiling(bin_dir, workdir, threads=None, extra=()):
    argv = [os.path.join(bin_dir, "nio-ceiling"), "--port", "0", *extra]
    if threads:
        argv += ["--threads", str(threads)]
    return Server(argv, os.path.join(workdir, "ceiling.log"))


def run_scenario(bin_dir, scenario, host, port, args=(), timeout=300, server_pid=None, quiet=False):
    """Runs one pusher-bench scenario and returns its parsed result line (or raises).

    With `quiet`, first waits for the machine to be idle and records the idle fraction in the line.
    """
    idle = wait_quiet() if quiet else None
    argv = [os.path.join(bin_dir, "pusher-bench"), scenario, "--host", host, "--port", str(port),
            "--timeout", str(timeout - 5), *map(str, args)]
    if server_pid:
        argv += ["--server-pid", str(server_pid)]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{scenario} exited {proc.returncode}: {proc.stdout[-500:]} {proc.stderr[-1500:]}")
    return json.loads(lines[-1])


def cpu_idle(seconds=1.0):
    """Fraction of the machine's CPU time that was idle over the next `seconds`."""
    def sample():
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        return values[3] + values[4], sum(values)
    idle0, total0 = sample()
    time.sleep(seconds)
    idle1, total1 = sample()
    return (idle1 - idle0) / max(1, total1 - total0)


def wait_quiet(threshold=0.85, max_wait=None):
    """Waits (bounded) until other work on this shared machine leaves the cores idle; returns the idle fraction.

    Other sessions build and test on the same two cores; a measurement taken during their compile is not one.
    `BENCH_QUIET_WAIT` (seconds, default 90) bounds the wait: 0 measures at once, for figures that are server CPU
    per message (the process's own CPU time, which other load moves little) taken in alternating rounds.
    """
    if max_wait is None:
        max_wait = float(os.environ.get("BENCH_QUIET_WAIT", "90"))
    end = time.time() + max_wait
    idle = cpu_idle()
    while idle < threshold and time.time() < end:
        idle = cpu_idle(2.0)
    return round(idle, 3)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def append_result(path, result):
    if not path:
        return
    with open(path, "a") as f:
        f.write(json.dumps(result) + "\n")


def machine():
    """A one-line description of this machine for result files and docs."""
    cpu = "unknown cpu"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) // 1024 // 1024} GiB"
    except OSError:
        pass
    kernel = os.uname().release
    return f"{os.cpu_count()} cores, {cpu}, {mem}, Linux {kernel}"


def workdir():
    return tempfile.mkdtemp(prefix="pusher-bench-")


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def start_spec(spec, bin_dir, workdir):
    """Starts a server from a spec: `ceiling`, `ceiling:--flag,--flag`, or a path to a reverb-tui binary."""
    if spec == "ceiling" or spec.startswith("ceiling:"):
        flags = [f for f in spec.partition(":")[2].split(",") if f]
        return start_ceiling(bin_dir, workdir, extra=flags)
    return start_reverb(os.path.abspath(spec), workdir)


class ConsoleServer:
    """reverb-tui with its console attached, inside a detached tmux session of 200x50 cells on a free port."""

    def __init__(self, binary, workdir, timeout=30):
        import shlex
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.host = "127.0.0.1"
        config = write_config(os.path.join(workdir, "console.json"), port=self.port)
        self.session = f"bench-console-{os.getpid()}-{self.port}"
        command = f"{shlex.quote(binary)} --host 127.0.0.1 --config {shlex.quote(config)} --port {self.port}"
        subprocess.run(["tmux", "new-session", "-d", "-s", self.session, "-x", "200", "-y", "50", command], check=True)
        end = time.time() + timeout
        while time.time() < end:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pane = self.pane()
            self.stop()
            raise RuntimeError(f"console server did not listen on {self.port}: {pane[-800:]}")
        out = subprocess.run(["ss", "-Htlnp", f"sport = :{self.port}"], capture_output=True, text=True).stdout
        self.pid = int(out.split("pid=", 1)[1].split(",", 1)[0]) if "pid=" in out else None

    def pane(self):
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.session], capture_output=True, text=True).stdout

    def stop(self):
        subprocess.run(["tmux", "kill-session", "-t", self.session], capture_output=True)


def api_get(host, port, path, app=APP, timeout=10):
    """A signed GET on the Pusher HTTP API (docs/protocol.md, API signatures); returns the decoded JSON body or {}."""
    import hashlib
    import hmac
    import http.client
    query = f"auth_key={app['key']}&auth_timestamp={int(time.time())}&auth_version=1.0"
    signature = hmac.new(app["secret"].encode(), f"GET\n{path}\n{query}".encode(), hashlib.sha256).hexdigest()
    try:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
        connection.request("GET", f"{path}?{query}&auth_signature={signature}")
        body = connection.getresponse().read()
        connection.close()
        return json.loads(body or b"{}")
    except (OSError, ValueError):
        return {}
