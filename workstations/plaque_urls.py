"""The plaque pages (Art. 6(5)), included at /publicity/plaques/ (their address since issue 9) as namespace
``plaques``, beside the confirmation documents in ``review.publicity``."""

from django.urls import path

from workstations.views import plaque_corrections, plaques

app_name = "plaques"
urlpatterns = [
    path("", plaques.plaque_index, name="index"),
    path("issue/<int:workstation_pk>/", plaques.plaque_issue_view, name="issue"),
    path("<int:pk>/hand-over/", plaques.plaque_hand_over_view, name="hand_over"),
    path("<int:pk>/hand-over/correct/", plaque_corrections.plaque_hand_over_correct_view, name="hand_over_correct"),
    path("<int:pk>/pdf/", plaques.plaque_pdf, name="pdf"),
]
