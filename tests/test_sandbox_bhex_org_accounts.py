"""Every user of the sandbox's BHEX org has a main spot account, as at the venue, where
registration opens one: asking for a generated user's balance gives an empty account, not
"user_id missing or unknown", and a user the org does not have is still refused."""

from __future__ import annotations

import pytest

from bhex_org_world import org_venue, served_org
from tui.venues.base import VenueError


async def test_a_generated_org_user_has_an_empty_main_account() -> None:
    with served_org(50) as (box, url):
        user = box.bhex_org.user(17).user_id
        assert box.ledger.sub_accounts("bhex", user) == []
        venue = org_venue(url)
        try:
            assert await venue.account_balance(user) == []
            subs = box.ledger.sub_accounts("bhex", user)
            assert [(s.account_type, s.account_index, s.name) for s in subs] == [("1", 0, "Main")]
            assert await venue.account_balance(user) == []  # the second call finds it
        finally:
            await venue.aclose()


async def test_a_user_the_org_does_not_have_is_refused() -> None:
    with served_org(50) as (_, url):
        venue = org_venue(url)
        try:
            with pytest.raises(VenueError, match="user_id missing or unknown"):
                await venue.account_balance("999999999999999999")
        finally:
            await venue.aclose()
