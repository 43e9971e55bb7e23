from .views import manage, public

app_name = "strategy"
# Management first: "massnahmen/neu/" must not be taken for the page of a measure called "neu".
urlpatterns = [*manage.urlpatterns, *public.urlpatterns]
