from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from review.publicity import issuing_views, public_views, verify_views

app_name = "publicity_public"
urlpatterns = [
    path("publicity/", public_views.list_index, name="lists"),
    path("publicity/<int:pk>/", public_views.list_detail, name="list_detail"),
    path("publicity/<int:pk>/print/", public_views.list_print, name="list_print"),
    path("publicity/<int:pk>/notice.pdf", public_views.list_pdf, name="list_pdf"),
    path("publicity/<int:pk>/objection/", public_views.objection_new, name="objection_new"),
    path("publicity/<int:pk>/objection/received/", public_views.objection_received, name="objection_received"),
    path("objections/track/", public_views.objection_track, name="objection_track"),
    path("workstations/", public_views.directory, name="directory"),
    path("documents/", public_views.documents, name="documents"),
    path("documents/<int:pk>.pdf", issuing_views.document_pdf, name="document_pdf"),
    path("verify/", verify_views.verify_index, name="verify_index"),
    path("verify/<str:code>/", verify_views.verify_detail, name="verify"),
    # The language switch of the cached public pages (review.publicity.caching): it sets nothing but the visitor's
    # language cookie, so it needs no CSRF token and the cached pages need none either.
    path("language/", csrf_exempt(set_language), name="language"),
]
