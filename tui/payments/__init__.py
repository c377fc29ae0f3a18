"""BHEX org payments: the local lifecycle model and the journaled payment writes."""
