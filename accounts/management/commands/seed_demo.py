from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.services import ensure_user
from curriculum.services import import_all_fixtures

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed on purpose, demo only

# One account per role of DESIGN.md section 4. Memberships come with the trainings.
DEMO_USERS = [
    ("staff", "staff@demo.unct.test", "Sam Staff", "UN Network Secretariat", "Europe/Zurich", True),
    ("lead facilitator", "lead@demo.unct.test", "Lena Lead", "IOM", "Europe/Zurich", False),
    ("facilitator", "facilitator@demo.unct.test", "Farid Facilitator", "UNDP", "America/New_York", False),
    ("technical support", "support@demo.unct.test", "Tomas Tech", "IOM", "Europe/Zurich", False),
    ("moderator", "moderator@demo.unct.test", "Mercy Moderator", "RCO", "Africa/Nairobi", False),
    ("rapporteur", "rapporteur@demo.unct.test", "Ruth Rapporteur", "UNICEF", "Africa/Nairobi", False),
    ("RCO admin", "rco@demo.unct.test", "Rashid RCO", "RCO", "Africa/Nairobi", False),
    ("participant", "participant@demo.unct.test", "Pat Participant", "UNHCR", "Africa/Nairobi", False),
]


class Command(BaseCommand):
    help = "Import the fixtures and create demo accounts (idempotent). Prints the logins."

    @transaction.atomic
    def handle(self, *args, **options):
        for result in import_all_fixtures():
            counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in result.counts.items())
            self.stdout.write(f"Imported {result.kind} '{result.key}': {counts}")
        for _role, email, name, entity, tz, staff in DEMO_USERS:
            ensure_user(email=email, password=DEMO_PASSWORD, full_name=name, un_entity=entity,
                        time_zone=tz, is_staff=staff, is_superuser=staff)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD})"))
        for role, email, *_ in DEMO_USERS:
            self.stdout.write(f"  {role:<18} {email}")
