"""The role matrix of DESIGN.md section 4, as predicates. One source of truth: every view,
form and API endpoint asks `user.has_perm("trainings.<action>", training)`."""

import rules

from .models import CountryAdmin, Membership, Nomination, Role, Training

STAFF = "staff"
RCO_ADMIN = "rco_admin"
PARTICIPANT = "participant"
FACILITATORS = {Role.LEAD_FACILITATOR, Role.FACILITATOR}


def _roles_cache(user):
    # Attribute access (not __dict__) so that request.user, a lazy proxy, shares the cache
    # with the user object the rules receive.
    cache = getattr(user, "_training_roles", None)
    if cache is None:
        cache = {}
        user._training_roles = cache
    return cache


def roles_by_training(user, trainings):
    """{training id: frozenset of roles} for many trainings in three queries: membership
    roles, plus staff, rco_admin and participant. The results are cached on the user for
    the request, so the rules asked about these trainings afterwards ask nothing more."""
    if not user.is_authenticated:
        return {t.pk: frozenset() for t in trainings}
    ids = [t.pk for t in trainings]
    roles = {pk: set() for pk in ids}
    for training_id, role in Membership.objects.filter(user=user, training__in=ids).values_list(
            "training_id", "role"):
        roles[training_id].add(role)
    countries = set(CountryAdmin.objects.filter(user=user).values_list("country", flat=True))
    seated = set(Nomination.objects.filter(user=user, training__in=ids,
                                           status=Nomination.Status.CONFIRMED)
                 .values_list("training_id", flat=True))
    for training in trainings:
        if user.is_staff:
            roles[training.pk].add(STAFF)
        if training.country.code in countries:
            roles[training.pk].add(RCO_ADMIN)
        if training.pk in seated:
            roles[training.pk].add(PARTICIPANT)
    found = {pk: frozenset(r) for pk, r in roles.items()}
    _roles_cache(user).update(found)
    return found


def training_roles(user, training):
    """All roles `user` holds on `training` (see `roles_by_training`), cached on the user
    object for the request."""
    if not user.is_authenticated or training is None:
        return frozenset()
    cache = _roles_cache(user)
    if training.pk not in cache:
        roles_by_training(user, [training])
    return cache[training.pk]


def forget_roles(user):
    if getattr(user, "_training_roles", None) is not None:
        del user._training_roles
    if getattr(user, "_outbox_trainings", None) is not None:
        del user._outbox_trainings


def _training_of(obj):
    return obj if isinstance(obj, Training) else getattr(obj, "training", None)


def holds(*names):
    wanted = frozenset(names)

    @rules.predicate(name=f"holds({', '.join(sorted(wanted))})")
    def predicate(user, obj):
        return bool(wanted & training_roles(user, _training_of(obj)))

    return predicate


@rules.predicate
def is_staff(user):
    return user.is_authenticated and user.is_staff


@rules.predicate
def is_open(user, obj):
    training = _training_of(obj)
    return training is not None and training.status not in (
        Training.Status.CANCELLED, Training.Status.COMPLETED)


@rules.predicate
def is_the_nominee(user, nomination):
    """Their own nomination (`Nomination.is_made_out_to`): linked to their account, or made
    out to their verified address and not yet linked."""
    return nomination is not None and nomination.is_made_out_to(user)


@rules.predicate
def is_undecided_or_seated(user, nomination):
    """Not yet declined or withdrawn: there is still something to withdraw."""
    return nomination is not None and not nomination.is_final


is_member = holds(*Role.values)
is_facilitator = holds(*FACILITATORS)
is_lead = holds(Role.LEAD_FACILITATOR)
is_rco_admin = holds(RCO_ADMIN)
is_participant = holds(PARTICIPANT)
is_in_room_team = holds(Role.MODERATOR, Role.RAPPORTEUR)

# view training, agenda, handouts: everyone with a role on it
can_view = is_staff | is_member | is_rco_admin | is_participant

