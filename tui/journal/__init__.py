"""The journal: a durable record of every money-moving request, and its executor.

:class:`Journal` stores entries and their append-only history; :class:`Mover` sends them
(write before send), settles unknown outcomes and reconciles accepted ones.
"""

from tui.journal.executor import Mover
from tui.journal.states import TRANSITIONS, EntryState, IllegalTransition, check_transition
from tui.journal.store import (
    SCHEMA_VERSION,
    EntryNotFound,
    Journal,
    JournalEntry,
    JournalEvent,
    default_journal_path,
)

__all__ = ["Journal", "JournalEntry", "JournalEvent", "EntryState", "TRANSITIONS",
           "IllegalTransition", "check_transition", "Mover", "EntryNotFound", "SCHEMA_VERSION",
           "default_journal_path"]
