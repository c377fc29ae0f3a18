"""``coinsole --demo --org-users N``: the demo's ChainUp org is a generated one of N users
(4 account rows each), kept in stores of its own, so Org holdings can be tried at scale."""

from __future__ import annotations

from click.testing import CliRunner

from test_app_org_holdings import SIZE, open_holdings
from tui.app import CoinsoleApp
from tui.cli import main
from tui.demo import demo_session
from tui.sandbox.chainup_org import FIRST_UID, ROWS_PER_USER


def test_org_users_needs_the_demo() -> None:
    result = CliRunner().invoke(main, ["--org-users", "1000"])
    assert result.exit_code == 2
    assert "--org-users works with --demo" in result.output


def test_org_users_refuses_a_size_that_is_not_a_count() -> None:
    result = CliRunner().invoke(main, ["--demo", "--org-users", "lots"])
    assert result.exit_code == 2 and "--org-users" in result.output


async def test_the_demo_org_of_n_users_syncs_into_a_store_of_its_own() -> None:
    users = 3_000
    app = CoinsoleApp(demo_session(org_users=users), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_holdings(pilot)
        assert screen.table.total == users * ROWS_PER_USER == screen.source.store.count()
        uids = {int(r.ident[0]) for r in screen.table.window.rows}
        assert uids and all(FIRST_UID <= uid < FIRST_UID + users for uid in uids)
        generated_store = screen.store.path
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_holdings(pilot)
        assert screen.store.path != generated_store  # the plain demo's org, untouched
        assert screen.table.total != users * ROWS_PER_USER
