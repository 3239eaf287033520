from notifications.kinds import Kind, register


@register
class CertificateIssued(Kind):
    """A certificate of participation, sent to its holder with the PDF attached: queued by
    `documents.services.email_certificate` once the PDF exists, once per certificate (the
    key). Not sent if the certificate was revoked meanwhile."""

    name = "certificate_issued"
    label = "Certificate of participation"
    template = "documents/email/certificate_issued"

    def unwanted(self, message):
        from documents.models import Certificate

        certificate = Certificate.objects.filter(pk=message.context.get("certificate")).first()
        if certificate is None:
            return "certificate deleted"
        return "certificate revoked" if certificate.revoked_at else None
