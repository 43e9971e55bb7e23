from .views import assessment, manage, public

app_name = "strategy"
# Management first: "massnahmen/neu/" must not be taken for the page of a measure called "neu".
urlpatterns = [*manage.urlpatterns, *assessment.urlpatterns, *public.urlpatterns]
