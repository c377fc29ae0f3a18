"""The PostgreSQL team store on a real throwaway server: migrations, LISTEN/NOTIFY between
connections, the append-only serialised audit log, and connection loss (typed error, retry).
The shared store suite (test_approvals_store.py) runs on PostgreSQL too."""

import threading
import time

import psycopg
import pytest

from tui.approvals import audit
from tui.approvals.store import Row
from tui.approvals.store_postgres import (SCHEMA_VERSION, PostgresStore, StoreError,
                                          StoreUnreachable, migrate, schema_version)

from test_approvals_store import _approved, _req, _row, _sign


def _admin(url):
    return psycopg.connect(url, autocommit=True)


def _backend_pid(store):
    return store._call(lambda c, _r: c.info.backend_pid)


def _wait_for(watcher, pred, seconds=5):
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        c = watcher.next(0.2)
        if c is not None:
            seen.append(c)
            if pred(c):
                return seen
    raise AssertionError(f"no matching change; saw {seen}")


def test_postgres_schema_is_versioned(pg_url):
    s = PostgresStore(pg_url)
    assert s.schema_version() == SCHEMA_VERSION == 2
    with _admin(pg_url) as c:
        assert [r[0] for r in c.execute("SELECT version FROM schema_version ORDER BY version")] == [1, 2]
    PostgresStore(pg_url).close()  # opening again applies nothing
    with _admin(pg_url) as c:
        assert c.execute("SELECT count(*) FROM schema_version").fetchone()[0] == 2
    s.close()


def test_postgres_migration_from_version_1_keeps_rows(pg_url):
    with _admin(pg_url) as c:
        assert migrate(c, target=1) == 1
        row = _row("old", _req())
        c.execute("INSERT INTO requests VALUES (%s,%s,%s,%s,%s,%s,%s,%s)",
                  (row.id, row.request_json, row.request_hash, row.policy_hash, row.initiator,
                   "APPROVED", row.proposed_ms, ""))
        assert schema_version(c) == 1
    s = PostgresStore(pg_url)
    assert s.schema_version() == 2
    assert s.get("old").request_hash == row.request_hash
    w = s.watcher()
    assert s.claim_for_execution("old") and not s.claim_for_execution("old")
    assert _wait_for(w, lambda ch: ch.id == "old" and ch.state == "EXECUTING")
    w.stop()
    s.close()


def test_postgres_migrations_from_two_processes_at_once_apply_once(pg_url):
    errors = []

    def open_one():
        try:
            PostgresStore(pg_url).close()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    with _admin(pg_url) as c:
        assert [r[0] for r in c.execute("SELECT version FROM schema_version ORDER BY version")] == [1, 2]


def test_postgres_refuses_a_newer_schema(pg_url):
    PostgresStore(pg_url).close()
    with _admin(pg_url) as c:
        c.execute("INSERT INTO schema_version VALUES (99, 0)")
    with pytest.raises(StoreError, match="newer than this coinsole"):
        PostgresStore(pg_url)


def test_postgres_listen_notify_reaches_a_second_connection(pg_url):
    ann, bob = PostgresStore(pg_url), PostgresStore(pg_url)
    w = bob.watcher()
    row = _row("r1", _req())
    ann.propose(row)
    assert _wait_for(w, lambda c: (c.kind, c.id, c.state) == ("request", "r1", "PENDING_APPROVAL"))
    ann.add_signature("r1", _sign("bob", row.request_hash))
    assert _wait_for(w, lambda c: (c.kind, c.id) == ("signature", "r1"))
    ann.set_state("r1", "APPROVED", "PENDING_APPROVAL")
    assert _wait_for(w, lambda c: (c.id, c.state) == ("r1", "APPROVED"))
    w.stop()
    ann.close()
    bob.close()


def test_postgres_watch_callback_runs_in_the_background(pg_url):
    s = PostgresStore(pg_url)
    got, event = [], threading.Event()

    def on_change(change):
        got.append(change)
        if change.kind == "signature":
            event.set()
    handle = s.watch(on_change)
    _approved(PostgresStore(pg_url), "r9")
    assert event.wait(5), got
    assert [c.kind for c in got][:3] == ["request", "signature", "signature"]
    handle.stop()
    s.close()


