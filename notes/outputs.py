"""The shape of each activity's group output form, from the output its guide text names
(Annex II). Fields: (key, label, type) with type text, textarea or gcm_objective; `repeat`
repeats a block (e.g. five objectives)."""

SHAPES = {
    1: {"intro": "Priority actions for the implementation of the GCM in the country, under "
                 "five GCM objectives and in line with the guiding principles.",
        "repeat": 5, "block": "Objective",
        "fields": [("objective", "GCM objective", "gcm_objective"),
                   ("actions", "Priority actions in the country", "textarea")]},
    2: {"intro": "How the movement of people affects the SDGs, and how the SDGs affect the "
                 "movement of people, in the country.",
        "fields": [("sdgs", "SDGs discussed", "text"),
                   ("movement_affects_sdgs", "How the movement of people affects these SDGs",
                    "textarea"),
                   ("sdgs_affect_movement", "How these SDGs affect the movement of people",
                    "textarea")]},
    4: {"intro": "Priority partners and how to engage them.",
        "repeat": 6, "block": "Partner",
        "fields": [("partner", "Partner (organisation, body, institution)", "text"),
                   ("engagement", "How to engage them", "textarea")]},
    5: {"intro": "Migration situational analysis: data available, gaps and priority issues.",
        "fields": [("data_sources", "Data sources available", "textarea"),
                   ("gaps", "Gaps and limitations", "textarea"),
                   ("priorities", "Priority migration issues for the CCA", "textarea")]},
    6: {"intro": "How migration can be integrated into the Cooperation Framework.",
        "fields": [("entry_points", "Entry points in the CF (outcomes, outputs)", "textarea"),
                   ("indicators", "Indicators and data", "textarea"),
                   ("partners", "Partners", "textarea")]},
    8: {"intro": "Key elements of a concept note for the Migration MPTF or the SDG Fund.",
        "fields": [("problem", "Problem (problem tree)", "textarea"),
                   ("objective", "Objective", "textarea"),
                   ("outcomes", "Outcomes", "textarea"),
                   ("interventions", "Priority interventions", "textarea"),
                   ("partners", "Partners", "textarea"),
                   ("gcm_objectives", "GCM objectives addressed", "text")]},
}
GENERIC = {"intro": "", "fields": [("output", "Output", "textarea")]}
MAX_FIELD = 5000


def shape_for(part):
    return SHAPES.get(part.activity.number, GENERIC)


def fields_of(shape):
    """Flat list of (name, label, type) for the form, blocks numbered."""
    if shape.get("repeat"):
        return [(f"{key}_{i}", f"{shape['block']} {i}: {label}", kind)
                for i in range(1, shape["repeat"] + 1) for key, label, kind in shape["fields"]]
    return list(shape["fields"])


def output_fields(shape, data, errors):
    """The form's fields: (name, label, type, value from `data`, errors of the field)."""
    return [(name, label, kind, data.get(name, ""), errors.get(name, []))
            for name, label, kind in fields_of(shape)]
