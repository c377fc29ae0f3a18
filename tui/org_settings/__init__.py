"""BHEX org settings: symbol trade status, symbol price limits, sub-account transfers."""
