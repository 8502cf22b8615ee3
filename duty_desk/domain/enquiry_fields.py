"""The fields of an out-of-hours enquiry and how each is held.

An enquiry's content is a flat mapping of field name to a JSON value. Instants are
UTC text (``2026-11-22T02:10:00.000000Z``), dates ``YYYY-MM-DD``; an absent field and an
empty one are the same thing (the key is left out). Storing content this way lets the
event log record exactly which fields changed, and the history view show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from duty_desk.domain import choices


class Kind(Enum):
    LINE = "line"  # one line of text
    TEXT = "text"  # several paragraphs
    INSTANT = "instant"  # a moment, UTC
    DATE = "date"
    AGE = "age"  # whole years
    CHOICE = "choice"  # one id from a list
    CHOICES = "choices"  # several ids from a list
    YES_NO = "yes_no"  # True, False, or not answered
    ENTRIES = "entries"  # a timestamped list: [{"at": instant, "text": line}]
    CHILDREN = "children"  # further children: [{"name", "dob", "age", "notes"}]


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    label: str
    kind: Kind
    section: str
    options: dict[str, str] | None = None  # for CHOICE and CHOICES (decision_type: from file)


LINE_MAX = 200
TEXT_MAX = 20_000
LIST_MAX = 200

QUICK = "Quick capture"
CALLER = "Caller"
CHILD = "Child and household"
CONCERN = "Concern and risk"
VOICE = "The child's voice"
WORK = "Checks and actions"
OUTCOME = "Decision"

_FIELDS = (
    # Quick capture: enough to log a call in under a minute.
    Field("received_at", "Received at", Kind.INSTANT, QUICK),
    Field("channel", "Channel", Kind.CHOICE, QUICK, choices.CHANNELS),
    Field("caller_name", "Caller's name", Kind.LINE, QUICK),
    Field("caller_agency", "Caller's agency", Kind.LINE, QUICK),
    Field("child_name", "Child's name", Kind.LINE, QUICK),
    Field("child_dob", "Date of birth", Kind.DATE, QUICK),
    Field("child_age", "Age (estimated)", Kind.AGE, QUICK),
    Field("concerns", "Concerns", Kind.CHOICES, QUICK, choices.CONCERNS),
    Field("summary", "What happened (one line)", Kind.LINE, QUICK),
    # The caller, in full.
    Field("caller_role", "Role or relationship", Kind.LINE, CALLER),
    Field("caller_phone", "Call-back number", Kind.LINE, CALLER),
    Field("police_reference", "Police incident reference", Kind.LINE, CALLER),
    Field("caller_anonymous", "Caller wishes to stay anonymous", Kind.YES_NO, CALLER),
    Field("consent", "Parents know and agree (or why consent was overridden)", Kind.TEXT, CALLER),
    # The child and household.
    Field("child_gender", "Gender", Kind.CHOICE, CHILD, choices.GENDERS),
    Field("child_address", "Address", Kind.LINE, CHILD),
    Field("child_school", "School", Kind.LINE, CHILD),
    Field("child_ethnicity", "Ethnicity", Kind.LINE, CHILD),
    Field("child_language", "Language (interpreter needed?)", Kind.LINE, CHILD),
    Field("child_disability", "Disability", Kind.LINE, CHILD),
    Field("legal_status", "Legal status", Kind.CHOICE, CHILD, choices.LEGAL_STATUSES),
    Field("known_to_services", "Known to children's services", Kind.YES_NO, CHILD),
    Field("day_system_id", "Day system id", Kind.LINE, CHILD),
    Field("allocated_worker", "Allocated worker", Kind.LINE, CHILD),
    Field("home_council", "Home council (if out of area)", Kind.LINE, CHILD),
    Field("other_children", "Further children", Kind.CHILDREN, CHILD),
    Field("household", "Household, parental responsibility, alleged perpetrator", Kind.TEXT, CHILD),
    # Concern and risk.
    Field("narrative", "Narrative", Kind.TEXT, CONCERN),
    Field("child_location", "Where the child is now", Kind.LINE, CONCERN),
    Field("child_condition", "The child's current condition", Kind.TEXT, CONCERN),
    Field("immediate_danger", "Immediate danger", Kind.CHOICE, CONCERN, choices.DANGER),
    Field("others_at_risk", "Other children at risk", Kind.YES_NO, CONCERN),
    Field("risk_rating", "Risk rating", Kind.CHOICE, CONCERN, choices.RISK_RATINGS),
    Field("can_wait", "Can it wait until the next working day?", Kind.YES_NO, CONCERN),
    Field("can_wait_reason", "Why (or why not)", Kind.TEXT, CONCERN),
    # The child's voice.
    Field("child_seen", "Child seen or spoken to", Kind.YES_NO, VOICE),
    Field("seen_at", "When", Kind.INSTANT, VOICE),
    Field("seen_where", "Where", Kind.LINE, VOICE),
    Field("seen_by", "By whom", Kind.LINE, VOICE),
    Field("spoken_alone", "Spoken to alone", Kind.YES_NO, VOICE),
    Field("child_words", "The child's own words, wishes and feelings", Kind.TEXT, VOICE),
    Field("voice_not_heard_reason", "If not seen or heard, why not", Kind.TEXT, VOICE),
    Field("parents_views", "Parents' and carers' views", Kind.TEXT, VOICE),
    # Checks and actions.
    Field("checks", "Checks made", Kind.ENTRIES, WORK),
    Field("actions", "Actions", Kind.ENTRIES, WORK),
    # The decision.
    Field("decision_type", "Decision", Kind.CHOICE, OUTCOME),
    Field("rationale", "Rationale", Kind.TEXT, OUTCOME),
    Field("day_team_actions", "Actions for the day team", Kind.TEXT, OUTCOME),
    Field("receiving_team", "Receiving team", Kind.LINE, OUTCOME),
)

FIELDS: dict[str, Field] = {field.name: field for field in _FIELDS}

SECTIONS: tuple[str, ...] = (QUICK, CALLER, CHILD, CONCERN, VOICE, WORK, OUTCOME)

# What deciding needs, beyond a clean record (the sign-off rules add more in issue 4).
REQUIRED_TO_DECIDE: tuple[str, ...] = (
    "received_at",
    "channel",
    "child_name",
    "concerns",
    "summary",
    "risk_rating",
    "can_wait",
    "can_wait_reason",
    "decision_type",
    "rationale",
)
