from django.urls import URLPattern, URLResolver, path

from . import exports, views

app_name = "program"
urlpatterns: list[URLPattern | URLResolver] = [path("", views.dashboard, name="dashboard")]
urlpatterns += exports.urlpatterns
