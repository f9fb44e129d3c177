from django.urls import path

from portal.workdays import views

app_name = "workdays"
urlpatterns = [
    path("", views.calendar_years, name="years"),
    path("<int:year>/", views.calendar_year, name="year"),
]
