"""The demo accounts: one per role, plus the participants of the demo training."""

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed on purpose, demo only

# role, email, name, UN entity, time zone, staff
TEAM = [
    ("staff", "staff@demo.unct.test", "Sam Staff", "UN Network Secretariat", "Europe/Zurich", True),
    ("lead facilitator", "lead@demo.unct.test", "Lena Lead", "IOM", "Europe/Zurich", False),
    ("facilitator", "facilitator@demo.unct.test", "Farid Facilitator", "UNDP", "America/New_York",
     False),
    ("technical support", "support@demo.unct.test", "Tomas Tech", "IOM", "Europe/Zurich", False),
    ("moderator", "moderator@demo.unct.test", "Mercy Moderator", "RCO", "Africa/Nairobi", False),
    ("rapporteur", "rapporteur@demo.unct.test", "Ruth Rapporteur", "UNICEF", "Africa/Nairobi",
     False),
    ("RCO admin", "rco@demo.unct.test", "Rashid RCO", "RCO", "Africa/Nairobi", False),
    # invited as a second facilitator, not yet accepted: accepts from the dashboard
    ("invitee", "invitee@demo.unct.test", "Ivan Invitee", "UNHCR", "Europe/Zurich", False),
]
INVITEE = "invitee@demo.unct.test"

ENTITIES = ["IOM", "UNDP", "UNICEF", "UNHCR", "UN Women", "ILO", "WHO", "UNFPA", "RCO", "FAO"]
FIRST = ["Amina", "David", "Grace", "Peter", "Wanjiru", "Samuel", "Faith", "Joseph", "Mary",
         "Brian", "Esther", "Kevin", "Lucy", "Daniel", "Ann", "Moses", "Joyce", "Paul", "Irene",
         "Collins"]
LAST = ["Njoroge", "Otieno", "Mwangi", "Kamau", "Achieng", "Kiprop", "Wambui", "Odhiambo",
        "Chebet", "Mutua", "Nyambura", "Ouma", "Wanjala", "Kariuki", "Atieno", "Kibet", "Muthoni",
        "Omondi", "Jeptoo", "Barasa"]


def participants():
    """20 people: the first 18 get seats, the last 2 wait. The first is the demo participant."""
    people = []
    for i in range(20):
        email = "participant@demo.unct.test" if i == 0 else f"participant{i + 1:02d}@demo.unct.test"
        name = "Pat Participant" if i == 0 else f"{FIRST[i]} {LAST[i]}"
        people.append({
            "email": email, "full_name": name, "un_entity": ENTITIES[i % len(ENTITIES)],
            "gender": "female" if i % 2 == 0 else "male",
            "seniority": ["junior", "mid", "senior"][i % 3],
            "prior_experience": ["none", "some", "extensive"][i % 3],
            "job_title": "Programme Officer",
        })
    return people
