"""The guards on the event log, as migration 0005 left them (tests put them back from here).

Events are immutable. The one change allowed is the local purge blanking an event's payload
to ``PURGED_PAYLOAD``: every other column, the hash included, must stay as it was, so the
chain's links still verify and the stored hash still proves what was there.
"""

from __future__ import annotations

PURGED_PAYLOAD = '{"purged":true}'

EVENTS_REFUSE_UPDATE = (
    "CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events "
    f"WHEN NOT (NEW.payload = '{PURGED_PAYLOAD}' "
    "AND NEW.position IS OLD.position AND NEW.id IS OLD.id "
    "AND NEW.device_id IS OLD.device_id AND NEW.seq IS OLD.seq "
    "AND NEW.stream_kind IS OLD.stream_kind AND NEW.stream_id IS OLD.stream_id "
    "AND NEW.type IS OLD.type AND NEW.actor_id IS OLD.actor_id "
    "AND NEW.actor_role IS OLD.actor_role AND NEW.occurred_at IS OLD.occurred_at "
    "AND NEW.hlc IS OLD.hlc AND NEW.prev_hash IS OLD.prev_hash AND NEW.hash IS OLD.hash) "
    "BEGIN SELECT RAISE(ABORT, 'events are immutable: UPDATE refused'); END"
)
EVENTS_REFUSE_DELETE = (
    "CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events "
    "BEGIN SELECT RAISE(ABORT, 'events are immutable: DELETE refused'); END"
)
