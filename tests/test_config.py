"""Profiles file and paths: COINSOLE_HOME, validation, atomic writes."""

import stat

import pytest

from tui.config import Profile, ProfileStore
from tui.core.errors import ConfigError
from tui.credentials import credentials_from_env, env_var_names
from tui.paths import app_paths


def test_coinsole_home_holds_all_state(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    paths = app_paths()
    for directory in (paths.config_dir, paths.data_dir, paths.cache_dir, paths.log_dir):
        assert tmp_path in directory.parents


def test_platformdirs_used_without_override(monkeypatch) -> None:
    monkeypatch.delenv("COINSOLE_HOME", raising=False)
    assert "coinsole" in str(app_paths().config_dir)


def test_add_list_remove_round_trip(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    store = ProfileStore()
    store.add(Profile(name="desk", venue="bhex", base_url="http://127.0.0.1:9/bhex/", user_id="42"))
    store.add(Profile(name="spot", venue="bitunix", base_url="https://api.example"))
    loaded = store.load()
    assert [p.name for p in loaded] == ["desk", "spot"]
    assert loaded[0].base_url == "http://127.0.0.1:9/bhex" and loaded[0].user_id == "42"
    assert stat.S_IMODE(store.file.stat().st_mode) == 0o600
    assert store.remove("desk").venue == "bhex"
    assert [p.name for p in store.load()] == ["spot"]


def test_duplicate_name_changes_nothing(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    store = ProfileStore()
    store.add(Profile(name="desk", venue="bitz", base_url="https://a.example"))
    before = store.file.read_bytes()
    with pytest.raises(ConfigError, match="exists already"):
        store.add(Profile(name="desk", venue="fcoin", base_url="https://b.example"))
    assert store.file.read_bytes() == before


@pytest.mark.parametrize("fields, message", [
    (dict(name="bad name", venue="bitz", base_url="https://a"), "profile names"),
    (dict(name="ok", venue="kraken", base_url="https://a"), "unknown venue"),
    (dict(name="ok", venue="bitz", base_url="ftp://a"), "http:// or https://"),
    (dict(name="ok", venue="bhex", base_url="https://a", user_id="abc"), "whole number"),
])
def test_bad_profiles_are_refused(fields, message) -> None:
    with pytest.raises(ValueError, match=message):
        Profile(**fields)


def test_corrupt_file_is_reported_not_overwritten(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    store = ProfileStore()
    store.file.parent.mkdir(parents=True)
    store.file.write_text("[profiles\n")
    with pytest.raises(ConfigError, match="cannot read"):
        store.load()
    assert store.file.read_text() == "[profiles\n"


def test_env_credentials_names_and_masking() -> None:
    assert env_var_names("desk-1.eu") == ("COINSOLE_DESK_1_EU_API_KEY", "COINSOLE_DESK_1_EU_API_SECRET")
    creds = credentials_from_env("desk-1.eu", {"COINSOLE_DESK_1_EU_API_KEY": "k-123",
                                               "COINSOLE_DESK_1_EU_API_SECRET": "s-456"})
    assert creds.secret.get_secret_value() == "s-456"
    assert "s-456" not in repr(creds) and "k-123" not in str(creds)
    with pytest.raises(ConfigError, match="COINSOLE_DESK_API_SECRET"):
        credentials_from_env("desk", {"COINSOLE_DESK_API_KEY": "k"})


def test_replace_keeps_position_and_refuses_unknown(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    store = ProfileStore()
    for name in ("a", "b", "c"):
        store.add(Profile(name=name, venue="bitz", base_url=f"https://{name}.example"))
    old = store.replace(Profile(name="b", venue="bhex", base_url="https://new.example", user_id="9"))
    assert old.venue == "bitz"
    assert [(p.name, p.venue) for p in store.load()] == [("a", "bitz"), ("b", "bhex"), ("c", "bitz")]
    with pytest.raises(ConfigError, match="no profile named 'z'"):
        store.replace(Profile(name="z", venue="bitz", base_url="https://z.example"))
