from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("suche/", views.search_page, name="search"),
    path("suche/aehnliche-ideen/<slug:slug>/", views.similar_ideas, name="similar_ideas"),
    path("einblicke/", views.overview, name="overview"),
    path("moderation/dubletten/", views.duplicate_queue, name="duplicates"),
    path("moderation/dubletten/<int:pk>/", views.duplicate_decide, name="duplicate_decide"),
    path("moderation/lebensbereiche/", views.suggestion_queue, name="suggestions"),
    path("moderation/lebensbereiche/<int:pk>/", views.suggestion_decide, name="suggestion_decide"),
    path("einblicke/<slug:slug>/cluster/", views.clusterings, name="clusterings"),
    path("einblicke/clusterungen/<int:pk>/", views.clustering, name="clustering"),
    path("einblicke/clusterungen/<int:pk>/stand/", views.clustering_status, name="clustering_status"),
    path("einblicke/cluster/<int:pk>/", views.cluster_edit, name="cluster_edit"),
    path("einblicke/<slug:slug>/kurzfassung/", views.briefing, name="briefing"),
]
