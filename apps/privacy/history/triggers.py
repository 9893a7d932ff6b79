"""The PostgreSQL triggers that write the change history (``models.Change``).

Each tracked model gets one ``AFTER INSERT/UPDATE/DELETE FOR EACH ROW`` trigger, registered
with django-pgtrigger from ``HistoryConfig.ready()`` and installed by ``migrate``
(``PGTRIGGER_INSTALL_ON_MIGRATE``; ``PGTRIGGER_MIGRATIONS`` is off, so the other apps'
migrations stay theirs). The trigger compares the old and new row as JSON, keeps only the
tracked columns that changed, and reads who and through which door from the settings
``pghistory.context`` put on the transaction (``apps.core.history.history_door``).

What is tracked, and why:
- citizens, their phones and housing files: every personal column;
- tickets: only their classification (kind, channel, category, priority, urgency and the
  "Under Your Command" flag), on update; their text and workflow have their own event log;
- SLA policies and their versions, holidays, closures, shortened hours (the business
  calendar), message templates, departments, staff members (the password hash recorded as
  changed, never its value) and role memberships (``User.groups``, recorded on the user).
"""

from __future__ import annotations

from dataclasses import dataclass

import pgtrigger
from django.apps import apps

from .models import Change

# Columns never worth a history row (they change on their own) or never to be copied.
_NOISE = frozenset({"created_at", "updated_at", "last_login", "date_joined", "search_text", "search_names"})


@dataclass(frozen=True)
class Tracked:
    model: str  # "app_label.ModelName", or "app_label.ModelName.m2m_field" for a membership table
    columns: tuple[str, ...] | None = None  # None: every concrete column but the noise
    secret: tuple[str, ...] = ()
    operations: tuple[str, ...] = ("insert", "update", "delete")
    citizen: str | None = None  # the column naming the citizen ("id" for the citizen itself)
    label: str | None = None  # the label the rows are filed under (default: the model's)
    object_column: str = "id"
    confidential: str = "false"  # SQL over _old/_new


TRACKED: list[Tracked] = [
    Tracked("citizens.Citizen", citizen="id"),
    Tracked("citizens.CitizenPhone", citizen="citizen_id"),
    Tracked("citizens.HousingFile", citizen="citizen_id"),
    Tracked(
        "tickets.Ticket",
        columns=("kind", "channel", "confidential", "category_id", "priority", "urgency"),
        operations=("update",),
        citizen="citizen_id",
        confidential="COALESCE((_old ->> 'confidential')::boolean, false)"
        " OR COALESCE((_new ->> 'confidential')::boolean, false)",
    ),
    Tracked("sla.Policy"),
    Tracked("sla.PolicyVersion"),
    Tracked("sla.Holiday"),
    Tracked("sla.Closure"),
    Tracked("sla.ShortenedHours"),
    Tracked("notifications.MessageTemplate"),
    Tracked("accounts.Department"),
    Tracked("accounts.User", secret=("password",)),
    Tracked(
        "accounts.User.groups",
        columns=("group_id",),
        operations=("insert", "delete"),
        label="accounts.user",
        object_column="user_id",
    ),
]


def _model(spec: Tracked):
    parts = spec.model.split(".")
    model = apps.get_model(parts[0], parts[1])
    if len(parts) == 3:
        model = getattr(model, parts[2]).through
    return model


def tracked_columns(spec: Tracked, model) -> tuple[str, ...]:
    if spec.columns is not None:
        return spec.columns
    return tuple(
        f.column
        for f in model._meta.concrete_fields
        if f.column not in _NOISE and f.column not in spec.secret and not f.primary_key
    )


def _sql_array(values) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


