"""Signing in and permissions: allauth signs people in by e-mail, django-rules answers every permission."""

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend


class AuthenticationBackend(AllauthBackend):
    """allauth's sign-in without Django's model permissions.

    Roles (``RoleGrant``) and the rules in each app's ``rules.py`` are the one place that grants a
    permission; nobody assigns Django's group or user permissions (no form offers them). Asking for them
    anyway cost two queries on every page that checks a permission for a signed-in person, such as the
    header's links for moderators and the office. Superusers still hold every permission, through
    ``User.has_perm`` itself.
    """

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()
