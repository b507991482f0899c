"""ADR 0016: pending audit entries are linked into the chain by a PostgreSQL function, one statement per pass.

`tongban_audit_chain(batch, wait)` takes the chaining pass's advisory lock for its transaction (waiting for it
with `wait`, else returning -1 when another pass holds it), locks the head row, links up to `batch` pending rows
in id order — hash = sha256('v2:' || prev_hash || ':' || seq || ':' || ref || ':' || content hash), as
core.audit.link_hash computes it — deletes them from the pending table, moves the head and returns how many.
"""

from django.db import migrations, models

CHAIN_FUNCTION = r"""
CREATE OR REPLACE FUNCTION tongban_audit_chain(batch integer, wait boolean) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    tip_seq bigint;
    tip_hash varchar(64);
    before varchar(64);
    pending record;
    linked bigint[] := '{}';
BEGIN
    IF wait THEN
        PERFORM pg_advisory_xact_lock(1950499157);  -- 0x74424155, "tBAU": one chaining pass at a time
    ELSIF NOT pg_try_advisory_xact_lock(1950499157) THEN
        RETURN -1;
    END IF;
    SELECT seq, hash INTO tip_seq, tip_hash FROM core_audithead WHERE id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO core_audithead (id, seq, hash) VALUES (1, 0, repeat('0', 64)) ON CONFLICT (id) DO NOTHING;
        SELECT seq, hash INTO tip_seq, tip_hash FROM core_audithead WHERE id = 1 FOR UPDATE;
    END IF;
    FOR pending IN SELECT * FROM core_auditpending ORDER BY id LIMIT batch LOOP
        tip_seq := tip_seq + 1;
        before := tip_hash;
        tip_hash := encode(sha256(convert_to(
            'v2:' || before || ':' || tip_seq || ':' || pending.id || ':' || pending.hash, 'UTF8')), 'hex');
        INSERT INTO core_auditentry (seq, at, actor, action, object_type, object_id, subject_hash, data, prev_hash,
                                     hash, ref, content_hash)
        VALUES (tip_seq, pending.at, pending.actor, pending.action, pending.object_type, pending.object_id,
                pending.subject_hash, pending.data, before, tip_hash, pending.id, pending.hash);
        linked := linked || pending.id;
    END LOOP;
    IF cardinality(linked) > 0 THEN
        DELETE FROM core_auditpending WHERE id = ANY(linked);
        UPDATE core_audithead SET seq = tip_seq, hash = tip_hash WHERE id = 1;
    END IF;
    RETURN cardinality(linked);
END
$$;
"""


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CHAIN_FUNCTION)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS tongban_audit_chain(integer, boolean)")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_indexes_without_like")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="content_hash",
            field=models.CharField(blank=True, db_default="", max_length=64),
        ),
        migrations.RunPython(create_function, drop_function),
    ]
