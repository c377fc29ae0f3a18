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
        """Every configured profile, in the order they were added. A file that cannot be
        read or parsed, or holds a value of the wrong kind, is a :class:`ConfigError`
        naming the file and what to do; the file is never changed."""
        blocked = self.paths.blocked()
        if blocked is not None:
            raise ConfigError(
                f"{blocked} is a file, but coinsole keeps its settings in a directory there; "
                "move the file away or point COINSOLE_HOME at a directory")
        try:
            raw_bytes = self.file.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise ConfigError(f"cannot read {self.file} ({exc.strerror or exc}); check it is "
                              "a readable file, or move it away") from None
        try:
            data = tomllib.loads(raw_bytes.decode("utf-8"))
        except UnicodeDecodeError:
            raise ConfigError(f"cannot read {self.file}: it is not UTF-8 text; fix or move "
                              "away the file") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"cannot read {self.file}: not valid TOML ({exc}); fix or move "
                              "away the file") from None
        except RecursionError:
            raise ConfigError(f"cannot read {self.file}: nested too deeply to be a profiles "
                              "file; fix or move away the file") from None
        table = data.get("profiles", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{self.file}: 'profiles' must be a table of profiles "
                              "([profiles.NAME]); fix or move away the file")
        raw = []
        for name, fields in table.items():
            if not isinstance(fields, dict):
                raise ConfigError(f"{self.file}: profile {name[:64]!r} must be a table "
                                  f"([profiles.{name[:64]}]); fix or remove the entry")
            raw.append({**fields, "name": name})
        try:
            return _ProfilesFile(profiles=raw).profiles
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = [str(part) for part in first.get("loc", ())]
            where = ""
            if len(loc) >= 3 and loc[0] == "profiles" and loc[1].isdigit():
                where = f" profile {str(raw[int(loc[1])]['name'])[:64]!r}, field {loc[2][:64]!r}:"
            message = str(first["msg"]).removeprefix("Value error, ")
            raise ConfigError(f"{self.file}:{where} {message}. Fix or remove the "
                              "entry.") from None

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

    def rename(self, old: str, new: str) -> Profile:
        """Give profile ``old`` the name ``new`` in place (its position and settings kept)
        and return it renamed; refuses a missing ``old`` or a ``new`` in use."""
        profiles = self.load()
        if any(p.name == new for p in profiles):
            raise ConfigError(f"a profile named {new!r} exists already")
        for position, profile in enumerate(profiles):
            if profile.name == old:
                renamed = Profile(**{**profile.model_dump(), "name": new})
                profiles[position] = renamed
                self._save(profiles)
                return renamed
        raise ConfigError(f"no profile named {old!r}; see `coinsole profile list`")

    def remove(self, name: str) -> Profile:
        """Remove the profile called ``name`` and return it."""
        profiles = self.load()
        kept = [p for p in profiles if p.name != name]
        if len(kept) == len(profiles):
            raise ConfigError(f"no profile named {name!r}; see `coinsole profile list`")
        self._save(kept)
        return next(p for p in profiles if p.name == name)

    def snapshot(self) -> bytes | None:
        """The file's exact bytes now (None: there is no file), for :meth:`restore`."""
        try:
            return self.file.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ConfigError(f"cannot read {self.file} ({exc.strerror or exc}); check it is "
                              "a readable file, or move it away") from None

    def restore(self, snapshot: bytes | None) -> None:
        """Put back the file as :meth:`snapshot` found it (atomically), undoing a change
        whose companion change (the vault's) failed."""
        if snapshot is None:
            try:
                self.file.unlink(missing_ok=True)
            except OSError as exc:
                raise self._write_error(exc) from None
            return
        self._write_bytes(snapshot)

    def _save(self, profiles: list[Profile]) -> None:
        table = {
            p.name: {k: v for k, v in p.model_dump(exclude={"name"}).items() if v is not None}
            for p in profiles
        }
        self._write_bytes(tomli_w.dumps({"profiles": table}).encode("utf-8"))

    def _write_bytes(self, data: bytes) -> None:
        """Replace the file with ``data`` atomically (temp file in its directory, fsync,
        rename); any failure is a :class:`ConfigError` and leaves the old file as it was."""
        import tempfile  # only when writing: not on the way to the first frame

        try:
            directory = self.paths.ensure(self.paths.config_dir)
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".profiles-", suffix=".tmp")
        except OSError as exc:
            raise self._write_error(exc) from None
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.file)
        except BaseException as exc:
            Path(tmp).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise self._write_error(exc) from None
            raise

    def _write_error(self, exc: OSError) -> ConfigError:
        from tui.paths import describe_os_error

        if exc.filename is None or str(exc.filename).startswith(str(self.paths.config_dir)):
            exc.filename = str(self.file)
        return ConfigError(describe_os_error(exc) + f"; {self.file} was not changed")
