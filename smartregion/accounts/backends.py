"""Signing in and permissions: allauth signs people in by e-mail, django-rules answers every permission."""

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from .models import User


class AuthenticationBackend(AllauthBackend):
    """allauth's sign-in without Django's model permissions.

    Roles (``RoleGrant``) and the rules in each app's ``rules.py`` are the one place that grants a
    permission; nobody assigns Django's group or user permissions (no form offers them). Asking for them
    anyway cost two queries on every page that checks a permission for a signed-in person, such as the
    header's links for moderators and the office. Superusers still hold every permission, through
    ``User.has_perm`` itself.

    The signed-in person is loaded with her participation block (``participation.ParticipationBlock``,
    usually none): participation's rules ask about it wherever she may propose, support or comment, which
    cost a query of its own on those pages and on every support.
    """

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("participation_block").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()
