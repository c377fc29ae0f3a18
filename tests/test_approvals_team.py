"""The store factory and ``coinsole team connect|status|disconnect`` (SQLite by default, the
team's PostgreSQL server by URL; never a password saved or printed)."""

import json
import os
import socket
import stat

import pytest
from click.testing import CliRunner

from tui.approvals import store_factory
from tui.approvals.store_sqlite import SqliteStore
from tui.cli import main
from tui.paths import app_paths

from test_approvals_store import _row, _req


@pytest.fixture(autouse=True)
def no_team_env(monkeypatch):
    monkeypatch.delenv(store_factory.STORE_ENV, raising=False)


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _dead_url(user="ann:pw"):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"postgresql://{user}@127.0.0.1:{port}/team"


def test_default_is_sqlite_in_the_data_directory():
    where = store_factory.resolve()
    assert where.source == "default" and where.target.endswith("approvals.sqlite")
    s = store_factory.open_store()
    assert isinstance(s, SqliteStore)
    s.close()
    assert (app_paths().data_dir / "approvals.sqlite").exists()


def test_sqlite_url_and_path(tmp_path):
    for target in (str(tmp_path / "a.db"), f"sqlite://{tmp_path / 'b.db'}"):
        store_factory.open_store(target).close()
    assert (tmp_path / "a.db").exists() and (tmp_path / "b.db").exists()


def test_postgres_url_opens_the_team_store(pg_url):
    from tui.approvals.store_postgres import PostgresStore

    s = store_factory.open_store(pg_url)
    assert isinstance(s, PostgresStore) and s.schema_version() == 2
    s.close()


def test_env_wins_over_the_saved_url(monkeypatch, tmp_path):
    store_factory.save_url("postgresql://ann@db.example:5432/team")
    assert store_factory.resolve() == store_factory.Location(
        "postgresql://ann@db.example:5432/team", "config")
    monkeypatch.setenv(store_factory.STORE_ENV, str(tmp_path / "x.db"))
    assert store_factory.resolve().source == "env"


@pytest.mark.parametrize("url, message", [
    ("postgresql://ann:s3cret@db:5432/team", "holds a password"),
    ("postgresql://ann@db:5432/team?password=s3cret", "holds a password"),
    ("mysql://ann@db/team", "must start with postgresql://"),
    ("postgresql://ann@db:99999999/team", "malformed"),
])
def test_team_connect_refuses_bad_urls_and_saves_nothing(url, message):
    out = run("team", "connect", url)
    assert out.exit_code == 2 and message in out.output and "s3cret" not in out.output
    assert store_factory.saved_url() is None


def test_team_connect_unreachable_saves_nothing():
    out = run("team", "connect", _dead_url(user="ann"))
    assert out.exit_code == 1
    assert "team store unreachable at 127.0.0.1:" in out.output and "nothing saved" in out.output
    assert store_factory.saved_url() is None


def test_team_connect_postgres_then_status_and_disconnect(pg_url):
    out = run("team", "connect", pg_url)
    assert out.exit_code == 0, out.output
    assert "(schema version 2)" in out.output and store_factory.saved_url() == pg_url
    team_file = app_paths().config_dir / "team.toml"
    assert stat.S_IMODE(os.stat(team_file).st_mode) == 0o600
    s = store_factory.open_store()
    s.propose(_row("r1", _req()))
    s.propose(_row("r2", _req(dest="b")))
    s.set_state("r2", "APPROVED", "PENDING_APPROVAL")
    s.close()
    status = json.loads(run("team", "status", "--json").output)
    assert status == {"store": "postgresql://" + pg_url.split("@", 1)[1], "source": "config",
                      "kind": "postgresql", "reachable": True, "schema_version": 2,
                      "requests": {"APPROVED": 1, "PENDING_APPROVAL": 1}}
    assert "1 APPROVED, 1 PENDING_APPROVAL" in run("team", "status").output
    assert "forgotten" in run("team", "disconnect").output
    assert json.loads(run("team", "status", "--json").output)["kind"] == "sqlite"


def test_team_status_unreachable_from_env_hides_the_password(monkeypatch):
    monkeypatch.setenv(store_factory.STORE_ENV, _dead_url(user="ann:s3cret"))
    out = run("team", "status")
    assert out.exit_code == 1
    assert "team store unreachable" in out.output and "from env" in out.output
    assert "s3cret" not in out.output and "ann" not in out.output


def test_team_status_local_sqlite():
    out = run("team", "status", "--json")
    assert out.exit_code == 0
    got = json.loads(out.output)
    assert got["kind"] == "sqlite" and got["source"] == "default" and got["requests"] == {}
