from django.urls import path

from portal.measures import views

app_name = "measures"
urlpatterns = [
    path("", views.version_list, name="versions"),
    path("new/", views.version_new, name="version_new"),
    path("<int:number>/", views.version_detail, name="version"),
    path("county/", views.county_rules, name="county_rules"),
    path("county/new/", views.county_rule_new, name="county_rule_new"),
    path("county/<int:pk>/", views.county_rule_detail, name="county_rule"),
]
