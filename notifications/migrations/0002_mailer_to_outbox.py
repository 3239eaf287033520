"""Emails of the retired `mailer` app become outbox messages (kind "legacy"); its table goes.

The mailer app is no longer installed, so its rows are read with SQL where the table exists
(databases created before the outbox); on a new database there is nothing to do.
"""

from django.db import migrations

STATES = {"queued": "scheduled", "sending": "scheduled", "sent": "sent", "failed": "failed"}


def mailer_to_outbox(apps, schema_editor):
    connection = schema_editor.connection
    if "mailer_outgoingemail" not in connection.introspection.table_names():
        return
    Message = apps.get_model("notifications", "Message")
    MessageLog = apps.get_model("notifications", "MessageLog")
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, \"to\", recipient_id, subject, body, attachments, state, "
                       "attempts, last_error, created_at, sent_at FROM mailer_outgoingemail")
        rows = cursor.fetchall()
    for (key, to, recipient_id, subject, body, attachments, state, attempts, last_error,
         created_at, sent_at) in rows:
        if key.startswith("reminder:"):
            continue  # the reminder's own row (copied by scheduling 0003) is the message
        if isinstance(attachments, str):
            import json

            attachments = json.loads(attachments or "[]")
        message, created = Message.objects.get_or_create(key=key, defaults={
            "kind": "legacy", "recipient_id": recipient_id, "address": to,
            "send_at": created_at, "state": STATES.get(state, "failed"),
            "attempts": attempts, "last_error": last_error, "subject": subject,
            "text": body, "attachments": attachments or [], "sent_at": sent_at})
        if created:
            MessageLog.objects.create(message=message, after=message.state,
                                      why="copied from the mail queue before the outbox")
    schema_editor.execute("DROP TABLE mailer_outgoingemail")


class Migration(migrations.Migration):

    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(mailer_to_outbox, migrations.RunPython.noop)]
