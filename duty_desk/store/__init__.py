"""Encrypted local store: SQLCipher through SQLAlchemy, the event log and its projections."""
