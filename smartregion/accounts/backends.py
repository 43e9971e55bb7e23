"""Signing in and permissions: allauth signs people in by e-mail, django-rules answers every permission."""

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from . import selectors


class AuthenticationBackend(AllauthBackend):
    """allauth's sign-in without Django's model permissions.

    Roles (``RoleGrant``) and the rules in each app's ``rules.py`` are the one place that grants a
    permission; nobody assigns Django's group or user permissions (no form offers them). Asking for them
    anyway cost two queries on every page that checks a permission for a signed-in person, such as the
    header's links for moderators and the office. Superusers still hold every permission, through
    ``User.has_perm`` itself.

    The person of every request is read with her roles and what the apps register
    (``selectors.person_for_request``): one query instead of one per fact.
    """

    def get_user(self, user_id: Any) -> Any:
        person = selectors.person_for_request(pk=user_id)
        return person if person is not None and self.user_can_authenticate(person) else None

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()
