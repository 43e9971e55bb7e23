"""Who may do what with accounts and roles (autodiscovered by django-rules)."""

import rules

from .predicates import CRUD, add_model_perms, is_citizen, is_program_office, is_self

# The admin is the program office's tool; the admin site asks this permission.
rules.add_perm("accounts.access_admin", is_program_office)

add_model_perms("accounts", "user", is_program_office, CRUD)
add_model_perms("accounts", "rolegrant", is_program_office, CRUD)
# The audit trail is append-only: readable by the office, writable by nobody through the admin.
add_model_perms("accounts", "accountevent", is_program_office, ("view",))

# A person's own account: profile, export, erasure.
rules.add_perm("accounts.change_profile", is_citizen & is_self)
rules.add_perm("accounts.export_data", is_citizen & is_self)
rules.add_perm("accounts.delete_account", is_citizen & is_self)

# Admin app sections (django-rules answers has_module_perms with a rule named after the app label).
rules.add_perm("accounts", is_program_office)
# allauth's own models, shown in the admin for support cases (e.g. a lost second factor).
rules.add_perm("account", is_program_office)
add_model_perms("account", "emailaddress", is_program_office, CRUD)
rules.add_perm("mfa", is_program_office)
add_model_perms("mfa", "authenticator", is_program_office, ("view", "delete"))
# Background task results, for diagnosing failed mails. The package django_tasks_db registers its
# models under the app label "django_tasks_database", which is what the admin asks for.
rules.add_perm("django_tasks_database", is_program_office)
add_model_perms("django_tasks_database", "dbtaskresult", is_program_office, ("view",))
