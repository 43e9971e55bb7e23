from django.urls import URLPattern, URLResolver, path

from . import agenda_views, bulk_views, exports, views

app_name = "program"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("mittelabrufe/", views.fund_calls, name="fund_calls"),
    path("mittelabrufe/<int:pk>/eingang/", views.fund_call_receive, name="fund_call_receive"),
]
urlpatterns += exports.urlpatterns
urlpatterns += agenda_views.urlpatterns
urlpatterns += bulk_views.urlpatterns
