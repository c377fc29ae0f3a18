"""Venue-neutral core: exact money, domain models and typed errors."""
