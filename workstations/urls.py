from django.urls import path

from workstations.views import county as views_county
from workstations.views import evaluations as views_evaluations
from workstations.views import exits as views_exits
from workstations.views import lifecycle as views
from workstations.views import outcomes as views_outcomes
from workstations.views import self_evaluation as views_selfeval
from workstations.views import service_records as views_services
from workstations.views import terms as views_terms

app_name = "workstations"
urlpatterns = [
    path("", views.workstation_list, name="list"),
    path("<int:pk>/", views.workstation_detail, name="detail"),
    # Outcomes and operation (Art. 10–11): plans, reports, compliance, evaluations, rectification, major events.
    path("board/", views_outcomes.board, name="board"),
    path("<int:pk>/outcomes/", views_outcomes.outcomes, name="outcomes"),
    path("<int:pk>/plan/new/", views_outcomes.plan_new, name="plan_new"),
    path("<int:pk>/reports/new/", views_outcomes.report_new, name="report_new"),
    path("<int:pk>/events/new/", views_outcomes.major_event_new, name="major_event_new"),
    path("reports/", views_outcomes.report_list, name="report_list"),
    path("reports/<int:pk>/", views_outcomes.report_detail, name="report"),
    path("reports/<int:pk>/accept/", views_outcomes.report_accept, name="report_accept"),
    path("reports/<int:pk>/reject/", views_outcomes.report_reject, name="report_reject"),
    path("reports/<int:pk>/evidence/add/", views_outcomes.report_add_evidence, name="report_add_evidence"),
    path("reports/<int:pk>/evidence/<int:evidence_pk>/", views_outcomes.report_evidence, name="report_evidence"),
    path("events/", views_outcomes.major_event_list, name="major_event_list"),
    path("events/<int:pk>/", views_outcomes.major_event_detail, name="major_event"),
    path("events/<int:pk>/evidence/", views_outcomes.major_event_evidence, name="major_event_evidence"),
    path("evaluations/", views_evaluations.evaluation_list, name="evaluation_list"),
    path("evaluations/new/", views_evaluations.evaluation_new, name="evaluation_new"),
    path("evaluations/<int:pk>/", views_evaluations.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/export/", views_evaluations.evaluation_export, name="evaluation_export"),
    path("evaluations/<int:pk>/close/", views_evaluations.evaluation_close, name="evaluation_close"),
    path("evaluations/results/<int:pk>/", views_evaluations.result_score, name="result_score"),
    # Art. 11(3): self-evaluation and achievements, the round's cap and award bands (issue 18).
    path("evaluations/results/<int:pk>/self/", views_selfeval.self_evaluation, name="self_evaluation"),
    path("evaluations/achievements/<int:pk>/", views_selfeval.achievement_evidence, name="achievement_evidence"),
    path("evaluations/<int:pk>/policy/", views_selfeval.round_policy, name="round_policy"),
    path("rectifications/", views_evaluations.rectification_list, name="rectification_list"),
    path("rectifications/<int:pk>/", views_evaluations.rectification_detail, name="rectification"),
    path("rectifications/<int:pk>/file/", views_evaluations.rectification_file, name="rectification_file"),
    # Art. 4 service records (issue 18).
    path("<int:pk>/services/", views_services.service_list, name="services"),
    path("<int:pk>/services/new/", views_services.service_new, name="service_new"),
    # The county bureau's read view and annual opinion (Art. 8, 11(3), 12).
    path("county/", views_county.county_overview, name="county"),
    path("<int:pk>/county-opinion/", views_county.county_opinion, name="county_opinion"),
    # Terms (Art. 11(1)): ending terms and renewal.
    path("terms/", views_terms.term_list, name="terms"),
    path("<int:pk>/term/renew/", views_terms.term_renew_view, name="term_renew"),
    # Exit (Art. 11(4)).
    path("exits/", views_exits.exit_list, name="exit_list"),
    path("exits/<int:pk>/", views_exits.exit_detail, name="exit_detail"),
    path("exits/<int:pk>/statement/", views_exits.exit_statement_view, name="exit_statement"),
    path("exits/<int:pk>/confirm/", views_exits.exit_confirm_view, name="exit_confirm"),
    path("exits/<int:pk>/preview.pdf", views_exits.exit_preview_view, name="exit_preview"),
    path("exits/<int:pk>/reject/", views_exits.exit_reject_view, name="exit_reject"),
    path("exits/<int:pk>/document/", views_exits.exit_document, name="exit_document"),
    path("exits/<int:pk>/evidence/<int:file_pk>/", views_exits.exit_evidence, name="exit_evidence"),
    path("<int:pk>/exit/request/", views_exits.exit_request_view, name="exit_request"),
    path("<int:pk>/exit/propose/", views_exits.exit_propose_view, name="exit_propose"),
]
