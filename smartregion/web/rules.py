"""Who may read and handle messages sent through the public pages."""

import rules

from smartregion.accounts.predicates import add_model_perms, is_program_office

rules.add_perm("web", is_program_office)
add_model_perms("web", "accessibilityfeedback", is_program_office, ("view", "change", "delete"))
