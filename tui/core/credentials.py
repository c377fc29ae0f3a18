"""The shape of a profile's API credentials: a key and a secret, both masked.

Only the type lives here (so the session, the vault and the demo can name it without
loading the HTTP client); the venue layer's signers are the only readers of the values.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, SecretStr

__all__ = ["Credentials"]


class Credentials(BaseModel):
    """An API key and secret. Both are masked in repr and str; only a signer reads them."""

    model_config = ConfigDict(frozen=True)

    api_key: SecretStr
    secret: SecretStr

    def __init__(self, api_key: str | SecretStr, secret: str | SecretStr) -> None:
        super().__init__(api_key=api_key, secret=secret)
