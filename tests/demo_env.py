"""Test helper: the demo profiles pointed at a live sandbox, with their keys in the
environment, so CLI commands run in a test talk to it over HTTP (the caller has set
``COINSOLE_HOME`` to a temporary directory first)."""

from __future__ import annotations

from typing import Any


def use_demo_profiles(base_url: str, monkeypatch: Any) -> None:
    """Save every demo profile with ``base_url`` and set its key and secret variables."""
    from tui.config import ProfileStore
    from tui.credentials import env_var_names
    from tui.demo import demo_profiles
    from tui.sandbox import DEMO_PROFILES

    store = ProfileStore()
    for profile in demo_profiles(base_url):
        store.add(profile)
    for demo in DEMO_PROFILES:
        key_var, secret_var = env_var_names(demo.name)
        monkeypatch.setenv(key_var, demo.api_key)
        monkeypatch.setenv(secret_var, demo.secret)
