"""A real IMAP server on loopback for the inbound e-mail tests: Debian's dovecot.

``Dovecot(tmpdir).start()`` writes a configuration into ``tmpdir`` (its own port on
127.0.0.1, TLS only with a self-signed certificate made here, one passwd-file user, a
Maildir), starts ``dovecot -F`` and waits for the port; ``stop()`` ends that one process.
Messages are delivered with IMAP APPEND, as a mail server's delivery agent would file them.

As root (CI) dovecot drops to its own system users and the mailbox belongs to ``dovecot``
(it refuses mail access as uid 0); as another user everything runs as that user.
"""

from __future__ import annotations

import datetime as dt
import grp
import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "inbox@housing.example"
PASSWORD = "imap-pass-2026"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _self_signed(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


class Dovecot:
    def __init__(self, directory: Path):
        if os.geteuid() == 0:
            # dovecot's own users must traverse every parent of its files, and pytest's
            # temporary directories are private to root: use one of our own, removed at stop.
            directory = Path(tempfile.mkdtemp(prefix="hc-dovecot-", dir=directory))
            directory.chmod(0o755)
            self._own_dir = directory
        else:
            self._own_dir = None
        self.dir = Path(directory)
        self.port = _free_port()
        self.process: subprocess.Popen | None = None
        self.cert_path: Path | None = None

    @property
    def settings(self) -> dict:
        """The product's settings for this mailbox."""
        return {
            "HOUSING_MAIL_IMAP_HOST": "127.0.0.1",
            "HOUSING_MAIL_IMAP_PORT": self.port,
            "HOUSING_MAIL_IMAP_USER": USER,
            "HOUSING_MAIL_IMAP_PASSWORD": PASSWORD,
            "HOUSING_MAIL_IMAP_FOLDER": "INBOX",
            "HOUSING_MAIL_IMAP_CA_FILE": str(self.cert_path),
        }

    def start(self) -> Dovecot:
        if not os.path.exists(DOVECOT):
            pytest.skip("dovecot is not installed (apt-get install dovecot-imapd; .ci/run does it)")
        self.dir.mkdir(parents=True, exist_ok=True)
        run = self.dir / "run"
        run.mkdir(exist_ok=True)
        mail = self.dir / "mail"
        mail.mkdir(exist_ok=True)
        self.cert_path, key_path = _self_signed(self.dir)
        if os.geteuid() == 0:
            owner = pwd.getpwnam("dovecot")
            uid, gid = owner.pw_uid, owner.pw_gid
            login_user, internal_user = "dovenull", "dovecot"
            os.chown(mail, uid, gid)
            # dovecot's own processes must reach their sockets and the mailbox below this dir.
            for path in (self.dir, run):
                path.chmod(0o755)
        else:
            uid, gid = os.getuid(), os.getgid()
            login_user = internal_user = pwd.getpwuid(uid).pw_name
        group = grp.getgrgid(gid).gr_name
        (self.dir / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{mail}::\n")
        (self.dir / "dovecot.conf").write_text(
            f"""
base_dir = {run}
state_dir = {run}/state
log_path = {self.dir}/dovecot.log
info_log_path = {self.dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{self.cert_path}
ssl_key = <{key_path}
disable_plaintext_auth = yes
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {group}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{mail}/Maildir
mail_privileged_group =
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {self.dir}/passwd
}}
userdb {{
  driver = passwd-file
  args = {self.dir}/passwd
}}
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""
        )
        (run / "state").mkdir(exist_ok=True)
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.dir / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            # In the test run's process group: stopping the run (Ctrl-C, a CI timeout) stops it too.
            stderr=open(self.dir / "stderr.log", "wb"),  # noqa: SIM115 - lives as long as dovecot
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("dovecot stopped at start-up:\n" + self.log())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("dovecot did not open its port:\n" + self.log())

    def log(self) -> str:
        parts = []
        for name in ("stderr.log", "dovecot.log"):
            path = self.dir / name
            if path.exists():
                parts.append(path.read_text(errors="replace")[-4000:])
        return "\n".join(parts)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # The master this fixture started; it stops its own children.
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None
        if self._own_dir is not None:
            shutil.rmtree(self._own_dir, ignore_errors=True)

    def connect(self) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=str(self.cert_path))
        context.check_hostname = False
        imap = imaplib.IMAP4_SSL("127.0.0.1", self.port, ssl_context=context)
        imap.login(USER, PASSWORD)
        return imap

    def deliver(self, *messages: bytes, folder: str = "INBOX") -> None:
        """File raw messages in the mailbox (IMAP APPEND), unread."""
        imap = self.connect()
        try:
            for raw in messages:
                status, data = imap.append(folder, None, None, raw)
                assert status == "OK", data
        finally:
            imap.logout()

    def count(self, folder: str = "INBOX", criterion: str = "ALL") -> int:
        imap = self.connect()
        try:
            imap.select(folder, readonly=True)
            status, data = imap.uid("SEARCH", None, criterion)
            return len(data[0].split()) if data and data[0] else 0
        finally:
            imap.logout()

    def clear(self, folder: str = "INBOX") -> None:
        imap = self.connect()
        try:
            imap.select(folder)
            imap.uid("STORE", "1:*", "+FLAGS.SILENT", r"(\Deleted)")
            imap.expunge()
        finally:
            imap.logout()


@pytest.fixture(scope="session")
def dovecot(tmp_path_factory):
    base = "/tmp" if os.geteuid() == 0 else tmp_path_factory.mktemp("dovecot")
    server = Dovecot(base).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mailbox(dovecot, settings):
    """An empty mailbox and the product's settings pointing at it."""
    dovecot.clear()
    for name, value in dovecot.settings.items():
        setattr(settings, name, value)
    yield dovecot
