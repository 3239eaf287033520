"""A room for the check-in tests: a training with its agenda, its moderator, `n` confirmed
participants with accounts (p0@example.org ...) and the first offline slot."""

from tests.factories import UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Nomination, Role


def seated_room(n):
    training = make_agenda()
    moderator = UserFactory()
    Membership.objects.create(training=training, user=moderator, role=Role.MODERATOR)
    people = [Nomination.objects.create(training=training, full_name=f"P{i}",
                                        email=f"p{i}@example.org", un_entity="IOM",
                                        status=Nomination.Status.CONFIRMED,
                                        user=UserFactory(email=f"p{i}@example.org"))
              for i in range(n)]
    slot = training.slots.filter(kind="offline").order_by("start").first()
    return training, moderator, people, slot
