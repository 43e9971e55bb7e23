"""Moderation and supports decide on the locked row (issue 17, findings 3, 12 and 14; issue 11's "a
citizen can break moderation of an idea's comments"): every request loads the comment or idea as its view
does, then all enter the service together. Counts follow the rows that changed, never a stale copy."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from smartregion.accounts.models import Role, User
from smartregion.participation import services
from smartregion.participation.models import Comment, Idea, IdeaStatus, Support

from ..concurrency import race, refusals
from ..factories import MunicipalityFactory, RoleGrantFactory, UserFactory
from .factories import CommentFactory, IdeaFactory, ProcessFactory


def _comment_count(idea: Idea) -> int:
    return Idea.objects.get(pk=idea.pk).comment_count


def _visible_comments(idea: Idea) -> int:
    return sum(comment.is_visible for comment in Comment.objects.filter(idea=idea))


@pytest.fixture
def thread(race_database, municipality):
    """An idea with two visible comments; the first one is the one everybody acts on."""
    idea = IdeaFactory(municipality=municipality)
    first = CommentFactory(idea=idea)
    CommentFactory(idea=idea)
    return first


@pytest.fixture
def moderator_pk(race_database) -> int:
    return RoleGrantFactory(role=Role.MODERATOR).user_id


def _delete(comment_pk: int):
    def load():
        comment = Comment.objects.select_related("idea").get(pk=comment_pk)
        author = User.objects.get(pk=comment.author_id)
        return lambda: services.comment_delete(actor=author, comment=comment)

    return load


def _hide(comment_pk: int, moderator_pk: int):
    def load():
        comment = Comment.objects.select_related("idea").get(pk=comment_pk)
        moderator = User.objects.get(pk=moderator_pk)
        return lambda: services.comment_hide(actor=moderator, comment=comment, reason="Beleidigend")

    return load


def _unhide(comment_pk: int, moderator_pk: int):
    def load():
        comment = Comment.objects.select_related("idea").get(pk=comment_pk)
        moderator = User.objects.get(pk=moderator_pk)
        return lambda: services.comment_unhide(actor=moderator, comment=comment)

    return load


def test_deleting_a_comment_several_times_at_once_counts_once(thread, moderator_pk):
    race([_delete(thread.pk)] * 4)

    assert _comment_count(thread.idea) == _visible_comments(thread.idea) == 1
    # Moderation of the idea's comments still works (it answered 500 once the count went below 0).
    other = Comment.objects.exclude(pk=thread.pk).get()
    services.comment_hide(actor=User.objects.get(pk=moderator_pk), comment=other, reason="Spam")
    assert _comment_count(thread.idea) == 0


def test_two_moderators_hiding_one_comment_count_once(thread, moderator_pk):
    race([_hide(thread.pk, moderator_pk)] * 3)

    assert _comment_count(thread.idea) == _visible_comments(thread.idea) == 1


def test_hiding_racing_the_authors_delete_counts_once(thread, moderator_pk):
    outcomes = race([_hide(thread.pk, moderator_pk), _delete(thread.pk)])

    assert all(not isinstance(o, ValidationError) for o in outcomes)
    assert _comment_count(thread.idea) == _visible_comments(thread.idea) == 1


def test_two_moderators_unhiding_one_comment_count_once(thread, moderator_pk):
    services.comment_hide(actor=User.objects.get(pk=moderator_pk), comment=thread, reason="Beleidigend")

    race([_unhide(thread.pk, moderator_pk)] * 3)

    assert _comment_count(thread.idea) == _visible_comments(thread.idea) == 2


def test_a_merge_racing_supports_on_its_target_neither_deadlocks_nor_loses_one(race_database, municipality):
    process = ProcessFactory(phase="active")
    source, target = IdeaFactory(process=process), IdeaFactory(process=process)
    people = [UserFactory() for _ in range(6)]
    for person in people[:3]:
        services.support_add(
            user=person, idea=Idea.objects.prefetch_related("process__phases").get(pk=source.pk)
        )
    moderator = RoleGrantFactory(role=Role.MODERATOR).user

    def support(person_pk: int):
        def load():
            idea = (
                Idea.objects.select_related("process").prefetch_related("process__phases").get(pk=target.pk)
            )
            user = User.objects.get(pk=person_pk)
            return lambda: services.support_add(user=user, idea=idea)

        return load

    def merge():
        idea, into = Idea.objects.get(pk=source.pk), Idea.objects.get(pk=target.pk)
        actor = User.objects.get(pk=moderator.pk)
        return lambda: services.idea_status_change(
            actor=actor, idea=idea, status=IdeaStatus.MERGED, reason="Doppelt", merged_into=into
        )

    outcomes = race([merge] + [support(person.pk) for person in people])

    assert refusals(outcomes) == []
    target.refresh_from_db()
    assert target.support_count == Support.objects.filter(idea=target).count() == 6
    assert Idea.objects.get(pk=source.pk).support_count == 0


# --- The merge target is authorised and merged once ----------------------------------------------------


def test_a_coordinator_cannot_merge_into_another_municipalitys_idea(db, municipality, make_person):
    coordinator = make_person(Role.COORDINATOR)
    process = ProcessFactory(phase="active")
    own = IdeaFactory(process=process, municipality=municipality)
    foreign = IdeaFactory(process=process, municipality=MunicipalityFactory(name="Mendig"))
    services.support_add(user=UserFactory(), idea=Idea.objects.get(pk=own.pk))

    with pytest.raises(PermissionDenied):
        services.idea_status_change(
            actor=coordinator, idea=own, status=IdeaStatus.MERGED, reason="Doppelt", merged_into=foreign
        )

    assert Idea.objects.get(pk=own.pk).status == IdeaStatus.PUBLISHED
    assert Support.objects.filter(idea=foreign).count() == 0


def test_an_idea_cannot_be_merged_into_a_merged_idea(db, make_person):
    moderator = make_person(Role.MODERATOR)
    process = ProcessFactory(phase="active")
    first, second, third = (IdeaFactory(process=process) for _ in range(3))
    services.idea_status_change(
        actor=moderator, idea=second, status=IdeaStatus.MERGED, reason="Doppelt", merged_into=third
    )

    with pytest.raises(ValidationError):
        services.idea_status_change(
            actor=moderator,
            idea=first,
            status=IdeaStatus.MERGED,
            reason="Doppelt",
            merged_into=Idea.objects.get(pk=second.pk),
        )
    assert Idea.objects.get(pk=first.pk).status == IdeaStatus.PUBLISHED


def test_two_moderators_approving_one_idea_count_it_once(race_database, moderator_pk):
    """Process.idea_count: the status is decided on the locked idea, so one approval counts."""
    process = ProcessFactory(phase="active")
    idea = IdeaFactory(process=process, status=IdeaStatus.SUBMITTED)

    def approve():
        actor, loaded = User.objects.get(pk=moderator_pk), Idea.objects.get(pk=idea.pk)
        return lambda: services.idea_approve(actor=actor, idea=loaded)

    outcomes = race([approve] * 3)

    assert len(refusals(outcomes)) == 2  # "published cannot become published", on the form
    process.refresh_from_db()
    assert (
        process.idea_count == Idea.objects.filter(process=process, status=IdeaStatus.PUBLISHED).count() == 1
    )


# --- A support decides on the idea's status at the time it is counted ----------------------------------


def _loaded(idea: Idea) -> Idea:
    """The idea as the support view loads it (selectors.idea_get_for_action)."""
    return Idea.objects.select_related("process").prefetch_related("process__phases").get(pk=idea.pk)


def test_a_support_for_an_idea_decided_since_it_was_loaded_is_refused_and_not_counted(db, make_person):
    process = ProcessFactory(phase="active")
    idea = IdeaFactory(process=process)
    loaded = _loaded(idea)
    services.idea_status_change(
        actor=make_person(Role.MODERATOR), idea=idea, status=IdeaStatus.NOT_PURSUED, reason="Nicht zuständig"
    )

    with pytest.raises(PermissionDenied):
        services.support_add(user=UserFactory(), idea=loaded)

    assert Idea.objects.get(pk=idea.pk).support_count == Support.objects.filter(idea=idea).count() == 0


def test_a_support_for_an_idea_still_open_in_another_status_is_counted_once(db, make_person):
    process = ProcessFactory(phase="active")
    idea = IdeaFactory(process=process)
    loaded, person = _loaded(idea), UserFactory()
    services.idea_status_change(
        actor=make_person(Role.MODERATOR), idea=idea, status=IdeaStatus.UNDER_ASSESSMENT, reason=""
    )

    assert services.support_add(user=person, idea=loaded)
    assert not services.support_add(user=person, idea=loaded)

    assert Idea.objects.get(pk=idea.pk).support_count == Support.objects.filter(idea=idea).count() == 1


def test_after_supporting_or_withdrawing_the_idea_holds_the_stored_count(db):
    """The htmx and API answers show ``idea.support_count`` without reading the idea again: it must be the
    count stored, including what others added since the instance was loaded."""
    idea = IdeaFactory(process=ProcessFactory(phase="active"))
    person, others = UserFactory(), [UserFactory() for _ in range(3)]
    loaded = _loaded(idea)

    def another_supports(index: int) -> None:
        services.support_add(user=others[index], idea=_loaded(idea))

    another_supports(0)
    assert services.support_add(user=person, idea=loaded)
    assert loaded.support_count == 2
    another_supports(1)
    assert not services.support_add(user=person, idea=loaded)
    assert loaded.support_count == 3

    assert services.support_withdraw(user=person, idea=loaded)
    assert loaded.support_count == 2
    another_supports(2)
    assert not services.support_withdraw(user=person, idea=loaded)
    assert loaded.support_count == 3 == Idea.objects.get(pk=idea.pk).support_count
