"""Demo trainings: Kenya, March 2027, Option 2, a full team, 18 seats taken, 2 waiting; and
Jordan, delivered last week and still "in delivery" (attendance taken: ready to be completed,
its certificates issued and its attendance report read)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.services import ensure_user
from curriculum.models import Curriculum

from .models import (
    CountryAdmin,
    Invitation,
    Membership,
    Nomination,
    Role,
    ScopingSurvey,
    Training,
)
from .services import team

INVITEE = "invitee@demo.unct.test"
LATE_NOMINEE = {"full_name": "Nadia Mwende", "email": "nadia.mwende@example.org",
                "un_entity": "UNHCR", "job_title": "Protection Officer", "gender": "female"}
DEMO_TITLE = "Kenya UNCT – Integrating migration into the CCA and CF (demo)"
TEAM_ROLES = {
    "lead@demo.unct.test": [Role.LEAD_FACILITATOR],
    "facilitator@demo.unct.test": [Role.FACILITATOR],
    "support@demo.unct.test": [Role.TECH_SUPPORT],
    "moderator@demo.unct.test": [Role.MODERATOR, Role.LIAISON],
    "rapporteur@demo.unct.test": [Role.RAPPORTEUR],
}


def seed(*, users, participants, password):
    curriculum = Curriculum.objects.get(slug="remote-unct-training")
    training, _ = Training.objects.update_or_create(
        title=DEMO_TITLE,
        defaults={
            "curriculum": curriculum, "country": "KE", "city": "Nairobi",
            "time_zone": "Africa/Nairobi", "start_date": datetime.date(2027, 3, 1),
            "end_date": datetime.date(2027, 3, 4),
            "schedule_option": Training.ScheduleOption.OPTION_2,
            "online_platform": Training.Platform.TEAMS,
            "meeting_link": "https://teams.example.org/l/meetup-join/demo-kenya",
            "venue": "UN Gigiri complex, Nairobi – Conference room 4", "capacity": 18,
            "status": Training.Status.CONFIRMED, "created_by": users["staff@demo.unct.test"],
        },
    )
    ScopingSurvey.objects.get_or_create(training=training, defaults={
        "connectivity": ScopingSurvey.Connectivity.MIXED,
        "connectivity_notes": "Stable fibre in the venue; participants outside Nairobi on 4G.",
        "national_events": "Public holidays around the dates: none expected in the week.",
        "cf_status": ScopingSurvey.CfStatus.IMPLEMENTATION,
        "un_network": ScopingSurvey.NetworkPresence.ACTIVE,
        "vnr_timing": "Next VNR planned for 2028",
    })
    for email, roles in TEAM_ROLES.items():
        for role in roles:
            Membership.objects.get_or_create(training=training, user=users[email], role=role)
    CountryAdmin.objects.get_or_create(user=users["rco@demo.unct.test"], country="KE")

    rco = users["rco@demo.unct.test"]
    for position, person in enumerate(participants):
        user = ensure_user(email=person["email"], password=password,
                           full_name=person["full_name"], un_entity=person["un_entity"],
                           job_title=person["job_title"], time_zone="Africa/Nairobi")
        seated = position < 18
        Nomination.objects.update_or_create(
            training=training, email=person["email"],
            defaults={
                "full_name": person["full_name"], "un_entity": person["un_entity"],
                "job_title": person["job_title"], "gender": person["gender"],
                "seniority": person["seniority"], "prior_experience": person["prior_experience"],
                "status": Nomination.Status.CONFIRMED if seated else Nomination.Status.WAITLISTED,
                "waitlist_position": None if seated else position - 17,
                "user": user if seated else None,
                "nominated_by": rco, "decided_by": users["lead@demo.unct.test"],
                "decided_at": timezone.now(), "offer_expires_at": None,
            },
        )
    _something_to_do(training, users)
    return training


def _something_to_do(training, users):
    """So that every demo person has a next step: a nomination still to decide (staff and
    facilitators) and a pending invitation (the lead resends, the invitee accepts)."""
    Nomination.objects.get_or_create(
        training=training, email=LATE_NOMINEE["email"],
        defaults={**LATE_NOMINEE, "nominated_by": users["rco@demo.unct.test"],
                  "status": Nomination.Status.NOMINATED,
                  "note": "Joined the UNHCR office last month."})
    if INVITEE in users and not Invitation.objects.filter(training=training,
                                                          email=INVITEE).exists():
        team.invite(actor=users["lead@demo.unct.test"], training=training, email=INVITEE,
                    kind=Invitation.Kind.TEAM, role=Role.FACILITATOR,
                    expires_at=timezone.now() + datetime.timedelta(days=60))


DELIVERED_TITLE = "Jordan UNCT – Integrating migration into the CCA and CF (demo, delivered)"
DELIVERED_SEATS = 10


def seed_delivered(*, users, participants, today):
    """The second demo training: Amman, four mornings that ended two days before `today`,
    in delivery; the same team, the first ten demo participants with a seat."""
    curriculum = Curriculum.objects.get(slug="remote-unct-training")
    start = today - datetime.timedelta(days=5)
    # get_or_create: seeding again later keeps its dates (its agenda and register are laid
    # on them) and whatever was done with it since (completed, certificates issued).
    training, _ = Training.objects.get_or_create(
        title=DELIVERED_TITLE,
        defaults={
            "curriculum": curriculum, "country": "JO", "city": "Amman",
            "time_zone": "Asia/Amman", "start_date": start,
            "end_date": start + datetime.timedelta(days=3),
            "schedule_option": Training.ScheduleOption.OPTION_2,
            "online_platform": Training.Platform.TEAMS,
            "meeting_link": "https://teams.example.org/l/meetup-join/demo-jordan",
            "venue": "UN House, Amman – Meeting room 2", "capacity": DELIVERED_SEATS,
            "status": Training.Status.IN_DELIVERY, "created_by": users["staff@demo.unct.test"],
        },
    )
    ScopingSurvey.objects.get_or_create(training=training)
    for email, roles in TEAM_ROLES.items():
        for role in roles:
            Membership.objects.get_or_create(training=training, user=users[email], role=role)
    for person in participants[:DELIVERED_SEATS]:
        Nomination.objects.update_or_create(
            training=training, email=person["email"],
            defaults={
                "full_name": person["full_name"], "un_entity": person["un_entity"],
                "job_title": person["job_title"], "gender": person["gender"],
                "seniority": person["seniority"], "prior_experience": person["prior_experience"],
                "status": Nomination.Status.CONFIRMED,
                "user": get_user_model().objects.get(email=person["email"].lower()),
                "decided_by": users["lead@demo.unct.test"], "decided_at": timezone.now(),
            },
        )
    return training
