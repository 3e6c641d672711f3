"""TLS as Reverb serves it (docs/tls.md): server.options.tls in the config file,
Herd/Valet certificate discovery, SIGHUP certificate reloads and visible
handshake failures. Real TLS clients: ``websockets`` over wss:// and the
official ``pusher`` SDK over https://, against certificates the test makes."""
from __future__ import annotations

import json
import signal
import socket
import ssl
import time
from pathlib import Path

import pytest

import production_harness as p
import reverb_harness as h


@pytest.fixture
def pki(tmp_path):
    ca = p.make_ca(tmp_path)
    return tmp_path, ca


def tls_config(cert: Path, key: Path, passphrase: str | None = None) -> dict:
    config = h.default_config()
    tls = {"local_cert": str(cert), "local_pk": str(key), "verify_peer": False}
    if passphrase is not None:
        tls["passphrase"] = passphrase
    config["server"]["options"] = {"tls": tls}
    return config


def wss_client(server: h.ServerProcess, ca: p.CA, key: str, host: str = "127.0.0.1",
               server_hostname: str | None = None):
    from websockets.sync.client import connect
    ctx = p.client_context(ca)
    url = f"wss://{host}:{server.port}/app/{key}?protocol=7&client=js&version=8.4.0"
    ws = connect(url, ssl=ctx, server_hostname=server_hostname, open_timeout=5, ping_interval=None, legacy=True)
    established = json.loads(ws.recv(timeout=5))
    assert established["event"] == "pusher:connection_established"
    return ws, json.loads(established["data"])["socket_id"]


def https_sdk(server: h.ServerProcess, app: h.App, ca: p.CA, host: str = "127.0.0.1"):
    import pusher
    client = pusher.Pusher(app_id=app.app_id, key=app.key, secret=app.secret, host=host,
                           port=server.port, ssl=True)
    # The SDK pins its own CA bundle; a private CA is trusted the way an app would do it.
    client._pusher_client.http.options["verify"] = str(ca.path)
    return client


def test_options_tls_in_config_file_serves_wss_and_https_with_an_encrypted_key(servers, pki):
    directory, ca = pki
    leaf = p.make_leaf(ca, directory / "server.crt", directory / "server.key", passphrase="s3cret pass")
    server = servers(tls_config(leaf.cert_path, leaf.key_path, passphrase="s3cret pass"))
    assert "Starting secure server on" in server.log_text()

    app = h.APPS["main"]
    ws, _ = wss_client(server, ca, app.key)
    ws.send(json.dumps({"event": "pusher:subscribe", "data": {"channel": "orders"}}))
    assert json.loads(ws.recv(timeout=5))["event"] == "pusher_internal:subscription_succeeded"

    sdk = https_sdk(server, app, ca)
    sdk.trigger("orders", "OrderShipped", {"id": 42})
    message = json.loads(ws.recv(timeout=5))
    assert message["event"] == "OrderShipped" and json.loads(message["data"]) == {"id": 42}
    assert sdk.channels_info()["channels"] == {"orders": {}}
    assert p.peer_certificate(server.port, ca) == leaf.der
    ws.close()


def test_tls_variables_from_the_environment_with_passphrase(servers, pki):
    directory, ca = pki
    leaf = p.make_leaf(ca, directory / "env.crt", directory / "env.key", passphrase="pw")
    server = servers(h.default_config(), env={"REVERB_TLS_CERT": str(leaf.cert_path),
                                              "REVERB_TLS_KEY": str(leaf.key_path),
                                              "REVERB_TLS_PASSPHRASE": "pw"})
    assert p.peer_certificate(server.port, ca) == leaf.der


def test_wrong_passphrase_stops_start_up_with_a_readable_error(pki):
    directory, ca = pki
    leaf = p.make_leaf(ca, directory / "s.crt", directory / "s.key", passphrase="right")
    server = h.ServerProcess(tls_config(leaf.cert_path, leaf.key_path, passphrase="wrong"))
    with pytest.raises(RuntimeError) as failure:
        server.start(timeout=15)
    assert server.proc.returncode != 0
    assert "reverb-tui:" in str(failure.value)


