from django.urls import path

from review.publicity import issuing_views, public_views

app_name = "publicity_public"
urlpatterns = [
    path("publicity/", public_views.list_index, name="lists"),
    path("publicity/<int:pk>/", public_views.list_detail, name="list_detail"),
    path("publicity/<int:pk>/print/", public_views.list_print, name="list_print"),
    path("publicity/<int:pk>/notice.pdf", public_views.list_pdf, name="list_pdf"),
    path("publicity/<int:pk>/objection/", public_views.objection_new, name="objection_new"),
    path("objections/track/", public_views.objection_track, name="objection_track"),
    path("workstations/", public_views.directory, name="directory"),
    path("documents/", public_views.documents, name="documents"),
    path("documents/<int:pk>.pdf", issuing_views.document_pdf, name="document_pdf"),
]
