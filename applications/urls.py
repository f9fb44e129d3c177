from django.urls import path

from applications.views import applications as app_views
from applications.views import calls as call_views

app_name = "applications"
urlpatterns = [
    path("", app_views.application_list, name="list"),
    path("calls/", call_views.call_list, name="call_list"),
    path("calls/new/", call_views.call_edit, name="call_create"),
    path("calls/<int:pk>/", call_views.call_detail, name="call_detail"),
    path("calls/<int:pk>/edit/", call_views.call_edit, name="call_edit"),
    path("calls/<int:pk>/close/", call_views.call_close, name="call_close"),
    path("calls/<int:pk>/candidates/", call_views.call_candidates, name="call_candidates"),
    path("calls/<int:pk>/recommend/", call_views.recommender_desk, name="recommender_desk"),
    path("calls/<int:pk>/recommendation-sheet.xlsx", call_views.recommendation_sheet, name="recommendation_sheet"),
    path("calls/<int:call_pk>/start/", app_views.application_start, name="start"),
    path("mentors/", app_views.mentor_list, name="mentor_list"),
    path("mentors/new/", app_views.mentor_edit, name="mentor_create"),
    path("mentors/<int:pk>/", app_views.mentor_edit, name="mentor_edit"),
    path("<int:pk>/", app_views.application_detail, name="detail"),
    path("<int:pk>/step/<slug:step>/", app_views.application_step, name="step"),
    path("<int:pk>/submit/", app_views.application_submit, name="submit"),
    path("<int:pk>/withdraw/", app_views.application_withdraw, name="withdraw"),
    path("<int:pk>/submitted/<int:version>/files/<int:file_pk>/", app_views.snapshot_file, name="snapshot_file"),
    path("<int:pk>/recommendation-letter/", call_views.recommendation_letter, name="recommendation_letter"),
    path("<int:pk>/qualification/", call_views.application_qualification, name="qualification"),
    path("<int:pk>/site-visits/", call_views.site_visit_add, name="site_visit_add"),
    path("<int:pk>/site-visits/photos/<int:photo_pk>/", call_views.site_visit_photo, name="site_visit_photo"),
    path("<int:pk>/materials/<int:material_pk>/original/", call_views.material_original, name="material_original"),
    path("<int:pk>/decide/", call_views.application_decide, name="decide"),
    path("<int:pk>/move/", call_views.application_move, name="move"),
    path("<int:pk>/form.pdf", app_views.application_pdf, name="pdf"),
    path("<int:pk>/materials/", app_views.material_list, name="materials"),
    path("<int:pk>/materials/<int:material_pk>/download/", app_views.material_download, name="material_download"),
    path(
        "<int:pk>/materials/<int:material_pk>/versions/<int:version_pk>/",
        app_views.material_download,
        name="material_version",
    ),
    path("<int:pk>/materials/<int:material_pk>/replace/", app_views.material_replace, name="material_replace"),
    path("<int:pk>/materials/<int:material_pk>/remove/", app_views.material_remove, name="material_remove"),
]
