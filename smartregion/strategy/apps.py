from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The page-cache namespace of the public strategy pages and the program dashboard (core/pagecache.py);
# ready() retires it.
PAGES = "strategy"


def retire_pages(**kwargs: object) -> None:
    """Signal receiver: something the public strategy or program pages show changed. The idea pages show
    what became of each idea (a measure's status, money and milestones), so they are retired as well."""
    from smartregion.core.pagecache import pages_changed
    from smartregion.participation.apps import PAGES as PARTICIPATION_PAGES

    pages_changed(PAGES)
    pages_changed(PARTICIPATION_PAGES)


class StrategyConfig(AppConfig):
    """Domains of life, goals → strategies → measures, and the ideas the measures took up."""

    name = "smartregion.strategy"
    label = "strategy"
    verbose_name = _("Strategy")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from smartregion.participation.models import Idea
        from smartregion.program import models as program

        from . import models

        # Whatever the explorer, the measure pages and the dashboard show retires their cached copies,
        # however it changed (services, admin, imports). The services also update the denormalised sums
        # with queryset.update(), which sends no signal, but always together with a saved row listed here.
        for model in (
            models.Goal,
            models.Strategy,
            models.Measure,
            models.IdeaLink,
            models.StrategyVersion,
            program.BudgetLine,
            program.Expense,
            program.Milestone,
            program.Indicator,
            program.IndicatorValue,
            program.Responsibility,
            program.FundingSource,
            # Own staff effort shows on the public measure page (issue 14).
            program.StaffEffort,
            # A linked idea that is hidden or merged must leave the measure page at once.
            Idea,
        ):
            post_save.connect(
                retire_pages, sender=model, dispatch_uid=f"strategy-pages-save-{model.__name__}"
            )
            post_delete.connect(
                retire_pages, sender=model, dispatch_uid=f"strategy-pages-delete-{model.__name__}"
            )
        for relation in (models.Measure.domains, models.Measure.municipalities):
            m2m_changed.connect(
                retire_pages, sender=relation.through, dispatch_uid=f"strategy-pages-{relation.through}"
            )
