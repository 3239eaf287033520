from django.db import transaction

from . import audit

SURVEY_FIELDS = ["connectivity", "connectivity_notes", "scheduling_constraints",
                 "national_events", "blocked_dates", "proposed_participation", "cf_status",
                 "cf_notes", "ndp_status", "un_network", "vnr_timing", "it_support"]


@transaction.atomic
def save_survey(*, actor, survey, form):
    before = audit.snapshot(survey, SURVEY_FIELDS)
    survey = form.save(commit=False)
    survey.blocked_dates = form.cleaned_data["blocked_dates_text"]
    survey.updated_by = actor
    survey.save()
    changes = audit.diff(before, audit.snapshot(survey, SURVEY_FIELDS))
    if changes:
        audit.record(training=survey.training, actor=actor, action="scoping survey changed",
                     obj=survey, changes=changes)
    return survey


PROFILE_FIELDS = ["migration_dynamics", "trends", "priorities", "un_engagement"]


@transaction.atomic
def save_country_profile(*, actor, training, form):
    before = audit.snapshot(form.instance, PROFILE_FIELDS) if form.instance.pk else {}
    profile = form.save(commit=False)
    profile.updated_by = actor
    profile.save()
    changes = audit.diff(before, audit.snapshot(profile, PROFILE_FIELDS))
    if changes:
        audit.record(training=training, actor=actor, action="country profile changed",
                     obj=profile, changes=changes)
    return profile
