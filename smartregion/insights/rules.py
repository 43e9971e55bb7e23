"""Who may see and act on the offline insights: the program office and moderators, never the public.

Duplicates and category suggestions are moderation work (office and moderators); clustering a process and
turning a cluster into a measure is the office's strategy work, which moderators may read.
"""

from typing import Any

import rules

from smartregion.accounts.predicates import is_moderator, is_program_office

from .models import PairStatus, RunStatus, SuggestionStatus

is_insights_staff = is_program_office | is_moderator


@rules.predicate
def pair_is_open(user: Any, pair: Any) -> bool:
    """A likely-duplicate pair nobody has decided on yet."""
    return pair is None or pair.status == PairStatus.OPEN


@rules.predicate
def suggestion_is_open(user: Any, suggestion: Any) -> bool:
    """A category suggestion nobody has accepted, corrected or dismissed yet."""
    return suggestion is None or suggestion.status == SuggestionStatus.OPEN


@rules.predicate
def run_is_done(user: Any, obj: Any) -> bool:
    """A clustering (or a cluster, or a member of one) whose run has finished."""
    run = getattr(obj, "run", obj)
    return run is None or run.status == RunStatus.DONE


rules.add_perm("insights.view_duplicates", is_insights_staff)
rules.add_perm("insights.decide_duplicate", is_insights_staff & pair_is_open)
rules.add_perm("insights.view_suggestions", is_insights_staff)
rules.add_perm("insights.decide_suggestion", is_insights_staff & suggestion_is_open)
rules.add_perm("insights.view_clusters", is_insights_staff)
rules.add_perm("insights.run_clustering", is_program_office)
rules.add_perm("insights.edit_cluster", is_program_office & run_is_done)
rules.add_perm("insights.view_briefing", is_insights_staff)
