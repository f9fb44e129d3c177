from django.urls import path

from workstations import views

app_name = "workstations"
urlpatterns = [
    path("", views.workstation_list, name="list"),
    path("<int:pk>/", views.workstation_detail, name="detail"),
]
