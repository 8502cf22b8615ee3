"""Duty Desk: the out-of-hours children's emergency duty desk."""

__version__ = "0.1.0"
