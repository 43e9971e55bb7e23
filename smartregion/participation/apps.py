from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The page-cache namespace of the public participation pages (core/pagecache.py); ready() retires it.
PAGES = "participation"


def retire_pages(**kwargs: object) -> None:
    """Signal receiver: the public participation pages changed."""
    from smartregion.core.pagecache import pages_changed

    pages_changed(PAGES)


class ParticipationConfig(AppConfig):
    """Processes and phases, ideas on every channel, supports, comments, moderation, notifications."""

    name = "smartregion.participation"
    label = "participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from smartregion.core import personal_data

        from . import models, selectors, services

        personal_data.register(
            personal_data.PersonalDataProvider(
                section="participation",
                export=selectors.personal_data_export_for,
                erase=services.personal_data_erase_for,
            )
        )

        # Whatever the public pages show retires their cached copies, however it changed (services, admin,
        # imports): processes and phases with their domains and places, ideas with theirs, supports and
        # comments.
        for model in (models.Process, models.Phase, models.Idea, models.Support, models.Comment):
            post_save.connect(retire_pages, sender=model, dispatch_uid=f"pages-save-{model.__name__}")
            post_delete.connect(retire_pages, sender=model, dispatch_uid=f"pages-delete-{model.__name__}")
        for relation in (models.Idea.domains, models.Process.domains, models.Process.municipalities):
            m2m_changed.connect(
                retire_pages, sender=relation.through, dispatch_uid=f"pages-{relation.through}"
            )
