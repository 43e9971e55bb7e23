from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The page-cache namespace of what shows events publicly (the API's event reads); ready() retires it.
PAGES = "events"


def retire_pages(**kwargs: object) -> None:
    """Signal receiver: an event, its organizers or its registrations (free places) changed. The services
    change the denormalised counts with queryset.update(), but always together with a saved registration."""
    from smartregion.core.pagecache import pages_changed

    pages_changed(PAGES)


class EventsConfig(AppConfig):
    """Events: registration with capacity and waiting list, minutes, and outcomes recorded as ideas."""

    name = "smartregion.events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from smartregion.core import personal_data

        from . import models, selectors, services

        for model in (models.Event, models.Registration, models.MinutesAttachment):
            post_save.connect(retire_pages, sender=model, dispatch_uid=f"events-pages-save-{model.__name__}")
            post_delete.connect(
                retire_pages, sender=model, dispatch_uid=f"events-pages-delete-{model.__name__}"
            )
        m2m_changed.connect(
            retire_pages, sender=models.Event.organizers.through, dispatch_uid="events-pages-organizers"
        )
        personal_data.register(
            personal_data.PersonalDataProvider(
                section="events",
                export=selectors.personal_data_export_for,
                erase=services.personal_data_erase_for,
            )
        )
