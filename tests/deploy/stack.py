"""The production stack of deploy/ on loopback, as the README's production section sets it up.

``Stack`` copies the working tree into a fresh directory (what a clone plus ``make build`` gives), fills
in deploy/smartregion.env.example, creates a fresh PostgreSQL database, runs the README's steps through
deploy/manage, starts gunicorn and the task worker with the command lines of the systemd units, and nginx
with deploy/nginx/smartregion.conf. Only what must change on a test machine is rewritten: paths, ports,
the host name and the certificate (a self-signed one for localhost).
"""

import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis
import requests
from requests.adapters import HTTPAdapter

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PRODUCTION_PATH = "/srv/smartregion"
PRODUCTION_HOST = "beteiligung.example.org"
# The server that gets the fresh database, and the Redis database the stack may empty.
ADMIN_DATABASE_URL = os.environ.get("STACK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("STACK_REDIS_URL", "redis://127.0.0.1:6379/14")


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if os.access(path, os.X_OK)), None
    )


def missing_service() -> str | None:
    """Why the stack cannot run here, or None."""
    if not nginx_binary():
        return "nginx not found; install Debian's nginx-light"
    if not shutil.which("openssl"):
        return "openssl not found (for the test certificate)"
    if not (ROOT / "build" / "static" / "vendor").is_dir():
        return "build/static is missing; run `npm run build` (make build)"
    try:
        psycopg.connect(ADMIN_DATABASE_URL, connect_timeout=3).close()
    except psycopg.Error as error:
        return f"PostgreSQL not reachable at {ADMIN_DATABASE_URL} ({error}); set STACK_DATABASE_URL"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        return f"Redis not reachable at {REDIS_URL} ({error}); set STACK_REDIS_URL"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines as systemd's EnvironmentFile= reads them (comments, blank lines, double quotes)."""
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip().removeprefix('"').removesuffix('"')
    return values


def unit_command(unit: str, app: Path) -> list[str]:
    """The ExecStart= of a systemd unit in deploy/systemd, moved from /srv/smartregion to ``app``."""
    text = (DEPLOY / "systemd" / unit).read_text()
    (line,) = re.findall(r"^ExecStart=(.+)$", text, flags=re.MULTILINE)
    return shlex.split(line.replace(PRODUCTION_PATH, str(app)))


