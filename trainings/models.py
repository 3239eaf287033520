"""A training: one delivery of a curriculum for one UN Country Team, with its team,
the RCO admins of its country, nominations, invitations, scoping survey and audit log."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField

from curriculum.models import Curriculum

NOMINATION_DEADLINE_DAYS = 21


class Training(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PLANNING = "planning", "Planning"
        NOMINATIONS_OPEN = "nominations_open", "Nominations open"
        CONFIRMED = "confirmed", "Confirmed"
        IN_DELIVERY = "in_delivery", "In delivery"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    class ScheduleOption(models.TextChoices):
        OPTION_1 = "option-1", "Option 1: two full days (online mornings, offline afternoons)"
        OPTION_2 = "option-2", "Option 2: four mornings"
        FLEXIBLE = "flexible", "Flexible"

    class Platform(models.TextChoices):
        TEAMS = "teams", "Microsoft Teams"
        WEBEX = "webex", "Cisco Webex"
        ZOOM = "zoom", "Zoom"
        OTHER = "other", "Other"

    curriculum = models.ForeignKey(Curriculum, on_delete=models.PROTECT, related_name="trainings")
    title = models.CharField(max_length=200)
    country = CountryField()
    city = models.CharField(max_length=100)
    time_zone = models.CharField(max_length=64, help_text="IANA time zone of the room.")
    start_date = models.DateField()
    end_date = models.DateField()
    schedule_option = models.CharField(
        max_length=10, choices=ScheduleOption.choices, default=ScheduleOption.OPTION_2
    )
    online_platform = models.CharField(max_length=10, choices=Platform.choices,
                                       default=Platform.TEAMS)
    meeting_link = models.URLField(blank=True)
    venue = models.CharField(max_length=300, blank=True, help_text="Room for the offline elements.")
    capacity = models.PositiveSmallIntegerField(
        default=18, help_text="Seats for participants (the guide suggests 15-18)."
    )
    offer_hours = models.PositiveSmallIntegerField(
        default=48, help_text="How long a waiting-list offer stays open."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    completed_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When it was last marked completed (the thank-you goes no earlier).")
    cancel_reason = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start_date", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                   name="training_end_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="training_capacity_positive"),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="training_cancel_needs_reason",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("trainings:detail", args=[self.pk])

    @property
    def nomination_deadline(self):
        return self.start_date - datetime.timedelta(days=NOMINATION_DEADLINE_DAYS)

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def days_to_nomination_deadline(self):
        return (self.nomination_deadline - timezone.localdate()).days


class Role(models.TextChoices):
    LEAD_FACILITATOR = "lead_facilitator", "Lead facilitator"
    FACILITATOR = "facilitator", "Facilitator"
    TECH_SUPPORT = "tech_support", "Technical support focal point"
    MODERATOR = "moderator", "Moderator"
    RAPPORTEUR = "rapporteur", "Rapporteur"
    LIAISON = "liaison", "Liaison focal point"


ROLE_LIMITS = {Role.MODERATOR: 2, Role.RAPPORTEUR: 2}


class Membership(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["training", "role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["training", "user", "role"], name="membership_unique")
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} ({self.training})"


class CountryAdmin(models.Model):
    """An RCO admin: acts on every training in the country."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="country_admin_roles")
    country = CountryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "country"], name="country_admin_unique")
        ]

    def __str__(self):
        return f"{self.user} – RCO admin, {self.country.name}"