rules.add_perm("trainings.create_training", is_staff)
rules.add_perm("trainings.view_training", can_view)
rules.add_perm("trainings.change_training", is_staff | is_facilitator)
rules.add_perm("trainings.cancel_training", (is_staff | is_lead) & is_open)
rules.add_perm("trainings.manage_team", (is_staff | is_lead) & is_open)
rules.add_perm("trainings.nominate", is_rco_admin & is_open)
rules.add_perm("trainings.withdraw_nomination",
               (is_rco_admin | is_the_nominee) & is_open & is_undecided_or_seated)
rules.add_perm("trainings.decide_nominations", (is_staff | is_facilitator) & is_open)

# The roster ("see participants' personal data"). `selectors.roster_for` gives each user the
# first level of ROSTER_LEVELS they hold, and the page, its CSV export and the API print
# that and nothing else:
#   full:  every nomination, every field (staff, facilitators, the country's RCO admins,
#          whose "own nominees" are every nomination in their country);
#   names: name, UN entity and status of the people in the room (moderators, rapporteurs);
#   self:  their own nomination, every field (participants);
#   none:  nothing (technical support, liaison).
can_see_personal_data = is_staff | is_facilitator | is_rco_admin
can_see_names = can_see_personal_data | is_in_room_team
rules.add_perm("trainings.view_personal_data", can_see_personal_data)
rules.add_perm("trainings.view_roster_names", can_see_names)
rules.add_perm("trainings.view_own_nomination", is_participant)
# the roster page and its export: anyone who sees some of it
rules.add_perm("trainings.view_roster", can_see_names | is_participant)
ROSTER_LEVELS = (("full", "trainings.view_personal_data"),
                 ("names", "trainings.view_roster_names"),
                 ("self", "trainings.view_own_nomination"))
rules.add_perm("trainings.edit_survey", is_staff | is_facilitator | is_rco_admin)
# Pages of the Plan tab group that are not for everyone (their views ask these, and so do
# their tabs): the team page is for staff, the team itself and the country's RCO admins;
# the scoping survey and the country profile for those who prepare the training (staff,
# facilitators, RCO admins, technical support and liaison), not for the people in the room.
rules.add_perm("trainings.view_team", is_staff | is_member | is_rco_admin)
can_plan = is_staff | is_facilitator | is_rco_admin | holds(Role.TECH_SUPPORT, Role.LIAISON)
rules.add_perm("trainings.view_survey", can_plan)
rules.add_perm("trainings.view_country_profile", can_plan)
rules.add_perm("trainings.view_audit", is_staff | is_facilitator)
# the outbox (every message of the training, its content and log; send now, cancel, resend)
rules.add_perm("trainings.view_outbox", is_staff | is_facilitator)


def outbox_training_ids(user):
    """Ids of the trainings whose outbox `user` may see as a facilitator (staff see every
    outbox without this). One query, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    # Attribute access (not __dict__) so that request.user, a lazy proxy, shares the cache
    # with the user object the rules receive.
    cached = getattr(user, "_outbox_trainings", None)
    if cached is None:
        cached = frozenset(Membership.objects.filter(user=user, role__in=FACILITATORS)
                           .values_list("training_id", flat=True))
        user._outbox_trainings = cached
    return cached


@rules.predicate
def facilitates_any(user):
    return bool(outbox_training_ids(user))


# the outbox across trainings (and the navbar link to it)
rules.add_perm("trainings.view_outbox_all", is_staff | facilitates_any)


@rules.predicate
def works_in_country(user, country):
    if not user.is_authenticated:
        return False
    return (CountryAdmin.objects.filter(user=user, country=country).exists()
            or Membership.objects.filter(user=user, training__country=country,
                                         role__in=FACILITATORS).exists())


rules.add_perm("trainings.edit_country_profile", is_staff | works_in_country)


@rules.predicate
def is_not_cancelled(user, obj):
    training = _training_of(obj)
    return training is not None and not training.is_cancelled


# Announcements (docs/announcements.md): everyone who sees the training opens the list and
# finds there what was sent to their group (participants, team); staff and facilitators see
# every announcement and write them, unless the training was cancelled.
rules.add_perm("trainings.view_announcements", can_view)
rules.add_perm("trainings.view_all_announcements", is_staff | is_facilitator)
rules.add_perm("trainings.send_announcement", (is_staff | is_facilitator) & is_not_cancelled)