@pytest.mark.parametrize("folder, how", [
    (".config/valet/Certificates", "flag"),
    (".valet/Certificates", "env"),
    ("Library/Application Support/Herd/config/valet/Certificates", "env"),
])
def test_herd_and_valet_certificates_are_found_for_the_hostname(servers, pki, folder, how):
    directory, ca = pki
    home = directory / "home"
    certificates = home / folder
    certificates.mkdir(parents=True)
    leaf = p.make_leaf(ca, certificates / "laravel.test.crt", certificates / "laravel.test.key",
                       names=("laravel.test", "127.0.0.1"))
    env = {"HOME": str(home)}
    args = []
    if how == "flag":
        args = ["--hostname", "laravel.test"]
    else:
        env["REVERB_HOST"] = "laravel.test"
    server = servers(h.default_config(), args, env=env)
    # The banner is written line by line; wait for the line that names the certificate.
    log = p.wait_for_log(server, "Herd/Valet")
    assert "Starting secure server on" in log and "(laravel.test)" in log
    assert str(certificates / "laravel.test.crt") in log
    ws, _ = wss_client(server, ca, h.APPS["main"].key, server_hostname="laravel.test")
    ws.close()
    assert p.peer_certificate(server.port, ca, server_hostname="laravel.test") == leaf.der


def test_no_certificate_for_the_hostname_serves_plain(servers, pki):
    directory, _ = pki
    (directory / "home" / ".config/valet/Certificates").mkdir(parents=True)
    server = servers(h.default_config(), ["--hostname", "other.test"], env={"HOME": str(directory / "home")})
    assert "Starting server on" in server.log_text()
    assert "Starting secure" not in server.log_text()


def test_sighup_reloads_the_certificate_without_dropping_connections(servers, pki):
    directory, ca = pki
    cert, key = directory / "live.crt", directory / "live.key"
    first = p.make_leaf(ca, cert, key)
    server = servers(tls_config(cert, key))
    app = h.APPS["main"]
    ws, _ = wss_client(server, ca, app.key)
    ws.send(json.dumps({"event": "pusher:subscribe", "data": {"channel": "renewal"}}))
    assert json.loads(ws.recv(timeout=5))["event"] == "pusher_internal:subscription_succeeded"
    assert p.peer_certificate(server.port, ca) == first.der

    renewed = p.make_leaf(ca, cert, key)  # a renewal writes new files in place
    server.proc.send_signal(signal.SIGHUP)
    p.wait_for_log(server, r"Reloaded TLS certificate")
    assert server.proc.poll() is None
    assert p.peer_certificate(server.port, ca) == renewed.der

    # The socket opened before the reload still works both ways.
    https_sdk(server, app, ca).trigger("renewal", "Renewed", {"ok": True})
    assert json.loads(ws.recv(timeout=5))["event"] == "Renewed"

    # A broken file is refused: the process lives on and keeps serving the last good certificate.
    cert.write_text("not a certificate\n")
    server.proc.send_signal(signal.SIGHUP)
    p.wait_for_log(server, r"TLS certificate reload failed")
    assert server.proc.poll() is None
    assert p.peer_certificate(server.port, ca) == renewed.der
    ws.send(json.dumps({"event": "pusher:ping", "data": {}}))
    assert json.loads(ws.recv(timeout=5))["event"] == "pusher:pong"
    ws.close()
    assert server.terminate() == 0


def test_sighup_without_tls_never_kills_the_server(servers):
    server = servers(h.default_config())
    for n in range(1, 4):  # one at a time: signals sent together may be delivered as one
        server.proc.send_signal(signal.SIGHUP)
        p.wait_for_log(server, r"no TLS certificate to reload", count=n)
    assert server.proc.poll() is None
    c = h.WSClient(server.ws_url(h.APPS["main"].key))
    c.close()
    assert server.terminate() == 0


def test_failed_handshakes_are_logged_with_their_reason(servers, pki):
    directory, ca = pki
    leaf = p.make_leaf(ca, directory / "s.crt", directory / "s.key")
    server = servers(tls_config(leaf.cert_path, leaf.key_path))  # --debug is on in the harness

    # A client that does not trust the certificate.
    stranger = p.make_ca(directory, "someone else")
    with pytest.raises(ssl.SSLError):
        p.peer_certificate(server.port, stranger)
    log = p.wait_for_log(server, r"TLS handshake failed")
    assert "does not trust" in log or "UNKNOWN_CA" in log

    # Plain HTTP sent to the TLS port.
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(b"GET /up HTTP/1.1\r\nHost: x\r\n\r\n")
        s.settimeout(5)
        try:
            s.recv(100)
        except OSError:
            pass
    log = p.wait_for_log(server, r"not a TLS client", timeout=5)
    assert "127.0.0.1:" in log
    # And the server still serves TLS clients.
    assert p.peer_certificate(server.port, ca) == leaf.der


def test_unknown_tls_option_is_a_configuration_error(pki):
    directory, ca = pki
    leaf = p.make_leaf(ca, directory / "s.crt", directory / "s.key")
    config = tls_config(leaf.cert_path, leaf.key_path)
    config["server"]["options"]["tls"]["local_crt"] = "typo"
    server = h.ServerProcess(config)
    with pytest.raises(RuntimeError) as failure:
        server.start(timeout=15)
    assert "server.options.tls.local_crt" in str(failure.value)
