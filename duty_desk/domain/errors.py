"""Errors the domain and services raise; every one carries a message fit for a person."""


class DutyDeskError(Exception):
    """Base class: ``str(error)`` is a plain-words message for the person at the keyboard."""


class ValidationError(DutyDeskError):
    """Input was refused; ``field`` names the offending field where there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Forbidden(DutyDeskError):
    """The signed-in person's role does not allow this action."""


class NotFound(DutyDeskError):
    """The thing asked for does not exist on this desk."""
