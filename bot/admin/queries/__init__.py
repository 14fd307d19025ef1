"""Read-only dashboard queries: SQLAlchemy Core over bot.storage.tables, one module a page.

Each module takes an AsyncConnection and returns plain dataclasses; nothing
here knows about HTML. Aggregation that SQLite and PostgreSQL spell
differently (weeks, JSON lists, medians) happens in Python.
"""
