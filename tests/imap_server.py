"""A private Dovecot IMAP server for the tests: loopback only, its own config, users and Maildir.

``DovecotServer.start(folder)`` writes a self-signed CA, a server certificate for ``localhost`` and
127.0.0.1, and a second certificate for another host name, which Dovecot presents on 127.0.0.2 (the
same ports); then it runs ``dovecot -F`` (not as a daemon) until ``stop()``. Each listener offers
imaps (TLS from the first byte) and imap (STARTTLS, or plain login where a test allows it).
"""

import datetime
import ipaddress
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
GOOD_HOST = "127.0.0.1"  # presents a certificate for localhost and 127.0.0.1, signed by the test CA
WRONG_HOST = "127.0.0.2"  # presents a certificate (same CA) for mail.wrong.example only
USER, PASSWORD = "ideen", "Postfach-geheim-1"


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _certificates(folder: Path) -> None:
    """ca.pem, and server/wrong .pem + .key signed by it."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = _key()
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SmartRegion Test-CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    for name, alternative_names in (
        ("server", [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(GOOD_HOST))]),
        ("wrong", [x509.DNSName("mail.wrong.example")]),
    ):
        key = _key()
        certificate = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName(alternative_names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
            )
            .sign(ca_key, hashes.SHA256())
        )
        (folder / f"{name}.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        (folder / f"{name}.key").write_bytes(_pem_key(key))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((GOOD_HOST, 0))
        return int(probe.getsockname()[1])


@dataclass
class DovecotServer:
    """A running Dovecot; ``imap_port`` (plain/STARTTLS) and ``imaps_port`` on both hosts."""

    folder: Path
    imap_port: int = 0
    imaps_port: int = 0
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def ca_file(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def log(self) -> str:
        path = self.folder / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    @property
    def maildir(self) -> Path:
        return self.folder / "home" / USER / "Maildir"

    def url(self, *, scheme: str = "imaps", host: str = GOOD_HOST, folder: str = "INBOX") -> str:
        port = self.imaps_port if scheme == "imaps" else self.imap_port
        return f"{scheme}://{USER}:{PASSWORD}@{host}:{port}/{folder}"

    def logins_on(self, host: str) -> int:
        """How many logins the server accepted on a local address (Dovecot logs each with lip=)."""
        return sum(1 for line in self.log.splitlines() if "Login: user=" in line and f"lip={host}," in line)

    @staticmethod
    def _mail_user() -> pwd.struct_passwd:
        """Dovecot refuses to access mail as root: as root, the mail belongs to Dovecot's own user."""
        return pwd.getpwnam("dovecot") if os.getuid() == 0 else pwd.getpwuid(os.getuid())

    def _config(self) -> str:
        me = pwd.getpwuid(os.getuid())
        mail_user = self._mail_user()
        # As root, Dovecot runs its login and internal processes as its own unprivileged users; as
        # anybody else it cannot switch users, so everything runs as that person.
        users = (
            ""
            if os.getuid() == 0
            else f"default_internal_user = {me.pw_name}\ndefault_login_user = {me.pw_name}\n"
        )
        return f"""
base_dir = {self.folder}/run
state_dir = {self.folder}/state
log_path = {self.folder}/dovecot.log
{users}
first_valid_uid = {mail_user.pw_uid}
protocols = imap
listen = {GOOD_HOST}, {WRONG_HOST}
ssl = yes
ssl_cert = <{self.folder}/server.pem
ssl_key = <{self.folder}/server.key
local {WRONG_HOST} {{
  ssl_cert = <{self.folder}/wrong.pem
  ssl_key = <{self.folder}/wrong.key
}}
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.folder}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={self.folder}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    port = {self.imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  inet_listener http {{
    port = 0
  }}
}}
"""

    def start(self) -> "DovecotServer":
        """Write certificates, users and config; start Dovecot and wait until it accepts connections."""
        self.folder.mkdir(parents=True, exist_ok=True)
        # Dovecot's unprivileged processes read the users and the mail below this folder.
        self.folder.chmod(0o755)
        _certificates(self.folder)
        (self.folder / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        self.maildir.mkdir(parents=True, exist_ok=True)
        mail_user = self._mail_user()
        for path in (self.folder / "home", self.folder / "home" / USER, self.maildir):
            os.chown(path, mail_user.pw_uid, mail_user.pw_gid)
        self.imap_port, self.imaps_port = _free_port(), _free_port()
        (self.folder / "dovecot.conf").write_text(self._config())
        self.process = subprocess.Popen(  # noqa: S603 (a fixed program with arguments we built)
            [DOVECOT, "-F", "-c", str(self.folder / "dovecot.conf")],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read().decode(errors="replace") if self.process.stdout else ""
                raise RuntimeError(f"dovecot exited: {output}\n{self.log}")
            try:
                for host in (GOOD_HOST, WRONG_HOST):
                    for port in (self.imap_port, self.imaps_port):
                        socket.create_connection((host, port), timeout=1).close()
            except OSError:
                time.sleep(0.1)
                continue
            return self
        self.stop()
        raise RuntimeError(f"dovecot did not start listening: {self.log}")

    def stop(self) -> None:
        """Stop the server (its whole process group)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
