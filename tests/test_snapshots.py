"""Snapshot tests: how the screens look at 120x36 (and the balances at 160x36) with the
deterministic demo data.

Every capture waits until each profile has finished loading, so no spinner is on screen.
Update the baselines with ``pytest tests/test_snapshots.py --snapshot-update`` and look at
them (``tests/__snapshots__/``) before committing.
"""

from __future__ import annotations

from test_app_support import wait_loaded

from tui.app import CoinsoleApp
from tui.demo import demo_session

SIZE = (120, 36)
WIDE = (160, 36)
"""Wide enough for every column of the demo's balances table, the value column too."""


def demo_app(*, down: str | None = None) -> CoinsoleApp:
    session = demo_session()
    if down:
        session.sandbox.faults.down(down)
    return CoinsoleApp(session, demo=True)


def test_welcome(snap_compare) -> None:
    assert snap_compare(CoinsoleApp(None), terminal_size=SIZE)


def test_balances(snap_compare) -> None:
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=wait_loaded)


def test_balances_wide(snap_compare) -> None:
    """At 160 columns the value column fits and is shown in full (at 120 it is left out)."""
    assert snap_compare(demo_app(), terminal_size=WIDE, run_before=wait_loaded)


def test_balances_grouped_by_coin_compact(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        await pilot.press("g", "c")
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_balances_with_failing_venue(snap_compare) -> None:
    assert snap_compare(demo_app(down="bitz"), terminal_size=SIZE, run_before=wait_loaded)


def test_balance_detail(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        table = pilot.app.screen.table
        index = next(i for i, r in enumerate(table.rows_shown)
                     if r.profile == "fcoin-demo" and r.coin == "ETH")
        table.move_cursor(row=index)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_balances_light_theme(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        pilot.app.theme = "coinsole-light"
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_balances_high_contrast_theme(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        pilot.app.theme = "coinsole-high-contrast"
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


PROFILES_SECRET = "snapshot-secret-9f3c2a7d41e6b805"
"""Typed into the add-profile form; must appear only as mask characters."""


def test_profiles_form_masks_secrets(snap_compare, tmp_path, monkeypatch) -> None:
    """The Profiles screen with the add form open and a key and secret typed in: the SVG
    shows only mask characters."""
    import httpx

    from tui.config import Profile, ProfileStore
    from tui.credentials import CredentialResolver
    from tui.sandbox import Sandbox
    from tui.session import Session
    from tui.vault import TEST_KDF, Vault, default_vault_path
    from tui.venues.base import Credentials

    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    for name in ("DESK_SPOT", "ORG_BHEX"):
        monkeypatch.delenv(f"COINSOLE_{name}_API_KEY", raising=False)
        monkeypatch.delenv(f"COINSOLE_{name}_API_SECRET", raising=False)
    store = ProfileStore()
    store.add(Profile(name="desk-spot", venue="fcoin", base_url="https://api.fcoin.example"))
    store.add(Profile(name="org-bhex", venue="bhex", base_url="https://api.bhex.example",
                      user_id="482698709891649536"))
    vault = Vault.init(default_vault_path(), "pass", kdf=TEST_KDF)
    resolver = CredentialResolver(vault)
    resolver.store("desk-spot", Credentials(api_key="k" * 16, secret=PROFILES_SECRET[::-1]))
    sandbox = Sandbox()
    session = Session(store.load(), credentials=resolver,
                      transport=httpx.ASGITransport(app=sandbox.app))
    app = CoinsoleApp(session)

    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        for field, text in (("name", "desk-margin"), ("base_url", "https://api.fcoin.example"),
                            ("api_key", "key-0123456789"), ("secret", PROFILES_SECRET)):
            pilot.app.screen.query_one(f"#{field}").focus()
            await pilot.press(*text)
        await pilot.pause()
        svg = pilot.app.export_screenshot()
        assert PROFILES_SECRET not in svg and "key-0123456789" not in svg
        assert "••••" in svg

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
    from pathlib import Path

    baseline = Path(__file__).parent / "__snapshots__" / "test_snapshots" / \
        "test_profiles_form_masks_secrets.svg"
    if baseline.exists():  # written at the end of an --snapshot-update run
        text = baseline.read_text(encoding="utf-8")
        assert PROFILES_SECRET not in text and PROFILES_SECRET[::-1] not in text
        assert "key-0123456789" not in text
    sandbox.close()
