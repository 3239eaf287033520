"""The contract between the tablet and the server: the same event fixtures
(tests/js/fixtures/run-contract.json) replayed through the client's reducer
(static/js/run-state.js, run by Node) and through the server's handlers (the real sync
endpoint and snapshot) give the same state and refuse the same events. If either side
changes a rule alone, this test fails."""

import copy
import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from scheduling.models import Slot
from tests.factories import UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Nomination, Role

pytestmark = pytest.mark.django_db
JS = Path(settings.BASE_DIR) / "tests" / "js"
CONTRACT = json.loads((JS / "fixtures" / "run-contract.json").read_text())
NOT_ON_ROSTER = 99


def node(base, events):
    """The client's reducer over `events` on top of `base` (symbolic ids)."""
    executable = shutil.which("node")
    assert executable, "Node.js is needed for the contract test (make setup installs npm/node)"
    result = subprocess.run([executable, str(JS / "replay.js")],  # noqa: S603 - our own script
                            input=json.dumps({"base": base, "events": events}),
                            capture_output=True, text=True, check=True, timeout=60)
    return json.loads(result.stdout)


class Server:
    """A training whose roster and slots stand for the fixture's symbols."""

    def __init__(self, client):
        self.training = make_agenda()
        moderator = UserFactory()
        Membership.objects.create(training=self.training, user=moderator, role=Role.MODERATOR)
        client.force_login(moderator)
        self.client = client
        self.people = {}
        for symbol in CONTRACT["roster"]:
            self.people[symbol] = Nomination.objects.create(
                training=self.training, full_name=f"P{symbol}", email=f"p{symbol}@example.org",
                un_entity="IOM", status=Nomination.Status.CONFIRMED).pk
        self.people[NOT_ON_ROSTER] = Nomination.objects.create(
            training=self.training, full_name="Declined", email="d@example.org",
            un_entity="IOM", status=Nomination.Status.WITHDRAWN).pk
        offline = Slot.objects.filter(training=self.training, kind="offline").order_by("start")
        self.slots = {symbol: str(slot.uid) for symbol, slot in zip(CONTRACT["slots"], offline,
                                                                    strict=False)}
        self.slots["S9"] = str(uuid.uuid4())
        self.symbol_of_person = {pk: symbol for symbol, pk in self.people.items()}
        self.symbol_of_slot = {uid: symbol for symbol, uid in self.slots.items()}

    def person(self, value):
        return self.people.get(value, value) if isinstance(value, int) else value

    def real(self, event):
        event = copy.deepcopy(event)
        p = event["payload"]
        if isinstance(p.get("slot"), str):
            p["slot"] = self.slots.get(p["slot"], p["slot"])
        for key in ("participant", "asked_by"):
            if key in p:
                p[key] = self.person(p[key])
        if isinstance(p.get("participants"), list):
            p["participants"] = [self.person(v) for v in p["participants"]]
        for group in p.get("groups") if isinstance(p.get("groups"), list) else []:
            if isinstance(group.get("members"), list):
                group["members"] = [self.person(v) for v in group["members"]]
            for role in ("chair", "rapporteur"):
                if role in group:
                    group[role] = self.person(group[role])
        return event

    def send(self, events, one_by_one):
        refused = set()
        batches = [[e] for e in events] if one_by_one else [events]
        for batch in batches:
            response = self.client.post(
                f"/api/v1/trainings/{self.training.pk}/sync",
                data=json.dumps({"events": [self.real(e) for e in batch]}),
                content_type="application/json")
            assert response.status_code == 200, response.content
            body = response.json()
            assert body["retry"] == {}
            refused |= set(body["errors"])
        return refused

    def snapshot(self):
        """The server's snapshot (GET …/runsheet), in the fixture's symbols."""
        data = self.client.get(f"/api/v1/trainings/{self.training.pk}/runsheet").json()
        mine = set(self.slots.values())
        data["slots"] = [{**s, "uid": self.symbol_of_slot[s["uid"]]}
                         for s in data["slots"] if s["uid"] in mine]
        people = lambda value: self.symbol_of_person.get(value, value)  # noqa: E731
        data["roster"] = [{**p, "id": people(p["id"])} for p in data["roster"]]
        data["attendance"] = {self.symbol_of_slot[slot]: {str(people(int(k))): v
                                                          for k, v in marks.items()}
                              for slot, marks in data["attendance"].items()}
        data["groups"] = {self.symbol_of_slot[slot]: [
            {**g, "members": [people(m) for m in g["members"]], "chair": people(g["chair"]),
             "rapporteur": people(g["rapporteur"])} for g in groups]
            for slot, groups in data["groups"].items()}
        return data


@pytest.mark.parametrize("one_by_one", [False, True], ids=["one batch", "one request each"])
@pytest.mark.parametrize("case", CONTRACT["cases"], ids=lambda c: c["name"][:60])
def test_client_and_server_agree_on_every_fixture(client, case, one_by_one):
    server = Server(client)
    server.send(case["before"], one_by_one)
    base = server.snapshot()   # what the tablet downloads before going offline
    refused_by_server = server.send(case["events"], one_by_one)
    on_server = node(server.snapshot(), [])["summary"]
    on_device = node(base, case["events"])

    assert on_server == on_device["summary"], "the client and the server disagree"
    assert refused_by_server == set(on_device["refused"]), "they refuse different events"
    assert on_server == case["expected"]
    assert refused_by_server == set(case["refused"])