def _func(spec: Tracked, model) -> str:
    label = spec.label or model._meta.label_lower
    secret_loop = ""
    if spec.secret:
        secret_loop = f"""
        FOREACH _col IN ARRAY {_sql_array(spec.secret)} LOOP
            IF COALESCE(_old -> _col, 'null') IS DISTINCT FROM COALESCE(_new -> _col, 'null') THEN
                _diff := _diff || jsonb_build_object(_col, jsonb_build_array(NULL, NULL));
            END IF;
        END LOOP;"""
    citizen = f"NULLIF(_row ->> '{spec.citizen}', '')::bigint" if spec.citizen else "NULL"
    return f"""
        _old := CASE WHEN TG_OP = 'INSERT' THEN '{{}}'::jsonb ELSE to_jsonb(OLD) END;
        _new := CASE WHEN TG_OP = 'DELETE' THEN '{{}}'::jsonb ELSE to_jsonb(NEW) END;
        _row := CASE WHEN TG_OP = 'DELETE' THEN _old ELSE _new END;
        _diff := '{{}}'::jsonb;
        FOREACH _col IN ARRAY {_sql_array(tracked_columns(spec, model))} LOOP
            -- An empty text and a missing value are the same "nothing" (a new row's blanks are no change).
            IF COALESCE(NULLIF(_old -> _col, '""'), 'null') IS DISTINCT FROM COALESCE(NULLIF(_new -> _col, '""'), 'null') THEN
                _diff := _diff || jsonb_build_object(_col, jsonb_build_array(_old -> _col, _new -> _col));
            END IF;
        END LOOP;{secret_loop}
        IF _diff = '{{}}'::jsonb THEN
            RETURN NULL;
        END IF;
        BEGIN
            _meta := NULLIF(current_setting('pghistory.context_metadata', true), '')::jsonb;
            _ctx := NULLIF(current_setting('pghistory.context_id', true), '')::uuid;
        EXCEPTION WHEN OTHERS THEN
            _meta := NULL;
            _ctx := NULL;
        END;
        INSERT INTO {Change._meta.db_table}
            (at, model, object_id, action, diff, citizen_id, actor_id, door, reason, context_id, confidential)
        VALUES (
            NOW(), '{label}', _row ->> '{spec.object_column}', lower(TG_OP), _diff, {citizen},
            NULLIF(_meta ->> 'actor', '')::bigint, COALESCE(_meta ->> 'door', ''),
            COALESCE(_meta ->> 'reason', ''), _ctx, {spec.confidential}
        );
        RETURN NULL;
    """


class ChangeTrigger(pgtrigger.Trigger):
    when = pgtrigger.After
    level = pgtrigger.Row
    declare = [
        ("_old", "jsonb"),
        ("_new", "jsonb"),
        ("_row", "jsonb"),
        ("_diff", "jsonb"),
        ("_meta", "jsonb"),
        ("_ctx", "uuid"),
        ("_col", "text"),
    ]

    def __init__(self, *, spec: Tracked, **kwargs):
        self.spec = spec
        operation = None
        for name in spec.operations:
            op = {"insert": pgtrigger.Insert, "update": pgtrigger.Update, "delete": pgtrigger.Delete}[name]
            operation = op if operation is None else operation | op
        super().__init__(name="privacy_history", operation=operation, **kwargs)

    def get_func(self, model):
        return _func(self.spec, model)


_registered = False


def register_all() -> None:
    """Register one history trigger per tracked model (from ``HistoryConfig.ready()``)."""
    global _registered
    for spec in TRACKED:
        pgtrigger.register(ChangeTrigger(spec=spec))(_model(spec))
    _registered = True


def track(spec: Tracked) -> None:
    """Track one more model (another app's ``AppConfig.ready()``, e.g. staff deputies).

    ``migrate`` installs its trigger with the others; call it from ``ready()`` so the
    trigger is registered before ``migrate`` runs.
    """
    if any(existing.model == spec.model for existing in TRACKED):
        return
    TRACKED.append(spec)
    if _registered:
        pgtrigger.register(ChangeTrigger(spec=spec))(_model(spec))


def spec_for(label: str) -> Tracked | None:
    for spec in TRACKED:
        if (spec.label or spec.model.lower()) == label:
            return spec
    return None