class NominationQuerySet(models.QuerySet):
    def holding_seats(self, now=None):
        """The nominations that count against the capacity at `now`: approved and confirmed
        people, and waitlisted people whose offer is still open. The one definition of a
        seat (`Nomination.holds_seat` is the same rule for one row already loaded)."""
        now = now or timezone.now()
        return self.filter(Q(status__in=Nomination.SEAT_STATES)
                           | Q(status=Nomination.Status.WAITLISTED, offer_expires_at__gt=now))

    def seated(self):
        """Approved and confirmed people: those in the room (open offers excluded)."""
        return self.filter(status__in=Nomination.SEAT_STATES)

    def made_out_to(self, user):
        """The nominations that are `user`'s own: linked to their account, or made out to
        their address before an account was linked (the login is a verified address).
        `Nomination.is_made_out_to` is the same rule for one row already loaded."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(user=user) | Q(user__isnull=True, email__iexact=user.email))


class Nomination(models.Model):
    class Status(models.TextChoices):
        NOMINATED = "nominated", "Nominated"
        APPROVED = "approved", "Approved"
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "Waitlisted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Gender(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other / non-binary"
        UNDISCLOSED = "undisclosed", "Prefer not to say"

    class Seniority(models.TextChoices):
        JUNIOR = "junior", "Junior (e.g. P1-P2, NO-A/B, G)"
        MID = "mid", "Mid-level (e.g. P3-P4, NO-C)"
        SENIOR = "senior", "Senior (e.g. P5 and above, NO-D, D)"

    class Experience(models.TextChoices):
        NONE = "none", "None"
        SOME = "some", "Some"
        EXTENSIVE = "extensive", "Extensive"

    # States that hold a seat. A waitlisted person with an open offer holds one too
    # (`Nomination.objects.holding_seats(now)`).
    SEAT_STATES = (Status.APPROVED, Status.CONFIRMED)
    # States no decision or withdrawal changes any more.
    FINAL_STATES = (Status.DECLINED, Status.WITHDRAWN)
    # What the person nominating gives (the form, the CSV import and the audit log use it).
    NOMINEE_FIELDS = ("full_name", "email", "un_entity", "job_title", "gender", "seniority",
                      "prior_experience", "note")

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="nominations")
    full_name = models.CharField(max_length=200)
    email = models.EmailField()
    un_entity = models.CharField("UN entity", max_length=100)
    job_title = models.CharField(max_length=200, blank=True)
    gender = models.CharField(max_length=12, choices=Gender.choices, default=Gender.UNDISCLOSED)
    seniority = models.CharField(max_length=10, choices=Seniority.choices, blank=True)
    prior_experience = models.CharField("prior migration experience", max_length=10,
                                        choices=Experience.choices, blank=True)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOMINATED)
    late = models.BooleanField(default=False, help_text="Nominated after the deadline.")
    waitlist_position = models.PositiveIntegerField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="nominations_made")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="nominations")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        ordering = ["training", "full_name"]
        constraints = [
            models.UniqueConstraint(fields=["training", "email"], name="nomination_unique_email"),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_reason=""),
                name="nomination_decline_needs_reason",
            ),
        ]
        indexes = [models.Index(fields=["training", "status"])]

    def __str__(self):
        return f"{self.full_name} ({self.get_status_display()})"

    def offer_open_at(self, now=None):
        return (self.status == self.Status.WAITLISTED and self.offer_expires_at is not None
                and self.offer_expires_at > (now or timezone.now()))

    @property
    def has_open_offer(self):
        return self.offer_open_at()

    def is_made_out_to(self, user):
        """`NominationQuerySet.made_out_to` for this row."""
        if not user.is_authenticated:
            return False
        if self.user_id is not None:
            return self.user_id == user.pk
        return bool(self.email) and self.email.lower() == (user.email or "").lower()

    def holds_seat(self, now=None):
        """`NominationQuerySet.holding_seats` for this row."""
        return self.status in self.SEAT_STATES or self.offer_open_at(now)

    @property
    def is_final(self):
        return self.status in self.FINAL_STATES


class Invitation(models.Model):
    """A single-use, role-bound link sent by email; expires after 7 days (offers: 48 h)."""

    class Kind(models.TextChoices):
        TEAM = "team", "Team role"
        RCO_ADMIN = "rco_admin", "RCO admin"
        PARTICIPANT = "participant", "Participant seat"

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    nomination = models.ForeignKey(Nomination, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="invitations")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(
        "personal message", blank=True,
        help_text="Markdown, HTML removed on save; shown in the email and on the invitation page.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.email} ({self.role_label})"

    @property
    def role_label(self):
        if self.kind == self.Kind.TEAM:
            return Role(self.role).label
        return self.get_kind_display()

    @property
    def state(self):
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def is_usable(self):
        return self.state == "pending"

    def is_for(self, user):
        """Only the person it was sent to may accept it: the signed-in account's address
        (verified: signing in requires it) is the invitation's."""
        return (user.is_authenticated and bool(user.email)
                and user.email.lower() == self.email.lower())


