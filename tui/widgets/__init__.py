"""Reusable widgets, grouped by the area of the screen they serve."""
