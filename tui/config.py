"""Profiles: the non-secret settings of each venue connection, kept in a TOML file.

A profile names a venue, its base URL and, for org APIs, the user id to show. Keys and
secrets never go in this file: until the vault lands they come from the environment
(see :mod:`tui.credentials`).
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tui.core.errors import ConfigError
from tui.core.models import VENUE_IDS
from tui.paths import AppPaths, app_paths

__all__ = ["Profile", "ProfileStore", "PROFILE_NAME_RE"]

PROFILE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class Profile(BaseModel):
    """One venue connection: a name, the venue id, the base URL, and optionally the user
    id an org/broker API acts for (BHEX's ``user_id``, ChainUp's ``uid``)."""

    model_config = ConfigDict(frozen=True)

    name: str
    venue: str
    base_url: str
    user_id: str | None = None

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        if not PROFILE_NAME_RE.match(value):
            raise ValueError(
                "profile names are 1-64 letters, digits, '_', '.' or '-', starting with a "
                "letter or digit"
            )
        return value

    @field_validator("venue")
    @classmethod
    def _check_venue(cls, value: str) -> str:
        if value not in VENUE_IDS:
            raise ValueError(f"unknown venue {value!r}; choose one of {', '.join(VENUE_IDS)}")
        return value

    @field_validator("base_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("the base URL must start with http:// or https:// and name a host")
        return value.rstrip("/")

    @field_validator("user_id")
    @classmethod
    def _check_user(cls, value: str | None) -> str | None:
        if value is not None and not value.strip().isdigit():
            raise ValueError("the user id must be a whole number")
        return value.strip() if value is not None else None


class _ProfilesFile(BaseModel):
    profiles: list[Profile] = Field(default_factory=list)


class ProfileStore:
    """Reads and writes the profiles file; every write is atomic (temp file + rename)."""

    def __init__(self, paths: AppPaths | None = None) -> None:
        self.paths = paths or app_paths()

    @property
    def file(self) -> Path:
        """The TOML file behind this store."""
        return self.paths.profiles_file

    def load(self) -> list[Profile]:
        """Every configured profile, in the order they were added."""
        if not self.file.exists():
            return []
        try:
            data = tomllib.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read {self.file}: {exc}. Fix or remove the file.") from None
        raw = [dict(name=name, **fields) for name, fields in data.get("profiles", {}).items()]
        try:
            return _ProfilesFile(profiles=raw).profiles
        except ValidationError as exc:
            first = exc.errors()[0]
            raise ConfigError(f"{self.file}: {first['msg']}. Fix or remove the entry.") from None

    def get(self, name: str) -> Profile:
        """The profile called ``name``; :class:`ConfigError` if there is none."""
        for profile in self.load():
            if profile.name == name:
                return profile
        raise ConfigError(f"no profile named {name!r}; see `coinsole profile list`")

    def add(self, profile: Profile) -> None:
        """Add a new profile; refuses a name already in use."""
        profiles = self.load()
        if any(p.name == profile.name for p in profiles):
            raise ConfigError(
                f"a profile named {profile.name!r} exists already; remove it first or pick "
                "another name"
            )
        self._save([*profiles, profile])

    def replace(self, profile: Profile) -> Profile:
        """Replace the profile of the same name in place (its position is kept) and return
        the old one; :class:`ConfigError` if there is none."""
        profiles = self.load()
        for position, old in enumerate(profiles):
            if old.name == profile.name:
                profiles[position] = profile
                self._save(profiles)
                return old
        raise ConfigError(f"no profile named {profile.name!r}; see `coinsole profile list`")

    def remove(self, name: str) -> Profile:
        """Remove the profile called ``name`` and return it."""
        profiles = self.load()
        kept = [p for p in profiles if p.name != name]
        if len(kept) == len(profiles):
            raise ConfigError(f"no profile named {name!r}; see `coinsole profile list`")
        self._save(kept)
        return next(p for p in profiles if p.name == name)

    def _save(self, profiles: list[Profile]) -> None:
        directory = self.paths.ensure(self.paths.config_dir)
        table = {
            p.name: {k: v for k, v in p.model_dump(exclude={"name"}).items() if v is not None}
            for p in profiles
        }
        text = tomli_w.dumps({"profiles": table})
        import tempfile  # only when writing: not on the way to the first frame

        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".profiles-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
