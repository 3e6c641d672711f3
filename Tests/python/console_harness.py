"""A tmux harness for driving reverb-tui like a user (after fzf's test/lib/common.rb).

Each harness owns a private tmux server (its own socket), so it never touches the user's tmux
sessions, and kills that server on close. Assertions poll the screen until a predicate holds
or a timeout passes; they never sleep for a fixed time.
"""

import os
import shlex
import subprocess
import time
import uuid


class Timeout(AssertionError):
    """A condition did not hold in time; the message carries the last screen."""


def until(predicate, timeout=15.0, interval=0.05, describe=lambda: ""):
    """Calls `predicate` until it returns something truthy and returns that; raises Timeout otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise Timeout(f"condition not met within {timeout}s\n{describe()}")
        time.sleep(interval)


class Tmux:
    """One detached tmux session of a given size running one command."""

    def __init__(self, command, width=120, height=40, cwd=None, env=None):
        self.socket = f"reverb-console-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.session = "console"
        self.env = dict(os.environ, TERM="tmux-256color")
        self.env.pop("TMUX", None)
        self.env.pop("NO_COLOR", None)
        if env:
            self.env.update(env)
        exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in (env or {}).items())
        shell = f"env TERM=tmux-256color {exports} {command}"
        self._tmux("-f", "/dev/null", "new-session", "-d", "-s", self.session, "-x", str(width), "-y", str(height), "-c", cwd or os.getcwd(), shell)
        # Keep the pane after the program exits so a crash or the exit itself stays observable.
        self._tmux("set-option", "-t", self.session, "remain-on-exit", "on")
        self.socket_path = self._tmux("display-message", "-p", "#{socket_path}").stdout.strip()

    def _tmux(self, *args, check=True):
        return subprocess.run(["tmux", "-L", self.socket, *args], env=self.env, check=check, capture_output=True, text=True)

    def send_keys(self, *keys):
        """Named keys (`Enter`, `Tab`, `C-u`, `j`) as tmux understands them."""
        self._tmux("send-keys", "-t", self.session, *keys)

    def type_text(self, text):
        """Literal text, character by character as a user would type it."""
        self._tmux("send-keys", "-t", self.session, "-l", text)

    def capture(self):
        """The visible screen as lines, trailing spaces removed."""
        result = self._tmux("capture-pane", "-p", "-t", self.session, check=False)
        return [line.rstrip() for line in result.stdout.split("\n")]

    def screen(self):
        return "\n".join(self.capture())

    def until(self, predicate, timeout=15.0):
        """Polls the screen until `predicate(lines)` is truthy; returns its value."""
        return until(lambda: predicate(self.capture()), timeout=timeout, describe=lambda: "---- screen ----\n" + self.screen())

    def until_text(self, text, timeout=15.0):
        return self.until(lambda lines: any(text in line for line in lines), timeout=timeout)

    def pane_dead(self):
        result = self._tmux("display-message", "-p", "-t", self.session, "#{pane_dead} #{pane_dead_status}", check=False)
        fields = result.stdout.split()
        return fields[0] == "1" if fields else True

    def resize(self, width, height):
        self._tmux("resize-window", "-t", self.session, "-x", str(width), "-y", str(height))

    def close(self):
        """Kills the private tmux server (and with it the program) and removes its socket file."""
        self._tmux("kill-server", check=False)
        if self.socket_path and os.path.exists(self.socket_path):
            os.unlink(self.socket_path)
