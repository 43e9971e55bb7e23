"""Who may manage the strategy vocabulary."""

import rules

from smartregion.accounts.predicates import CRUD, add_model_perms, is_program_office

rules.add_perm("strategy", is_program_office)
add_model_perms("strategy", "domain", is_program_office, CRUD)
