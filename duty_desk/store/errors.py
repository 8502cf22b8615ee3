"""Store failures, each with a message that says what happened and what to do."""

from duty_desk.domain.errors import DutyDeskError


class StoreError(DutyDeskError):
    pass


class StoreMissing(StoreError):
    pass


class StoreUnreadable(StoreError):
    """Wrong key, not a Duty Desk database, or damaged bytes."""


class StoreTooNew(StoreError):
    pass
