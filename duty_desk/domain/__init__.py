"""Pure-Python domain: no Qt, no SQLAlchemy."""
