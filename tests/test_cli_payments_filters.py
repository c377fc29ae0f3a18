"""``payments list --since/--until`` (the venue's start_time/end_time) and
``--client-order-id`` on ``payments show`` and the writes, over real HTTP to the sandbox on
loopback with profiles in a temp home (the journal persists between commands)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from demo_env import use_demo_profiles

from tui.cli import main
from tui.cli_payments import date_range

BHEX = ["--profile", "bhex-demo"]
PAYER = "482698709891649537"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def box(live_sandbox, monkeypatch):
    """The demo profiles pointed at a sandbox served over HTTP."""
    sandbox, base_url = live_sandbox
    use_demo_profiles(base_url, monkeypatch)
    return sandbox


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def hours_ago(box, hours: float) -> str:  # float-ok: hours of a test clock
    """The sandbox's now less ``hours``, as an ISO date and time (UTC)."""
    now = box.services["bhex"].now_ms()
    return (EPOCH + timedelta(milliseconds=now) - timedelta(hours=hours)).isoformat()


def listed(*args: str) -> list[dict]:
    result = invoke("payments", "list", *BHEX, "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_date_range_is_inclusive_whole_days_in_utc() -> None:
    start, end = date_range("2026-01-31", "2026-01-31")
    assert start == (datetime(2026, 1, 31, tzinfo=timezone.utc) - EPOCH) // timedelta(
        milliseconds=1)
    assert end == start + 86_400_000 - 1
    assert date_range(None, None) == (None, None)
    assert date_range("2026-01-31T09:30:00+01:00", None)[0] == start + 8 * 3_600_000 + \
        30 * 60_000


def test_list_since_and_until_narrow_the_seeded_book(box) -> None:
    """The operating account's seeded orders were created 90, 80, 70, 60, 50, 30, 20 and
    10 hours ago."""
    assert len(listed()) == 8
    assert [o["client_order_id"] for o in listed("--since", hours_ago(box, 35))] == \
        ["Demo0008", "Demo0007", "Demo0006"]
    assert len(listed("--until", hours_ago(box, 55))) == 4
    assert [o["client_order_id"] for o in listed("--since", hours_ago(box, 75), "--until",
                                                  hours_ago(box, 55))] == ["Demo0003",
                                                                            "Demo0002"]
    none = invoke("payments", "list", *BHEX, "--until", "2000-01-01")
    assert none.exit_code == 0 and "no payment orders" in none.output


@pytest.mark.parametrize("args, words", [
    (["--since", "31/01/2026"], "--since must be an ISO date like 2026-01-31"),
    (["--since", "2026-02-02", "--until", "2026-02-01"], "--until is before --since"),
])
def test_bad_ranges_are_refused_in_one_line(box, args, words) -> None:
    result = invoke("payments", "list", *BHEX, *args)
    assert result.exit_code == 2 and words in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_numeric_client_order_id_is_found_with_the_flag(box) -> None:
    created = invoke("payments", "create", *BHEX, "--payer", PAYER, "--pay", "PAY:USDT:3",
                     "--client-order-id", "20261206001", "--yes", "--json")
    assert created.exit_code == 0, created.output
    as_id = invoke("payments", "show", "20261206001", *BHEX)
    assert as_id.exit_code == 2 and "does not exist" in as_id.output
    assert "If 20261206001 is a client_order_id, name it with --client-order-id 20261206001" in as_id.output
    shown = invoke("payments", "show", "--client-order-id", "20261206001", *BHEX, "--json")
    assert shown.exit_code == 0, shown.output
    order = json.loads(shown.output)
    assert order["client_order_id"] == "20261206001" and order["status"] == "WAIT_FOR_PAYMENT"
    assert order["actions"] == ["cancel"]
    both = invoke("payments", "show", order["order_id"], "--client-order-id", "20261206001",
                  *BHEX)
    assert both.exit_code == 2 and "not both" in both.output
    neither = invoke("payments", "show", *BHEX)
    assert neither.exit_code == 2 and "name the order" in neither.output
    cancelled = invoke("payments", "cancel", "--client-order-id", "20261206001", *BHEX,
                       "--yes", "--json")
    assert cancelled.exit_code == 0, cancelled.output
    assert box.services["bhex"].payments.orders[int(order["order_id"])]["status"] == "CANCELLED"
