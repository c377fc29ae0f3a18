"""Where a profile's API key and secret come from.

Until the vault lands, and afterwards as an explicit fallback for scripts, they are read
from ``COINSOLE_<NAME>_API_KEY`` and ``COINSOLE_<NAME>_API_SECRET`` (NAME upper-cased,
every other character turned into ``_``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from pydantic import SecretStr

from tui.core.errors import ConfigError
from tui.venues.base import Credentials

__all__ = ["env_var_names", "credentials_from_env"]


def env_var_names(profile_name: str) -> tuple[str, str]:
    """The two environment variable names holding ``profile_name``'s key and secret."""
    stem = re.sub(r"[^A-Z0-9]", "_", profile_name.upper())
    return f"COINSOLE_{stem}_API_KEY", f"COINSOLE_{stem}_API_SECRET"


def credentials_from_env(profile_name: str, environ: Mapping[str, str] | None = None) -> Credentials:
    """The profile's credentials from the environment, or a :class:`ConfigError` naming
    the variables to set."""
    env = os.environ if environ is None else environ
    key_var, secret_var = env_var_names(profile_name)
    key, secret = env.get(key_var), env.get(secret_var)
    if not key or not secret:
        raise ConfigError(
            f"no credentials for profile {profile_name!r}: set {key_var} and {secret_var}"
        )
    return Credentials(api_key=key, secret=SecretStr(secret))
