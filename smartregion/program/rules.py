"""Who may plan and report the program's money and progress."""

import rules

from smartregion.accounts.predicates import CRUD, add_model_perms, is_program_office
from smartregion.strategy.rules import leads_measure, manages_measure

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

rules.add_perm("program", is_program_office)
for model_name in (
    "programphase",
    "fundingsource",
    "responsibility",
    "indicator",
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
):
    add_model_perms("program", model_name, is_program_office, ("view",))
