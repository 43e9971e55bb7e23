"""Who may do what with accounts and roles (autodiscovered by django-rules)."""

import rules

from .predicates import add_model_perms, is_citizen, is_program_office, is_self, may_change_account

# The admin is the program office's tool; the admin site asks this permission.
rules.add_perm("accounts.access_admin", is_program_office)

# Object-level: an account (its password, e-mail addresses, second factors, roles) is changed only by
# someone holding every right it holds (accounts.predicates.may_change_account).
changes_account = is_program_office & may_change_account
add_model_perms("accounts", "user", is_program_office, ("view", "add"))
add_model_perms("accounts", "user", changes_account, ("change", "delete"))
add_model_perms("accounts", "rolegrant", is_program_office, ("view",))
add_model_perms("accounts", "rolegrant", changes_account, ("add", "change", "delete"))
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
add_model_perms("account", "emailaddress", is_program_office, ("view",))
add_model_perms("account", "emailaddress", changes_account, ("add", "change", "delete"))
rules.add_perm("mfa", is_program_office)
add_model_perms("mfa", "authenticator", is_program_office, ("view",))
add_model_perms("mfa", "authenticator", changes_account, ("delete",))
# Background task results, for diagnosing failed mails. The package django_tasks_db registers its
# models under the app label "django_tasks_database", which is what the admin asks for.
rules.add_perm("django_tasks_database", is_program_office)
add_model_perms("django_tasks_database", "dbtaskresult", is_program_office, ("view",))
