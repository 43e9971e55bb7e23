"""Background work for the strategy: telling the people behind linked ideas what became of them."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from smartregion.participation.models import Follow, Notification, Support
from smartregion.participation.tasks import contributor_mail, notify

from .models import IdeaLink, Measure, MeasureStatus


def _news(kind: str, detail: str) -> str:
    if kind == "status":
        return _("the status is now “%(status)s”.") % {"status": MeasureStatus(detail).label}
    if kind == "milestone":
        return _("the milestone “%(milestone)s” is reached.") % {"milestone": detail}
    raise ValueError(kind)


@task()
def notify_measure_update(
    *, measure_id: int, kind: str, detail: str, actor_id: int | None = None, event_id: int | None = None
) -> int:
    """Tell the authors, supporters and followers of every idea the measure took up what happened.

    ``kind`` is "status" (``detail`` the new status) or "milestone" (``detail`` its title). Each person gets
    one notification per update (``event_id``, the MeasureEvent recording it), pointing at the first of
    their ideas in the measure. A measure not yet published tells nobody: its title is not public.
    """
    measure = Measure.objects.get(pk=measure_id)
    if not measure.is_published:
        return 0
    links = list(IdeaLink.objects.filter(measure_id=measure_id).select_related("idea").order_by("pk"))
    idea_ids = [link.idea_id for link in links]
    people: dict[int, int] = {}
    for link in links:
        if link.idea.author_id is not None:
            people.setdefault(link.idea.author_id, link.idea_id)
    for user_id, idea_id in Support.objects.filter(idea_id__in=idea_ids).values_list("user_id", "idea_id"):
        people.setdefault(user_id, idea_id)
    for user_id, idea_id in Follow.objects.filter(idea_id__in=idea_ids).values_list("user_id", "idea_id"):
        people.setdefault(user_id, idea_id)
    if actor_id is not None:
        people.pop(actor_id, None)
    with translation.override(settings.LANGUAGE_CODE):
        message = _("Measure “%(measure)s”: %(news)s") % {
            "measure": measure.title,
            "news": _news(kind, detail),
        }
    # People who brought in an idea without an account (e.g. by e-mail) hear the same news by mail.
    for link in links:
        contributor_mail(idea=link.idea, news=message)
    return notify(
        people=people,
        kind=Notification.Kind.MEASURE_UPDATE,
        message=message,
        cause=f"measure-event:{event_id}" if event_id else "",
    )
