from . import views

app_name = "insights"
urlpatterns = [*views.urlpatterns]
