"""Who may manage the region, municipalities, organizations and memberships."""

import rules

from smartregion.accounts.predicates import CRUD, add_model_perms, is_program_office

add_model_perms("network", "region", is_program_office, ("view", "change"))
for model_name in ("municipality", "organization", "membership"):
    add_model_perms("network", model_name, is_program_office, CRUD)

rules.add_perm("network", is_program_office)
