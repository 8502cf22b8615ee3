"""Roles, grades and what each role may do.

The services check these permissions on every call; the UI only hides what a role
cannot do, it is never the gate.
"""

from __future__ import annotations

from enum import Enum, IntEnum, StrEnum


class Role(StrEnum):
    DUTY_SOCIAL_WORKER = "duty_social_worker"
    SENIOR_PRACTITIONER = "senior_practitioner"
    MANAGER = "manager"
    SENIOR_MANAGER = "senior_manager"
    DAY_TEAM = "day_team"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @classmethod
    def parse(cls, text: str) -> Role:
        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        for role in cls:
            if key in (role.value, role.label.lower().replace(" ", "_")):
                return role
        choices = ", ".join(r.value for r in cls)
        raise ValueError(f"Unknown role {text!r}. Choose one of: {choices}.")


_LABELS = {
    Role.DUTY_SOCIAL_WORKER: "Duty social worker",
    Role.SENIOR_PRACTITIONER: "Senior practitioner",
    Role.MANAGER: "Manager",
    Role.SENIOR_MANAGER: "Senior manager",
    Role.DAY_TEAM: "Day team",
    Role.ADMINISTRATOR: "Administrator",
}


class Permission(Enum):
    MANAGE_PEOPLE = "manage_people"
    VIEW_PEOPLE = "view_people"
    VERIFY_AUDIT = "verify_audit"
    REBUILD_PROJECTIONS = "rebuild_projections"
    CHANGE_OWN_PASSWORD = "change_own_password"  # noqa: S105 (a permission name)
    RECORD_ENQUIRIES = "record_enquiries"
    VIEW_ENQUIRIES = "view_enquiries"
    RUN_SHIFTS = "run_shifts"
    SIGN_OFF = "sign_off"
    MANAGE_RULES = "manage_rules"
    MANAGE_PROVIDERS = "manage_providers"
    VIEW_FIGURES = "view_figures"  # aggregate monitoring figures: no names, no identifiers
    SYNC = "sync"  # exchange events with the day service now
    CONFIGURE_SYNC = "configure_sync"  # set the day service's address, team and password
    SUBMIT_HANDOVER = "submit_handover"  # hand the night over to the day team
    RECEIVE_HANDOVER = "receive_handover"  # the inbox: acknowledge, return, export
    MANAGE_ALERTS = "manage_alerts"  # the day team's "known tonight" alerts
    RESOLVE_CONFLICTS = "resolve_conflicts"
    PURGE = "purge"  # purge acknowledged records from this laptop now


_EVERYONE = frozenset({Permission.CHANGE_OWN_PASSWORD, Permission.SYNC})

# Practitioners record and read enquiries; the day team reads them; administrators run the
# desk but do not read children's records.
_PRACTICE = frozenset(
    {
        Permission.RECORD_ENQUIRIES,
        Permission.VIEW_ENQUIRIES,
        Permission.RUN_SHIFTS,
        Permission.SUBMIT_HANDOVER,
        Permission.RESOLVE_CONFLICTS,
    }
)

_MANAGING = _PRACTICE | {
    Permission.SIGN_OFF,
    Permission.VIEW_PEOPLE,
    Permission.VERIFY_AUDIT,
    Permission.VIEW_FIGURES,
    Permission.MANAGE_ALERTS,
}

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.DUTY_SOCIAL_WORKER: _EVERYONE | _PRACTICE,
    Role.SENIOR_PRACTITIONER: _EVERYONE | _PRACTICE | {Permission.SIGN_OFF},
    Role.MANAGER: _EVERYONE | _MANAGING,
    Role.SENIOR_MANAGER: _EVERYONE | _MANAGING,
    Role.DAY_TEAM: _EVERYONE
    | {
        Permission.VIEW_ENQUIRIES,
        Permission.VIEW_FIGURES,
        Permission.RECEIVE_HANDOVER,
        Permission.MANAGE_ALERTS,
    },
    Role.ADMINISTRATOR: _EVERYONE
    | {
        Permission.MANAGE_PEOPLE,
        Permission.VIEW_PEOPLE,
        Permission.VERIFY_AUDIT,
        Permission.REBUILD_PROJECTIONS,
        Permission.MANAGE_RULES,
        Permission.MANAGE_PROVIDERS,
        Permission.VIEW_FIGURES,
        Permission.CONFIGURE_SYNC,
        Permission.PURGE,
    },
}


def may(role: Role, permission: Permission) -> bool:
    return permission in PERMISSIONS[role]


class Grade(IntEnum):
    """Seniority for sign-off: an approver must hold the required grade or a higher one.

    The rules file names grades by these ids; day team and administrators hold none."""

    DUTY_SOCIAL_WORKER = 1
    SENIOR_PRACTITIONER = 2
    MANAGER = 3
    SENIOR_MANAGER = 4

    @property
    def id(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        return Role(self.id).label

    @classmethod
    def of(cls, role: Role | str | None) -> Grade | None:
        """The grade a role holds, or None for roles that hold none."""
        return cls.__members__.get(str(role).upper()) if role else None
