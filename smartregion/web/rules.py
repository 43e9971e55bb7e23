"""Who may read and handle messages sent through the public pages, see a municipality's work list and
their own participation."""

from typing import Any

import rules

from smartregion.accounts.predicates import add_model_perms, is_citizen, is_program_office


@rules.predicate
def coordinates_municipality(user: Any, municipality: Any) -> bool:
    """Coordinator of this municipality (a RoleGrant scoped to it)."""
    if municipality is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return ("coordinator", municipality.pk) in user.role_grants


rules.add_perm("web", is_program_office)
add_model_perms("web", "accessibilityfeedback", is_program_office, ("view", "change", "delete"))
# The work list of a municipality (ideas to look at, overdue milestones): its coordinators and the office.
rules.add_perm("web.view_municipality_tasks", is_program_office | coordinates_municipality)
# "Meine Beteiligung": every signed-in person, and only ever her own (the page takes no person's id).
rules.add_perm("web.view_own_participation", is_citizen)
