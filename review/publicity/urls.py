from django.urls import path

from review.publicity import issuing_views, views

app_name = "publicity"
urlpatterns = [
    path("", views.list_index, name="index"),
    path("publish/", views.list_publish, name="publish"),
    path("close/", views.close_now, name="close_now"),
    path("<int:pk>/", views.list_detail, name="list_detail"),
    path("<int:pk>/withdraw/", views.list_withdraw, name="list_withdraw"),
    path("objections/<int:pk>/", views.objection_detail, name="objection_detail"),
    path("objections/<int:pk>/phone/", views.objection_reveal_phone, name="objection_reveal_phone"),
    path("objections/<int:pk>/investigate/", views.objection_investigate_view, name="objection_investigate"),
    path("objections/<int:pk>/decide/", views.objection_decide_view, name="objection_decide"),
    path("objections/<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence_download"),
    path("confirmations/", issuing_views.confirmation_index, name="confirmations"),
    path("confirmations/preview.pdf", issuing_views.confirmation_preview_pdf, name="confirmation_preview"),
]
