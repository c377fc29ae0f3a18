"""Typed errors raised by the venue layer.

Every message says what happened and what to do. None ever carries an API key, a secret
or a signature: adapters build messages from the venue's reply text and their own words.
"""

from __future__ import annotations

from collections.abc import Callable

MESSAGE_LIMIT = 500
"""Longest message coinsole keeps in a venue error (after redaction)."""
CODE_LIMIT = 64
"""Longest venue error code kept (after redaction)."""
VENUE_MESSAGE_LIMIT = 300
"""Longest venue text kept (after redaction)."""

__all__ = [
    "CoinsoleError",
    "VenueError",
    "AuthError",
    "PermissionDenied",
    "NotWhitelisted",
    "InsufficientFunds",
    "InvalidRequest",
    "RateLimited",
    "VenueUnavailable",
    "OutcomeUnknown",
    "MalformedReply",
    "ReplyTooLarge",
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
        self.message = message
        self.code = code
        self.venue_message = venue_message
        super().__init__(self._compose())

    def _compose(self) -> str:
        prefix = f"{self.venue}: "
        # A message passed on from another error of the same venue already names it.
        text = self.message if self.message.startswith(prefix) else prefix + self.message
        code, venue_message = self.code, self.venue_message
        if venue_message and venue_message not in self.message:
            text += f" (venue said: {venue_message}"
            text += f", code {code})" if code is not None else ")"
        elif code is not None:
            text += f" (code {code})"
        if self.hint:
            text += f". {self.hint}"
        return text

    def rewrite(self, transform: Callable[[str, int], str]) -> "VenueError":
        """Pass the message, code and venue text through ``transform(text, limit)`` (the
        venue layer's redaction, then a cut to ``limit`` characters) and rebuild the
        error's text from the results; returns the error itself."""
        self.message = transform(self.message, MESSAGE_LIMIT)
        if self.code is not None:
            self.code = transform(self.code, CODE_LIMIT)
        if self.venue_message is not None:
            self.venue_message = transform(self.venue_message, VENUE_MESSAGE_LIMIT) or None
        self.args = (self._compose(),)
        return self


class AuthError(VenueError):
    """The venue did not accept the credentials, signature or timestamp."""

    hint = "Check the profile's API key and secret, and the system clock"


class PermissionDenied(VenueError):
    """The credentials are valid but lack the permission for this call."""

    hint = "Grant the API key this permission at the venue"


class NotWhitelisted(PermissionDenied):
    """A withdrawal (or send) to an address or account not on the venue's withdrawal
    whitelist: no permission of the API key changes that."""

    hint = ("The address must be on the venue's withdrawal whitelist: add it in the "
            "venue's address management (web or app; for a BHEX org user, the broker's "
            "console), wait out any lock period, then retry")


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


class MalformedReply(VenueError):
    """The venue answered, but with a reply coinsole cannot read (not JSON, nested too
    deep, a missing field, a value of the wrong type, an amount that is not a sane
    finite decimal). Nothing is shown from it."""

    hint = "The venue may have changed its API or be misbehaving; retry later and report it"


class ReplyTooLarge(VenueError):
    """The venue's reply (decoded) passed the size cap for its endpoint; coinsole stopped
    reading it."""

    hint = "The venue may be misbehaving; retry later and report it"
