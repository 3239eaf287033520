from documents import services


def make(training, kind, participant=None, user=None):
    document = services.request_document(user=user, training=training, kind=kind,
                                          participant=participant)
    services.render(document_id=document.pk)
    document.refresh_from_db()
    return document
