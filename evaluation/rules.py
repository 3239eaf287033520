"""Evaluation permissions (DESIGN.md section 4): staff see everything (unattributed),
facilitators and RCO admins aggregates only, participants answer and see their own answers."""

import rules

from trainings.rules import is_facilitator, is_participant, is_rco_admin, is_staff

rules.add_perm("evaluation.respond", is_participant)
rules.add_perm("evaluation.view_results", is_staff | is_facilitator | is_rco_admin)
rules.add_perm("evaluation.view_comments", is_staff)
rules.add_perm("evaluation.open", is_participant | is_staff | is_facilitator | is_rco_admin)
