"""Who may plan and report the program's money and progress."""

from typing import Any

import rules

from smartregion.accounts.predicates import CRUD, add_model_perms, is_coordinator, is_program_office
from smartregion.strategy.rules import leads_measure, manages_measure


@rules.predicate
def agenda_is_adopted(user: Any, snapshot: Any) -> bool:
    return snapshot is not None and snapshot.status == "adopted"


# Budget, status, responsibilities and milestones are planned by those who manage the measure.
rules.add_perm("program.plan_measure", manages_measure)
# Expenses, milestones reached and indicator values are also reported by the lead organization.
rules.add_perm("program.report_measure", manages_measure | leads_measure)
rules.add_perm("program.export_report", is_program_office)
# Own staff effort is booked like expenses: by those who manage the measure and by its lead organization.
rules.add_perm("program.book_staff_effort", manages_measure | leads_measure)
# Fund calls, their receipts and the grant's deadlines concern the whole program: the office alone.
rules.add_perm("program.call_funds", is_program_office)
rules.add_perm("program.view_grant", is_program_office)
# The monitoring state is worked out; setting it by hand (with a reason) is planning.
rules.add_perm("program.override_monitoring", manages_measure)
# The Digitale Agenda: the office drafts, refreshes and adopts it, and updates measures in bulk;
# everybody reads an adopted agenda, staff who manage measures also the drafts.
rules.add_perm("program.manage_agenda", is_program_office)
rules.add_perm("program.bulk_update", is_program_office)
rules.add_perm("program.view_agenda", agenda_is_adopted | is_program_office | is_coordinator)

rules.add_perm("program", is_program_office)
for model_name in (
    "programphase",
    "fundingsource",
    "responsibility",
    "indicator",
    "indicatortarget",
    "fundingcommitment",
    "staffrole",
):
    add_model_perms("program", model_name, is_program_office, CRUD)
for model_name in (
    "budgetline",
    "expense",
    "milestone",
    "indicatorvalue",
    "staffeffort",
    "fundcall",
    "deadlinereminder",
    "programreminder",
):
    add_model_perms("program", model_name, is_program_office, ("view",))
# An agenda is frozen by program.agenda, never edited field by field: the admin may view it and delete a
# draft; the model refuses to change or delete an adopted one.
add_model_perms("program", "agendasnapshot", is_program_office, ("view", "delete"))
