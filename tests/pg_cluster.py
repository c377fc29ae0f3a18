"""A throwaway PostgreSQL cluster for tests and the bench: initdb in a temp dir, a random free
loopback port, the unix socket in that temp dir, trust auth, no fsync; run as an unprivileged
user (PostgreSQL refuses root, and CI runs as root).

``start_cluster()`` returns a running :class:`Cluster` or raises :class:`ClusterUnavailable`
with one line saying why. Also importable by ``bench/approvals.py``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass

UNPRIVILEGED_USER = "nobody"


class ClusterUnavailable(RuntimeError):
    """No PostgreSQL server could be started here; the message is one line saying why."""


@dataclass
class Cluster:
    """A running throwaway cluster; ``url(db)`` names a database on it over loopback TCP."""
    root: str
    port: int
    bindir: str
    _run_as: list[str]

    @property
    def data(self) -> str:
        """The cluster's data directory."""
        return os.path.join(self.root, "data")

    def url(self, dbname: str = "postgres") -> str:
        """A postgresql:// URL for ``dbname`` as the superuser ``postgres`` (trust auth)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, prefix: str = "t") -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its directory."""
        subprocess.run(self._run_as + [os.path.join(self.bindir, "pg_ctl"), "-D", self.data,
                                       "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=60, check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def find_bindir() -> str | None:
    """The newest Debian PostgreSQL bin directory, or the one holding ``initdb`` on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(os.path.realpath(initdb)) if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], what: str) -> None:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ClusterUnavailable(f"{what} failed: {exc}") from None
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise ClusterUnavailable(f"{what} failed: {last[0]}")


def _watchdog(root: str, bindir: str, run_as: list[str]) -> None:
    """Stop the server and remove its directory if this process dies without doing so
    (a test run killed by a timeout), so no orphan server is left behind."""
    stop = " ".join(shlex.quote(a) for a in run_as + [os.path.join(bindir, "pg_ctl"), "-D",
                                                        os.path.join(root, "data"), "-m",
                                                        "immediate", "-w", "stop"])
    script = (f"while kill -0 {os.getpid()} 2>/dev/null && [ -d {shlex.quote(root)} ]; "
              f"do sleep 1; done; [ -d {shlex.quote(root)} ] && {{ {stop}; rm -rf {shlex.quote(root)}; }}")
    subprocess.Popen(["sh", "-c", script], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)


def start_cluster() -> Cluster:
    """Start a throwaway cluster, or raise ClusterUnavailable saying why."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise ClusterUnavailable("psycopg is not installed (pip install 'psycopg[binary]')") from None
    bindir = find_bindir()
    if bindir is None:
        raise ClusterUnavailable("no PostgreSQL server binaries (apt-get install postgresql)")
    run_as: list[str] = []
    root = tempfile.mkdtemp(prefix="coinsole-pg-", dir="/tmp" if os.path.isdir("/tmp") else None)
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam(UNPRIVILEGED_USER)
        except KeyError:
            raise ClusterUnavailable(f"running as root and no user {UNPRIVILEGED_USER!r} to run "
                                     "PostgreSQL as") from None
        os.chown(root, user.pw_uid, user.pw_gid)
        runuser = shutil.which("runuser") or shutil.which("setpriv")
        if runuser is None:
            raise ClusterUnavailable("running as root and neither runuser nor setpriv found")
        run_as = ([runuser, "-u", UNPRIVILEGED_USER, "--"] if runuser.endswith("runuser") else
                  [runuser, f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"])
        probe = subprocess.run(run_as + ["test", "-w", root], capture_output=True, check=False)
        if probe.returncode != 0:
            shutil.rmtree(root, ignore_errors=True)
            raise ClusterUnavailable(f"user {UNPRIVILEGED_USER} cannot reach {root}")
    data = os.path.join(root, "data")
    try:
        _run(run_as + [os.path.join(bindir, "initdb"), "-D", data, "-U", "postgres",
                       "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"], "initdb")
        for attempt in range(3):
            port = _free_port()
            opts = (f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
                    "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
            try:
                _run(run_as + [os.path.join(bindir, "pg_ctl"), "-D", data, "-o", opts, "-w",
                               "-t", "60", "-l", os.path.join(root, "server.log"), "start"],
                     "pg_ctl start")
                _watchdog(root, bindir, run_as)
                return Cluster(root, port, bindir, run_as)
            except ClusterUnavailable:
                if attempt == 2:
                    raise
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    raise AssertionError("unreachable")
