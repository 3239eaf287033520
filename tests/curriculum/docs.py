"""Small curriculum documents built in code, for importer and query-count tests."""

import copy


def minimal_reference():
    return {
        "kind": "reference",
        "source": {"file": "test.txt", "section": "1"},
        "gcm_objectives": [{"number": 1, "title": "Collect data"},
                           {"number": 2, "title": "Minimize drivers"}],
        "guiding_principles": [{"number": 1, "title": "People-centred", "summary": "People first."}],
        "thematic_areas": [{"number": 1, "title": "Data", "objectives": [1, 2]}],
        "sdgs": [{"number": 10, "title": "Reduced inequalities",
                  "migration_targets": [{"code": "10.7", "text": "Orderly migration"}]}],
    }


def synthetic_curriculum(*, modules=2, sessions_per_module=2, slug="synthetic"):
    """A valid curriculum with the given size: one activity (two parts) per session."""
    doc = {
        "kind": "curriculum", "slug": slug, "title": f"Synthetic {slug}",
        "source": {"file": "test.txt", "section": "1"},
        "modules": [], "activities": [], "handouts": [],
    }
    session_number = 0
    for m in range(1, modules + 1):
        module = {"number": m, "title": f"Module {m}", "sessions": [], "elements": [
            {"phase": "online", "items": []}, {"phase": "offline", "items": []}]}
        doc["modules"].append(module)
        for _ in range(sessions_per_module):
            session_number += 1
            key = str(session_number)
            module["sessions"].append({
                "key": key, "kind": "numbered", "number": session_number,
                "title": f"Session {key}", "modality": "blended",
                "learning_objectives": [{"phase": "online", "text": "Understand"}],
                "expected_outputs": [{"phase": "offline", "text": "A list"}],
            })
            module["elements"][0]["items"].append(
                {"title": f"Session {key} online", "minutes": 30, "session": key,
                 "activity_parts": [f"{session_number}/1"]})
            module["elements"][1]["items"].append(
                {"title": f"Session {key} offline", "minutes": 45, "session": key,
                 "activity_parts": [f"{session_number}/2"]})
            doc["activities"].append({
                "number": session_number, "title": f"Activity {key}", "session": key,
                "parts": [
                    {"key": "1", "label": "Part 1", "minutes": 15, "phase": "online", "module": m,
                     "guiding_questions": ["Why?"]},
                    {"key": "2", "label": "Part 2", "minutes": 30, "phase": "offline", "module": m},
                ],
            })
            doc["handouts"].append({"number": f"{key}.1", "title": f"Handout {key}",
                                    "activity": session_number, "session": key})
    return doc


def clone(doc):
    return copy.deepcopy(doc)