class FromAddress(HTTPAdapter):
    """Connect from a loopback address of our choice: nginx then sees a client other than itself."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


@dataclass
class Stack:
    base: Path
    app: Path = field(init=False)
    https_port: int = field(default_factory=free_port)
    http_port: int = field(default_factory=free_port)
    app_port: int = field(default_factory=free_port)
    database: str = field(default_factory=lambda: f"smartregion_stack_{secrets.token_hex(4)}")
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.app = self.base / "app"

    # --- set-up, as the README says ---------------------------------------------------------------

    @property
    def site_url(self) -> str:
        return f"https://localhost:{self.https_port}"

    @property
    def database_url(self) -> str:
        parts = urlsplit(ADMIN_DATABASE_URL)
        return urlunsplit(parts._replace(path=f"/{self.database}"))

    def copy_tree(self) -> None:
        """What a clone and ``make build`` leave: the tracked files, build/static, compiled messages."""
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        for name in filter(None, listed.split("\0")):
            source = ROOT / name
            if source.is_file():
                target = self.app / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        shutil.copytree(ROOT / "build", self.app / "build")
        for compiled in (ROOT / "smartregion" / "locale").rglob("*.mo"):
            shutil.copy2(compiled, self.app / compiled.relative_to(ROOT))
        (self.app / ".venv").symlink_to((ROOT / ".venv").resolve())

    def write_env_file(self) -> Path:
        """deploy/smartregion.env.example with this machine's values, every other line as it is."""
        values = {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SITE_URL": self.site_url,
            "ALLOWED_HOSTS": "localhost",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": REDIS_URL,
            # environ drops the first slash of the path: four in all for an absolute one.
            "EMAIL_URL": f"filemail:///{self.base / 'mail'}",
            "GUNICORN_BIND": f"127.0.0.1:{self.app_port}",
            "GUNICORN_WORKERS": "2",
            # Open-data files are written by the worker at once, not after gathering changes.
            "OPENDATA_DEBOUNCE_SECONDS": "0",
        }
        lines = []
        for line in (DEPLOY / "smartregion.env.example").read_text().splitlines():
            key = line.partition("=")[0]
            lines.append(f"{key}={values.pop(key)}" if key in values and not line.startswith("#") else line)
        assert not values, f"deploy/smartregion.env.example lacks {sorted(values)}"
        path = self.base / "smartregion.env"
        path.write_text("\n".join(lines) + "\n")
        return path

    def environment(self) -> dict[str, str]:
        """What the systemd units give the app: the environment file and the settings module only."""
        return {
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            **read_env_file(self.base / "smartregion.env"),
        }

    def create_database(self) -> None:
        with psycopg.connect(ADMIN_DATABASE_URL, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.database}"')
        redis.Redis.from_url(REDIS_URL).flushdb()

    def drop_database(self) -> None:
        with psycopg.connect(ADMIN_DATABASE_URL, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``deploy/manage ...`` as the README runs it (SMARTREGION_ENV points to our environment file)."""
        return subprocess.run(  # noqa: S603 - our own script with fixed arguments
            [str(self.app / "deploy" / "manage"), *args],
            cwd=self.base,
            env={"PATH": os.environ["PATH"], "SMARTREGION_ENV": str(self.base / "smartregion.env")},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def certificate(self) -> tuple[Path, Path]:
        cert, key = self.base / "localhost.pem", self.base / "localhost.key"
        subprocess.run(  # noqa: S603
            [  # noqa: S607
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                "-keyout", str(key), "-out", str(cert),
            ],
            capture_output=True,
            check=True,
        )  # fmt: skip
        return cert, key

    def nginx_config(self) -> Path:
        cert, key = self.certificate()
        site = (DEPLOY / "nginx" / "smartregion.conf").read_text()
        site = re.sub(r"^\s*listen \[::\]:.*\n", "", site, flags=re.MULTILINE)
        replacements = {
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https_port} ssl http2;",
            "server 127.0.0.1:8000;": f"server 127.0.0.1:{self.app_port};",
            f"/etc/letsencrypt/live/{PRODUCTION_HOST}/fullchain.pem": str(cert),
            f"/etc/letsencrypt/live/{PRODUCTION_HOST}/privkey.pem": str(key),
            f"server_name {PRODUCTION_HOST};": "server_name localhost;",
            PRODUCTION_PATH: str(self.app),
        }
        for production, here in replacements.items():
            assert production in site, f"deploy/nginx/smartregion.conf no longer has {production!r}"
            site = site.replace(production, here)
        (self.base / "site.conf").write_text(site)
        # The frame Debian's /etc/nginx/nginx.conf gives a site, with everything in our directory.
        temp = self.base / "nginx"
        temp.mkdir()
        user = "user root;\n" if os.geteuid() == 0 else ""
        main = self.base / "nginx.conf"
        main.write_text(
            f"{user}worker_processes 1;\npid {temp}/nginx.pid;\nerror_log {temp}/error.log;\n"
            "events { worker_connections 256; }\n"
            "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
            f"  access_log {temp}/access.log;\n"
            + "".join(
                f"  {kind}_temp_path {temp}/{kind};\n"
                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            )
            + f"  include {self.base / 'site.conf'};\n}}\n"
        )
        return main

    # --- processes ------------------------------------------------------------------------------------

    def start(self, name: str, command: list[str], **kwargs) -> None:
        log = (self.base / f"{name}.log").open("w")
        self.processes[name] = subprocess.Popen(  # noqa: S603 - commands from our unit files
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **kwargs
        )

    def start_services(self) -> None:
        environment = self.environment()
        self.start(
            "gunicorn", unit_command("smartregion-web.service", self.app), cwd=self.app, env=environment
        )
        self.start(
            "worker", unit_command("smartregion-worker.service", self.app), cwd=self.app, env=environment
        )
        config = self.nginx_config()
        nginx = nginx_binary()
        assert nginx
        arguments = [nginx, "-c", str(config), "-p", str(self.base)]
        test = subprocess.run([*arguments, "-t"], capture_output=True, text=True, check=False)  # noqa: S603
        assert test.returncode == 0, test.stderr
        self.start("nginx", [*arguments, "-g", "daemon off;"])

    def wait_until_served(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                assert process.poll() is None, f"{name} ended:\n{self.log(name)}"
            try:
                if self.client().get(self.site_url + "/", timeout=30).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.3)
        raise AssertionError(f"the site did not answer in {timeout} s:\n{self.log('gunicorn')}")

    def log(self, name: str) -> str:
        return (self.base / f"{name}.log").read_text()[-5000:]

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    # --- clients --------------------------------------------------------------------------------------

    def client(self, address: str = "127.0.0.2") -> requests.Session:
        """A browser-like client at loopback ``address``, trusting the stack's certificate."""
        session = requests.Session()
        # Not the shell's proxies or CA bundle (REQUESTS_CA_BUNDLE would override verify).
        session.trust_env = False
        session.verify = str(self.base / "localhost.pem")
        session.mount("https://", FromAddress(address))
        session.mount("http://", FromAddress(address))
        return session
