"""coinsole: a keyboard-driven terminal wallet console for exchange accounts."""

__version__ = "0.1.0"
