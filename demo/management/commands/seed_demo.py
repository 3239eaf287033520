from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.services import ensure_user
from curriculum.services import import_all_fixtures
from demo.people import DEMO_PASSWORD, TEAM, participants
from evaluation import demo as evaluation_demo
from notes import demo as notes_demo
from runsheet import demo as runsheet_demo
from scheduling import demo as scheduling_demo
from trainings import demo as trainings_demo


class Command(BaseCommand):
    help = "Import the fixtures and create the demo accounts and training (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        for result in import_all_fixtures():
            counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in result.counts.items())
            self.stdout.write(f"Imported {result.kind} '{result.key}': {counts}")
        users = {}
        for _role, email, name, entity, tz, staff in TEAM:
            users[email] = ensure_user(email=email, password=DEMO_PASSWORD, full_name=name,
                                       un_entity=entity, time_zone=tz, is_staff=staff,
                                       is_superuser=staff)
        people = participants()
        training = trainings_demo.seed(users=users, participants=people, password=DEMO_PASSWORD)
        scheduling_demo.seed(training=training, actor=users["lead@demo.unct.test"])
        notes_demo.seed(training=training, rapporteur=users["rapporteur@demo.unct.test"],
                        facilitator=users["lead@demo.unct.test"])
        evaluation_demo.seed(training=training)
        self.stdout.write(f"Demo training: {training} (id {training.pk}), "
                          f"{training.start_date:%d %b %Y}, Option 2")
        delivered = trainings_demo.seed_delivered(users=users, participants=people,
                                                  today=timezone.localdate())
        scheduling_demo.seed(training=delivered, actor=users["lead@demo.unct.test"])
        runsheet_demo.seed(training=delivered, moderator=users["moderator@demo.unct.test"])
        self.stdout.write(f"Delivered demo training: {delivered} (id {delivered.pk}), "
                          f"{delivered.start_date:%d %b %Y}, in delivery, attendance taken: "
                          "complete it and issue its certificates")

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD})"))
        for role, email, *_ in TEAM:
            self.stdout.write(f"  {role:<18} {email}")
        for i, person in enumerate(people):
            role = "participant" if i < 18 else "waitlisted"
            self.stdout.write(f"  {role:<18} {person['email']}  ({person['full_name']})")
