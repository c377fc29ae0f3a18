"""The shared venue client layer: one adapter per venue behind one small contract."""
