"""With REDIS_URL set (as in CI), a real Celery worker renders a participant pack; asking
again with unchanged inputs returns the same file without rendering."""

import pytest

from documents import services
from documents.models import Document
from tests.celery_worker import wait_for
from tests.factories import UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import Nomination

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_real_worker_renders_a_pack_once(worker):
    from config.celery import app
    from documents.tasks import render_document

    training = make_agenda()
    user = UserFactory(full_name="Grace Mwangi")
    person = Nomination.objects.create(training=training, full_name="Grace Mwangi",
                                       email=user.email, un_entity="UNDP", status="confirmed",
                                       user=user)
    app.conf.task_always_eager = False
    try:
        document = services.request_document(user=None, training=training, kind="pack",
                                              participant=person)
        render_document.apply_async(args=[document.pk], queue=worker["queue"])
        render_document.apply_async(args=[document.pk], queue=worker["queue"])  # a duplicate
        assert wait_for(lambda: Document.objects.get(pk=document.pk).state == "ready", 90), \
            Document.objects.get(pk=document.pk).error
    finally:
        app.conf.task_always_eager = True
    document.refresh_from_db()
    first_file, first_size = document.file.name, document.size
    assert first_size > 0 and document.pages > 10
    again = services.request_document(user=None, training=training, kind="pack",
                                      participant=person)
    assert again.pk == document.pk and again.file.name == first_file
    assert Document.objects.filter(kind="pack").count() == 1
