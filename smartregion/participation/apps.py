from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The page-cache namespace of the public participation pages (core/pagecache.py); ready() retires it.
PAGES = "participation"


def retire_pages(**kwargs: object) -> None:
    """Signal receiver: the public participation pages changed."""
    from smartregion.core.pagecache import pages_changed

    pages_changed(PAGES)


def idea_scope(pk: object) -> str:
    """The page-cache scope of an idea's page (core/pagecache.py)."""
    return f"idea:{pk}"


def retire_idea_page(instance: object, **kwargs: object) -> None:
    """Signal receiver: a comment changed, which only its idea's page shows (the lists show its count,
    which they may show up to PAGE_CACHE_SECONDS late, except to its author)."""
    from smartregion.core.pagecache import person_changed, scope_changed

    scope_changed(PAGES, idea_scope(instance.idea_id))  # type: ignore[attr-defined]
    person_changed(PAGES, instance.author_id)  # type: ignore[attr-defined]


def recount_idea_page(instance: object, **kwargs: object) -> None:
    """Signal receiver: a support changed the counts on its idea's page (and, within PAGE_CACHE_SECONDS,
    in the lists; at once in the lists its supporter reads)."""
    from smartregion.core.pagecache import counts_changed, person_changed

    counts_changed(PAGES, idea_scope(instance.idea_id))  # type: ignore[attr-defined]
    person_changed(PAGES, instance.user_id)  # type: ignore[attr-defined]


class ParticipationConfig(AppConfig):
    """Processes and phases, ideas on every channel, supports, comments, moderation, notifications."""

    name = "smartregion.participation"
    label = "participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from smartregion.accounts.selectors import person_facts_register
        from smartregion.core import personal_data

        from . import models, selectors, services

        person_facts_register(selectors.person_facts)

        personal_data.register(
            personal_data.PersonalDataProvider(
                section="participation",
                export=selectors.personal_data_export_for,
                erase=services.personal_data_erase_for,
            )
        )

        # Whatever the public pages show retires their cached copies, however it changed (services, admin,
        # imports): processes and phases with their domains and places and ideas with theirs retire every
        # page; a comment retires its idea's page, and a support has that page counted again
        # (docs/decisions/0012-fast-pages-and-open-data.md).
        for model in (models.Process, models.Phase, models.Idea):
            post_save.connect(retire_pages, sender=model, dispatch_uid=f"pages-save-{model.__name__}")
            post_delete.connect(retire_pages, sender=model, dispatch_uid=f"pages-delete-{model.__name__}")
        for child, receiver in ((models.Comment, retire_idea_page), (models.Support, recount_idea_page)):
            post_save.connect(receiver, sender=child, dispatch_uid=f"pages-save-{child.__name__}")
            post_delete.connect(receiver, sender=child, dispatch_uid=f"pages-delete-{child.__name__}")
        for relation in (models.Idea.domains, models.Process.domains, models.Process.municipalities):
            m2m_changed.connect(
                retire_pages, sender=relation.through, dispatch_uid=f"pages-{relation.through}"
            )
