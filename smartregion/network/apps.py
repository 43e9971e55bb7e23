from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The page-cache namespace of what shows municipalities and organizations (the API's network lists);
# ready() retires it.
PAGES = "network"


def retire_pages(**kwargs: object) -> None:
    """Signal receiver: a municipality or an organization changed."""
    from smartregion.core.pagecache import pages_changed

    pages_changed(PAGES)


def retire_every_page(**kwargs: object) -> None:
    """Signal receiver: the region changed, which every page shows (the program's name in the header, the
    operator in the footer, the names of the strategy's levels)."""
    from smartregion.core.pagecache import pages_changed
    from smartregion.events.apps import PAGES as EVENT_PAGES
    from smartregion.participation.apps import PAGES as PARTICIPATION_PAGES
    from smartregion.strategy.apps import PAGES as STRATEGY_PAGES
    from smartregion.surveys.apps import PAGES as SURVEY_PAGES

    from .selectors import region_reread

    region_reread()
    for namespace in (PAGES, EVENT_PAGES, PARTICIPATION_PAGES, STRATEGY_PAGES, SURVEY_PAGES):
        pages_changed(namespace)


class NetworkConfig(AppConfig):
    """The region, its member municipalities, organizations and memberships."""

    name = "smartregion.network"
    label = "network"
    verbose_name = _("Network")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from smartregion.core import personal_data

        from . import models, selectors, services

        for model in (models.Municipality, models.Organization):
            post_save.connect(retire_pages, sender=model, dispatch_uid=f"network-pages-save-{model.__name__}")
            post_delete.connect(
                retire_pages, sender=model, dispatch_uid=f"network-pages-delete-{model.__name__}"
            )

        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(retire_every_page, sender=models.Region, dispatch_uid=f"network-region-{name}")

        personal_data.register(
            personal_data.PersonalDataProvider(
                section="memberships",
                export=selectors.membership_export_for,
                erase=services.membership_erase_for,
            )
        )