class ScopingSurvey(models.Model):
    """The guide's scoping survey (section 5.1.1), one per training."""

    class Connectivity(models.TextChoices):
        GOOD = "good", "Good: stable for video for all participants"
        MIXED = "mixed", "Mixed: stable in the venue, weak elsewhere"
        POOR = "poor", "Poor: frequent drops, audio only"
        UNKNOWN = "unknown", "Not yet known"

    class CfStatus(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        ROADMAP = "roadmap", "Roadmap / CCA under way"
        DESIGN = "design", "CF in design"
        IMPLEMENTATION = "implementation", "CF being implemented"
        EVALUATION = "evaluation", "CF under evaluation / ending"
        UNKNOWN = "unknown", "Not yet known"

    class NetworkPresence(models.TextChoices):
        ACTIVE = "active", "Active national UN Network on Migration"
        FORMING = "forming", "Being set up"
        NONE = "none", "None"
        UNKNOWN = "unknown", "Not yet known"

    training = models.OneToOneField(Training, on_delete=models.CASCADE, related_name="survey")
    connectivity = models.CharField(max_length=10, choices=Connectivity.choices,
                                    default=Connectivity.UNKNOWN)
    connectivity_notes = models.TextField(blank=True)
    scheduling_constraints = models.TextField(blank=True)
    national_events = models.TextField(
        blank=True, help_text="National events and holidays around the training dates.")
    blocked_dates = models.JSONField(
        default=list, blank=True, help_text="[{'date': 'YYYY-MM-DD', 'label': '...'}]")
    proposed_participation = models.TextField(blank=True)
    cf_status = models.CharField("CF/UNDAF status", max_length=16, choices=CfStatus.choices,
                                 default=CfStatus.UNKNOWN)
    cf_notes = models.TextField("CF/UNDAF notes", blank=True)
    ndp_status = models.TextField("national development plan status", blank=True)
    un_network = models.CharField("national UN Network on Migration", max_length=10,
                                  choices=NetworkPresence.choices, default=NetworkPresence.UNKNOWN)
    vnr_timing = models.CharField("VNR timing", max_length=200, blank=True)
    it_support = models.TextField("in-country IT support", blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    def __str__(self):
        return f"Scoping survey – {self.training}"


class CountryProfile(models.Model):
    """Migration context of a country, shared by every training there (sanitised HTML)."""

    country = CountryField(unique=True)
    migration_dynamics = models.TextField(blank=True)
    trends = models.TextField(blank=True)
    priorities = models.TextField(blank=True)
    un_engagement = models.TextField("UN engagement", blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    def __str__(self):
        return f"Country profile – {self.country.name}"


class AuditEntry(models.Model):
    """Who changed what on a training, its team or its nominations, before and after."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    object_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)  # {field: [before, after]}
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class Announcement(models.Model):
    """A message the facilitators wrote to the participants, the team, or both: one email per
    recipient through the outbox, listed on the training for its audience
    (docs/announcements.md). `key` comes from the form, so a double submit sends once."""

    class Audience(models.TextChoices):
        PARTICIPANTS = "participants", "Participants"
        TEAM = "team", "Team"
        BOTH = "both", "Participants and team"

    training = models.ForeignKey(Training, on_delete=models.CASCADE,
                                 related_name="announcements")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    audience = models.CharField(max_length=12, choices=Audience.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown, HTML removed on save (rendered with nh3).")
    key = models.UUIDField(help_text="The form's idempotency key: one announcement per key.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["training", "key"], name="announcement_unique_key"),
        ]

    def __str__(self):
        return self.subject

    @property
    def to_participants(self):
        return self.audience in (self.Audience.PARTICIPANTS, self.Audience.BOTH)

    @property
    def to_team(self):
        return self.audience in (self.Audience.TEAM, self.Audience.BOTH)


class AnnouncementRecipient(models.Model):
    """Who an announcement went to, as they were when it was sent."""

    class Group(models.TextChoices):
        PARTICIPANT = "participant", "Participant"
        TEAM = "team", "Team"

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE,
                                     related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    group = models.CharField(max_length=12, choices=Group.choices)

    class Meta:
        ordering = ["group", "name"]
        constraints = [
            models.UniqueConstraint(fields=["announcement", "email"],
                                    name="announcement_recipient_unique"),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"
