"""A venue error passed on keeps one venue prefix, never ``fcoin: fcoin: ...`` (issue 12)."""

from tui.core.errors import VenueError, VenueUnavailable


def test_a_wrapped_venue_error_names_the_venue_once() -> None:
    inner = VenueUnavailable("fcoin", "the venue timed out")
    outer = VenueError("fcoin", str(inner))
    assert str(outer).startswith("fcoin: the venue timed out")
    assert "fcoin: fcoin:" not in str(outer)
    assert str(VenueError("bitz", "fcoin: odd")).startswith("bitz: fcoin: odd")
