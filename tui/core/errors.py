"""Typed errors raised by the venue layer.

Every message says what happened and what to do. None ever carries an API key, a secret
or a signature: adapters build messages from the venue's reply text and their own words.
"""

from __future__ import annotations

__all__ = [
    "CoinsoleError",
    "VenueError",
    "AuthError",
    "PermissionDenied",
    "InsufficientFunds",
    "InvalidRequest",
    "RateLimited",
    "VenueUnavailable",
    "OutcomeUnknown",
    "ConfigError",
]


class CoinsoleError(Exception):
    """Base of every error coinsole raises on purpose; its text is fit to show a user."""


class ConfigError(CoinsoleError):
    """Bad or missing local configuration (profiles, credentials, paths)."""


class VenueError(CoinsoleError):
    """A venue refused or failed a request.

    ``venue`` is the venue id, ``code`` the venue's own error code when it sent one, and
    ``venue_message`` the venue's own text, kept so the user sees exactly what it said.
    """

    hint = ""

    def __init__(self, venue: str, message: str, *, code: str | None = None,
                 venue_message: str | None = None) -> None:
        self.venue = venue
        self.code = code
        self.venue_message = venue_message
        text = f"{venue}: {message}"
        if venue_message and venue_message not in message:
            text += f" (venue said: {venue_message}"
            text += f", code {code})" if code is not None else ")"
        elif code is not None:
            text += f" (code {code})"
        if self.hint:
            text += f". {self.hint}"
        super().__init__(text)


class AuthError(VenueError):
    """The venue did not accept the credentials, signature or timestamp."""

    hint = "Check the profile's API key and secret, and the system clock"


class PermissionDenied(VenueError):
    """The credentials are valid but lack the permission for this call."""

    hint = "Grant the API key this permission at the venue"


class InsufficientFunds(VenueError):
    """The account does not hold enough to cover the amount and fee."""

    hint = "Lower the amount or fund the account first"


class InvalidRequest(VenueError):
    """The venue rejected the request's parameters."""

    hint = "Correct the request and try again"


class RateLimited(VenueError):
    """The venue throttled us; ``retry_after`` is seconds to wait when known."""

    hint = "Wait a moment and retry"

    def __init__(self, venue: str, message: str, *, retry_after: float | None = None,  # float-ok: seconds
                 **kwargs) -> None:
        self.retry_after = retry_after
        super().__init__(venue, message, **kwargs)


class VenueUnavailable(VenueError):
    """The venue could not be reached or failed with a server error on a read."""

    hint = "The venue may be down; retry later"


class OutcomeUnknown(VenueError):
    """A write was sent but its result is unknown (dropped reply, timeout, HTTP 5xx).

    Never retried blindly: the journal settles it by key, by lookup, or by the operator.
    """

    hint = "Do not resend by hand; settle it from the journal"
