"""Documents: participants get the handouts, their own pack and their own certificate; the
team gets everything (DESIGN.md section 4). The one rule, as a permission on a document
(saved, or unsaved to ask before making one): `user.has_perm("documents.have", document)`,
through `allowed()` or `kinds_for()`; the pages, the API and the list of kinds use it."""

import rules

from trainings.models import Role
from trainings.rules import can_view, holds, is_facilitator, is_rco_admin, is_staff

from .models import Document

K = Document.Kind
# What a participant may ask for (handouts; their own pack and certificate).
PARTICIPANT_KINDS = frozenset({K.HANDOUTS, K.PACK, K.CERTIFICATE})

is_team = is_staff | is_facilitator | is_rco_admin | holds(
    Role.TECH_SUPPORT, Role.MODERATOR, Role.RAPPORTEUR, Role.LIAISON)


@rules.predicate
def is_for_everyone(user, document):
    return document.kind == K.HANDOUTS


@rules.predicate
def is_own(user, document):
    """A participant's own pack or certificate."""
    participant = document.participant
    return (document.kind in PARTICIPANT_KINDS and participant is not None
            and participant.user_id is not None and participant.user_id == user.pk)


rules.add_perm("documents.view", can_view)
rules.add_perm("documents.all", is_team)
rules.add_perm("documents.have", is_team | (can_view & (is_for_everyone | is_own)))
rules.add_perm("documents.manage_certificates", is_staff | is_facilitator)


def allowed(user, training, kind, participant=None):
    """May `user` have the `kind` document of `training` (for `participant`)?"""
    return user.has_perm("documents.have",
                         Document(training=training, kind=kind, participant=participant))


def kinds_for(user, training, participant=None):
    """The (value, label) kinds `user` may ask for: all for the team; for a participant
    (`participant`: their own nomination) the handouts, their pack and their certificate."""
    return [(value, label) for value, label in K.choices
            if allowed(user, training, value, participant)]
