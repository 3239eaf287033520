"""Reads for announcements (docs/announcements.md): who an audience is, and what a viewer
finds on the training's Announcements page."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q

from .models import Announcement, AnnouncementRecipient, CountryAdmin, Membership, Nomination

Audience = Announcement.Audience
Group = AnnouncementRecipient.Group


@dataclass(frozen=True)
class Recipient:
    group: str
    user: object
    name: str
    email: str


def _participants(training):
    """Confirmed seats (the people in the room), by their account's address when linked."""
    rows = (Nomination.objects.filter(training=training, status=Nomination.Status.CONFIRMED)
            .select_related("user").order_by("full_name", "pk"))
    for nomination in rows:
        user = nomination.user if nomination.user and nomination.user.is_active else None
        yield Recipient(Group.PARTICIPANT, user, nomination.full_name,
                        user.email if user else nomination.email)


def _team(training):
    """Every member of the team (each role) and the country's RCO admins."""
    members = (Membership.objects.filter(training=training, user__is_active=True)
               .select_related("user").order_by("user__full_name", "pk"))
    admins = (CountryAdmin.objects.filter(country=training.country, user__is_active=True)
              .select_related("user").order_by("user__full_name", "pk"))
    for row in [*members, *admins]:
        yield Recipient(Group.TEAM, row.user, row.user.full_name or row.user.email,
                        row.user.email)


def recipients(training, audience):
    """The people an announcement to `audience` goes to now, each address once (someone both
    in the team and seated, or with two roles, gets one email): participants first."""
    found = []
    if audience in (Audience.PARTICIPANTS, Audience.BOTH):
        found += _participants(training)
    if audience in (Audience.TEAM, Audience.BOTH):
        found += _team(training)
    seen, unique = set(), []
    for recipient in found:
        address = recipient.email.strip().lower()
        if address and address not in seen:
            seen.add(address)
            unique.append(recipient)
    return unique


def audience_counts(training):
    """{audience: number of people} for the form's choices."""
    participants = {r.email.lower() for r in _participants(training)}
    team = {r.email.lower() for r in _team(training)}
    return {Audience.PARTICIPANTS: len(participants), Audience.TEAM: len(team),
            Audience.BOTH: len(participants | team)}


def groups_of(user, training):
    """(seated participant, in the team) for `user` on `training`, asked of the rules (the
    team: a role on the training or the country's RCO admin, as on the team page)."""
    return (user.has_perm("trainings.view_own_nomination", training),
            user.has_perm("trainings.view_team", training))


def announcements_for(user, training):
    """The announcements `user` sees on `training`, newest first: all of them for staff and
    facilitators; otherwise those sent to a group the user is in now (participants: to
    participants; team and RCO admins: to the team). Each with its author and recipients,
    in three queries whatever the number of announcements and recipients."""
    rows = (Announcement.objects.filter(training=training).select_related("author")
            .prefetch_related(Prefetch("recipients",
                                       queryset=AnnouncementRecipient.objects.order_by(
                                           "group", "name", "pk"))))
    if user.has_perm("trainings.view_all_announcements", training):
        return list(rows)
    is_participant, in_team = groups_of(user, training)
    wanted = Q(pk__in=[])
    if is_participant:
        wanted |= Q(audience__in=[Audience.PARTICIPANTS, Audience.BOTH])
    if in_team:
        wanted |= Q(audience__in=[Audience.TEAM, Audience.BOTH])
    return list(rows.filter(wanted))
