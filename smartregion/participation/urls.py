from .views import moderation, public

app_name = "participation"
urlpatterns = [*public.urlpatterns, *moderation.urlpatterns]
