"""The audit chain's head anchored outside the store: deleting the last N audit records
is detected (this machine's signed anchor, or a head kept out of band with ``audit head``
and ``audit verify --head``), on SQLite and on a real PostgreSQL server (``pytest -k
postgres``), by the service and by the CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner
from test_approvals_store import KEYS, P, PH, POLICY, _raw, _open, where  # noqa: F401

from tui.approvals.anchor import anchor_path, read_anchor
from tui.approvals.identity import OperatorKey
from tui.approvals.service import ApprovalService, LoadedPolicy
from tui.cli import main
from tui.cli_approvals import register

register(main)


def _service(store, name="bob"):
    return ApprovalService(LoadedPolicy(P, PH, Path("policy.toml"), POLICY), store,
                           operator=OperatorKey(name, KEYS[name][0]))


def _delete_tail(store, n: int) -> None:
    """Remove the last ``n`` audit records behind coinsole's back (on PostgreSQL, as the
    table's owner who first turns its append-only trigger off)."""
    if hasattr(store, "url"):
        _raw(store, "ALTER TABLE audit DISABLE TRIGGER USER; DELETE FROM audit WHERE seq IN "
                    f"(SELECT seq FROM audit ORDER BY seq DESC LIMIT {n}); "
                    "ALTER TABLE audit ENABLE TRIGGER USER")
    else:
        _raw(store, f"DELETE FROM audit WHERE seq IN (SELECT seq FROM audit ORDER BY seq DESC "
                    f"LIMIT {n})")


def test_deleting_the_last_records_is_detected(where):
    store = _open(*where)
    svc = _service(store)
    try:
        for n in range(5):
            svc._audit({"event": "proposed", "id": f"r{n}", "time_ms": n})
        head = store.audit_read()[-1]["hash"]
        assert read_anchor(store)["hash"] == head and read_anchor(store)["operator"] == "bob"
        assert svc.audit_verify() is None
        _delete_tail(store, 2)
        left = store.audit_read()
        assert len(left) == 3
        from tui.approvals import audit

        assert audit.verify(left) is None  # the chain alone cannot tell
        index, why = svc.audit_verify()
        assert index == 3 and "removed from its end" in why and head[:16] in why
        anchor_path().unlink()
        assert svc.audit_verify() is None  # no anchor here: ...
        assert svc.audit_verify(head=head)[1].startswith(f"the anchored head {head[:16]}")
        assert svc.audit_verify(head=left[-1]["hash"]) is None
    finally:
        store.close()


def test_an_edited_anchor_does_not_verify(tmp_path):
    from tui.approvals.store_sqlite import SqliteStore

    store = SqliteStore(str(tmp_path / "a.db"))
    svc = _service(store, "cat")
    for n in range(3):
        svc._audit({"event": "proposed", "id": f"r{n}", "time_ms": n})
    first = store.audit_read()[0]["hash"]
    data = json.loads(anchor_path().read_text())
    [key] = data
    data[key]["hash"] = first  # rolled back to hide what came after
    anchor_path().write_text(json.dumps(data))
    index, why = svc.audit_verify()
    assert index == 3 and "does not verify under operator 'cat'" in why
    store.close()


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_cli_audit_head_and_verify_catch_a_cut_tail():
    assert run("--demo", "approvals", "list").exit_code == 0  # seeds the demo store
    head = json.loads(run("--demo", "audit", "head", "--json").output)
    assert head["records"] >= 5 and len(head["head"]) == 64
    ok = run("--demo", "audit", "verify", "--head", head["head"])
    assert ok.exit_code == 0, ok.output
    assert "holds this machine's anchored head" in ok.output and "signed by" in ok.output
    from tui.approvals.demo import demo_store_path

    db = sqlite3.connect(demo_store_path())
    db.execute("DELETE FROM audit WHERE seq IN (SELECT seq FROM audit ORDER BY seq DESC LIMIT 3)")
    db.commit()
    db.close()
    cut = run("--demo", "audit", "verify")
    assert cut.exit_code == 3, cut.output
    assert "audit log cut short" in cut.output and "removed from its end" in cut.output
    anchor_path().unlink()
    assert run("--demo", "audit", "verify").exit_code == 0  # the chain alone looks fine
    out_of_band = run("--demo", "audit", "verify", "--head", head["head"])
    assert out_of_band.exit_code == 3 and head["head"][:16] in out_of_band.output
    assert run("--demo", "audit", "verify", "--head", "xyz").exit_code == 2
    assert "records, head " in run("--demo", "audit", "head").output
