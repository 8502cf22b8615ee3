"""Exchange of events with the day service (PostgreSQL, or a SQLite file)."""
