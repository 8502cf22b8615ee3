"""The fixed lists a custody case chooses from (PACE s.38(6), Code C, the 2017 Concordat).

Ids are stored; labels are shown. The ethnic groups are the five high-level groups of the
Census, so the monitoring figures can be given in aggregate only.
"""

from __future__ import annotations

# Steps on a case's timeline. Each of the ``ONCE`` kinds happens at most once per case (a
# correction replaces it); the others may repeat (each placement approached, each review).
STEP_KINDS: dict[str, str] = {
    "arrest": "Arrested",
    "detention_authorised": "Detention authorised",
    "charge": "Charged",
    "bail_refused": "Bail refused",
    "request_received": "Request for accommodation received",
    "response_given": "Council's response given to police",
    "aa_requested": "Appropriate adult requested",
    "aa_arrived": "Appropriate adult arrived",
    "placement_approached": "Placement approached",
    "accommodation_identified": "Accommodation identified",
    "transport_arranged": "Transport arranged",
    "review": "PACE detention review",
    "escalated": "Escalated",
    "left_custody": "Left custody",
    "note": "Note",
}

ONCE = frozenset(
    {
        "arrest",
        "detention_authorised",
        "charge",
        "bail_refused",
        "request_received",
        "response_given",
        "aa_requested",
        "aa_arrived",
        "accommodation_identified",
        "left_custody",
    }
)

# Steps that must come in this order when both are recorded (earlier, later).
ORDER: tuple[tuple[str, str], ...] = (
    ("arrest", "detention_authorised"),
    ("arrest", "charge"),
    ("detention_authorised", "charge"),
    ("charge", "bail_refused"),
    ("arrest", "left_custody"),
    ("charge", "left_custody"),
    ("request_received", "response_given"),
    ("request_received", "accommodation_identified"),
    ("request_received", "left_custody"),
    ("aa_requested", "aa_arrived"),
)

ANSWERS: dict[str, str] = {
    "accepted": "Accepted",
    "declined_full": "Declined: no vacancy",
    "declined_match": "Declined: not a match",
    "declined_pace": "Declined: does not take PACE transfers",
    "no_answer": "No answer",
    "awaiting": "Awaiting a call back",
}

REQUEST_TYPES: dict[str, str] = {"non_secure": "Non-secure", "secure": "Secure"}

COUNCIL_VIEWS: dict[str, str] = {
    "agrees": "Agrees with the grounds",
    "disputes": "Disputes the grounds",
}

AA_PROVIDERS: dict[str, str] = {
    "parent": "Parent or family",
    "council": "The council",
    "scheme": "Appropriate adult scheme",
    "other": "Other adult",
}

OUTCOMES: dict[str, str] = {
    "transferred": "Transferred to council accommodation",
    "bailed_released": "Bailed or released",
    "remained": "Remained in police custody",
}

PLACEMENT_TYPES: dict[str, str] = {
    "foster": "Foster care",
    "childrens_home": "Children's home",
    "secure_home": "Secure children's home",
    "family_friends": "Family or friends (connected person)",
    "supported": "Supported accommodation",
    "other": "Other",
}

CERTIFICATE_REASONS: dict[str, str] = {
    "impracticable": "Transfer impracticable",
    "no_secure_serious_harm": "No secure accommodation, other would not protect the public",
}

ETHNIC_GROUPS: dict[str, str] = {
    "asian": "Asian or Asian British",
    "black": "Black, Black British, Caribbean or African",
    "mixed": "Mixed or multiple ethnic groups",
    "white": "White",
    "other": "Other ethnic group",
    "not_stated": "Not stated",
}

PROVIDER_TYPES: dict[str, str] = {
    "foster": "Foster care",
    "childrens_home": "Children's home",
    "secure_home": "Secure children's home",
    "supported": "Supported accommodation",
    "emergency_bed": "Emergency bed",
    "other": "Other",
}

# Code C (Note 16D) and the Concordat: what "impracticable" does and does not mean.
CODE_C_NOTE = (
    "Code C, Note 16D: neither the young person's behaviour nor the nature of the offence "
    "makes transfer impracticable; it concerns transport and travel. The lack of secure "
    "accommodation alone does not justify keeping a child in police custody, and the council "
    "must always accept a request for non-secure accommodation."
)
