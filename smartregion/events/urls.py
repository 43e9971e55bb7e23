from django.urls import URLPattern

from .views import manage, public

app_name = "events"

# The organizers' paths first: "neu/" would otherwise be read as an event's short name.
urlpatterns: list[URLPattern] = [*manage.urlpatterns, *public.urlpatterns]
