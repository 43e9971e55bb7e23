from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.search_page, name="search"),
    path("aehnliche-ideen/<slug:slug>/", views.similar_ideas, name="similar_ideas"),
]
