"""Local indexed stores the big views read (org holdings), synced incrementally."""