def test_postgres_audit_is_append_only_and_serialised(pg_url):
    stores = [PostgresStore(pg_url) for _ in range(4)]

    def append(s, n):
        for i in range(10):
            s.audit_append({"event": "proposed", "id": f"{n}-{i}"})
    threads = [threading.Thread(target=append, args=(s, n)) for n, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    recs = stores[0].audit_read()
    assert len(recs) == 40 and audit.verify(recs) is None
    with _admin(pg_url) as c:
        for sql in ("UPDATE audit SET record='{}'", "DELETE FROM audit", "TRUNCATE audit"):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                c.execute(sql)
    assert len(stores[0].audit_read()) == 40
    for s in stores:
        s.close()


def test_postgres_connection_loss_is_retried_transparently(pg_url):
    s = PostgresStore(pg_url)
    s.propose(_row("r1", _req()))
    old = _backend_pid(s)
    with _admin(pg_url) as c:
        assert c.execute("SELECT pg_terminate_backend(%s)", (old,)).fetchone()[0]
    assert s.get("r1").id == "r1"  # reconnected and read again
    assert _backend_pid(s) != old and s.status == "connected"
    s.close()


def test_postgres_connection_loss_gives_the_typed_error_then_recovers(pg_cluster, pg_url):
    url = pg_url.replace("postgres@", "postgres:hunter2@")  # trust auth ignores it
    s = PostgresStore(url, retry_for=0.5)
    w = s.watcher()
    dbname = pg_url.rsplit("/", 1)[1]
    with _admin(pg_cluster.url()) as c:
        c.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS false')
        c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname=%s", (dbname,))
    with pytest.raises(StoreUnreachable) as caught:
        s.list()
    msg = str(caught.value)
    assert msg.startswith("team store unreachable at 127.0.0.1:") and "retrying" in msg
    assert "hunter2" not in msg and "hunter2" not in s.status and s.status == msg
    lost = _wait_for(w, lambda c: c.kind == "unreachable")
    assert "hunter2" not in lost[-1].detail
    with _admin(pg_cluster.url()) as c:
        c.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS true')
    assert s.list() == [] and s.status == "connected"
    assert _wait_for(w, lambda c: c.kind == "reconnected")
    s.propose(_row("r2", _req()))
    assert _wait_for(w, lambda c: c.id == "r2")
    w.stop()
    s.close()


def test_postgres_unreachable_server_is_a_typed_error_without_the_password():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    t0 = time.monotonic()
    with pytest.raises(StoreUnreachable) as caught:
        PostgresStore(f"postgresql://ann:s3cret@127.0.0.1:{port}/team", retry_for=0.3)
    assert time.monotonic() - t0 < 5
    assert f"127.0.0.1:{port}/team" in str(caught.value) and "s3cret" not in str(caught.value)


def test_postgres_duplicate_proposal_is_refused(pg_url):
    s = PostgresStore(pg_url)
    row = _row("r1", _req())
    s.propose(row)
    with pytest.raises(StoreError, match="already exists"):
        s.propose(Row(**{**row.__dict__, "request_json": "{}"}))
    s.close()


class _CuttingProxy:
    """A loopback TCP proxy to the PostgreSQL server that, when armed with some bytes, drops
    the connection instead of forwarding the server's reply holding them: the statement
    committed, but its reply is lost."""

    def __init__(self, port):
        import socket

        self.port, self.cut_on = port, None
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.url_port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        import socket

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.port))
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, src, dst, from_server):
        import socket

        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if from_server and data and self.cut_on is not None and self.cut_on in data:
                self.cut_on = None
                data = b""
            if not data:
                for s in (src, dst):  # shutdown, not just close: wakes the other pump's recv
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    s.close()
                return
            try:
                dst.sendall(data)
            except OSError:
                return

    def close(self):
        self.listener.close()


@pytest.fixture
def cut(pg_cluster, pg_url):
    proxy = _CuttingProxy(pg_cluster.port)
    yield proxy, pg_url.replace(f":{pg_cluster.port}/", f":{proxy.url_port}/")
    proxy.close()


def test_postgres_claim_whose_reply_is_lost_still_knows_it_won(cut):
    proxy, url = cut
    s = PostgresStore(url)
    _approved(s)
    proxy.cut_on = b"UPDATE 1"
    assert s.claim_for_execution("r1")  # committed, reply lost, reconnected: the token says we won
    assert proxy.cut_on is None  # the cut did happen
    assert s.get("r1").state == "EXECUTING"
    assert not s.claim_for_execution("r1")
    s.close()


def test_postgres_proposal_whose_reply_is_lost_is_not_refused_as_a_duplicate(cut):
    proxy, url = cut
    s = PostgresStore(url)
    proxy.cut_on = b"INSERT 0 1"
    s.propose(_row("r1", _req()))
    assert proxy.cut_on is None and [r.id for r in s.list()] == ["r1"]
    s.close()


def test_postgres_audit_append_whose_reply_is_lost_is_a_typed_error(cut):
    proxy, url = cut
    s = PostgresStore(url)
    proxy.cut_on = b"COMMIT"
    with pytest.raises(StoreUnreachable):
        s.audit_append({"event": "proposed", "id": "r1"})
    assert len(s.audit_read()) == 1  # it did commit: the caller re-reads instead of appending twice
    s.close()


def test_postgres_missing_database_is_refused_at_once_not_retried(pg_cluster):
    t0 = time.monotonic()
    with pytest.raises(StoreError) as caught:
        PostgresStore(pg_cluster.url("no_such_db"), retry_for=30)
    assert not isinstance(caught.value, StoreUnreachable) and time.monotonic() - t0 < 15  # retrying: 30 s
    assert "refused the connection" in str(caught.value) and "no_such_db" in str(caught.value)


def test_postgres_watcher_started_while_unreachable_reports_it_then_connects(pg_cluster, pg_url):
    dbname = pg_url.rsplit("/", 1)[1]
    with _admin(pg_cluster.url()) as c:
        c.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS false')
    from tui.approvals.store_postgres import Watcher

    w = Watcher(pg_url, retry_for=0.3)
    assert w.next(0.1).kind == "unreachable"
    with _admin(pg_cluster.url()) as c:
        c.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS true')
    assert _wait_for(w, lambda ch: ch.kind == "reconnected")
    PostgresStore(pg_url).propose(_row("r1", _req()))
    assert _wait_for(w, lambda ch: ch.id == "r1")
    w.stop()
