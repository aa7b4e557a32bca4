"""The ledger: the one package that owns the hall's SQLite database.

The event log and its projections (``store``), the one-hub-per-database lock
(``dblock``), statistics (``stats``), one ticket's history (``history``) and the
manager's reads beside the writer (``queries``). The hub and ``jiaohao report`` import
it; nothing else opens the database.
"""
