"""The referral reference sequence, and the database's own guard on signed decisions.

A decision whose ``is_final`` is true can never be updated or deleted: the trigger raises
before the row changes, whatever code path (service, admin, shell, raw SQL) tries it. A
correction is a new row that amends it.
"""

from django.db import migrations

FORWARD = """
CREATE SEQUENCE IF NOT EXISTS committee_referral_reference_seq;

CREATE OR REPLACE FUNCTION committee_decision_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.is_final THEN
        RAISE EXCEPTION 'committee decision % is final (signed) and cannot change', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER committee_decision_immutable
    BEFORE UPDATE OR DELETE ON committee_decision
    FOR EACH ROW EXECUTE FUNCTION committee_decision_immutable();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS committee_decision_immutable ON committee_decision;
DROP FUNCTION IF EXISTS committee_decision_immutable();
DROP SEQUENCE IF EXISTS committee_referral_reference_seq;
"""


class Migration(migrations.Migration):
    dependencies = [("committee", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
