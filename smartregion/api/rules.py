"""Who may manage API tokens: every active person their own, nobody anyone else's."""

from typing import Any

import rules

from smartregion.accounts.predicates import is_citizen


@rules.predicate
def owns_token(user: Any, token: Any) -> bool:
    return token is not None and token.user_id == user.pk


rules.add_perm("api.create_token", is_citizen)
rules.add_perm("api.revoke_token", is_citizen & owns_token)
