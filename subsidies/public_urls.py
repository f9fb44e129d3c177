from django.urls import path

from subsidies.views import trail

app_name = "subsidies_public"
urlpatterns = [
    path("", trail.public_grants, name="grants"),
]
