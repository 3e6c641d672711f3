"""Helpers for the production suite (test_production*.py): certificates the
tests make (a CA and leaf certificates, with the ``cryptography`` package),
TLS clients, free ports, running the reverb-tui tools, and reading Prometheus
text."""
from __future__ import annotations

import datetime
import ipaddress
import json
import os
import re
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import reverb_harness as h


# --------------------------------------------------------------------------
# Certificates
# --------------------------------------------------------------------------

@dataclass
class CA:
    key: object
    cert: object
    path: Path  # PEM of the CA certificate, for clients to trust


def make_ca(directory: Path, name: str = "reverb-tui test CA") -> CA:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True, crl_sign=True,
                                         encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    path = directory / f"ca-{cert.serial_number:x}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return CA(key, cert, path)


@dataclass
class Leaf:
    cert_path: Path
    key_path: Path
    serial: int
    der: bytes


def make_leaf(ca: CA, cert_path: Path, key_path: Path, names=("localhost", "127.0.0.1"),
              passphrase: str | None = None, days: int = 2) -> Leaf:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    alt = []
    for n in names:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(n)))
        except ValueError:
            alt.append(x509.DNSName(n))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(ca.cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca.key, hashes.SHA256()))
    encryption = (serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
                  else serialization.NoEncryption())
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8, encryption))
    return Leaf(cert_path, key_path, cert.serial_number, cert.public_bytes(serialization.Encoding.DER))


def client_context(ca: CA | None) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(ca.path) if ca else None)
    return ctx


def peer_certificate(port: int, ca: CA, server_hostname: str = "localhost") -> bytes:
    """DER of the certificate a fresh TLS handshake on 127.0.0.1:port presents."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with client_context(ca).wrap_socket(raw, server_hostname=server_hostname) as tls:
            return tls.getpeercert(binary_form=True)


# --------------------------------------------------------------------------
# Processes and ports
# --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_tool(args: list[str], cwd: Path | None = None, env: dict | None = None,
             timeout: float = 30, preexec_fn=None) -> subprocess.CompletedProcess:
    """Runs ``reverb-tui ARGS`` with REVERB_*/REDIS_* cleared from the environment (plus ``env``)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("REVERB_", "REDIS_", "PUSHER_"))}
    base.update(env or {})
    return subprocess.run([str(h.server_binary())] + args, cwd=str(cwd) if cwd else None, env=base,
                          capture_output=True, text=True, timeout=timeout, preexec_fn=preexec_fn)


def unique_app(prefix: str = "prod") -> dict:
    """A config app no other test uses, so restart fingerprints never match another test's servers."""
    suffix = h.unique()
    return h._app(str(int(suffix[:6], 16) % 900000 + 100000), f"{prefix}-key-{suffix}",
                  f"{prefix}-secret-{suffix}", accept_client_events_from="all")


def app_of(config_app: dict) -> h.App:
    return h.App(config_app["app_id"], config_app["key"], config_app["secret"])


def wait_for_log(server: h.ServerProcess, pattern: str, timeout: float = 5.0, count: int = 1) -> str:
    regex = re.compile(pattern)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = server.log_text()
        if len(regex.findall(text)) >= count:
            return text
        time.sleep(0.05)
    raise AssertionError(f"no {pattern!r} (x{count}) in the server log within {timeout}s:\n{server.log_tail(40)}")


# --------------------------------------------------------------------------
# Prometheus text
# --------------------------------------------------------------------------

SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})?\s+(\S+)$')


def scrape(port: int) -> dict[tuple[str, frozenset], float]:
    import requests
    response = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/plain"), response.headers
    samples = {}
    for line in response.text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE_RE.match(line)
        assert m, f"not Prometheus text: {line!r}"
        labels = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples


def sample(samples, name: str, **labels) -> float | None:
    return samples.get((name, frozenset((k, str(v)) for k, v in labels.items())))


def api_get(port: int, app: h.App, path: str, params: dict | None = None) -> dict:
    """A signed GET with the official SDK's signer (what Pulse's recorder sends), answered as JSON."""
    import pusher
    import requests
    from pusher.http import Request
    client = pusher.Pusher(app_id=app.app_id, key=app.key, secret=app.secret, host="127.0.0.1", port=port, ssl=False)
    req = Request(client._pusher_client, "GET", path, params or {})
    response = requests.get(f"http://127.0.0.1:{port}{req.signed_path}", headers=req.headers, timeout=5)
    assert response.status_code == 200, (response.status_code, response.text)
    return response.json()
