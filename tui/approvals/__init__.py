"""Approvals: policy, operator signatures, quorum and the executing-process check (issue 13)."""
