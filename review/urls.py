from django.urls import path

from review.views import panels, results, rounds, voting

app_name = "review"
urlpatterns = [
    path("", rounds.round_list, name="round_list"),
    path("rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:pk>/rule/", rounds.round_rule, name="round_rule"),
    path("rounds/<int:pk>/candidates/", rounds.round_candidates, name="round_candidates"),
    path("rounds/<int:pk>/recusals/", rounds.recusal_record, name="recusal_record"),
    path("rounds/<int:pk>/open/", rounds.round_open, name="round_open"),
    path("rounds/<int:pk>/close/", rounds.round_close, name="round_close"),
    path("rounds/<int:pk>/key-share/", rounds.key_share, name="key_share"),
    path("rounds/<int:pk>/delete/", rounds.round_delete, name="round_delete"),
    path("rounds/<int:pk>/oversight/", rounds.round_oversight, name="round_oversight"),
    path("rounds/<int:pk>/recount/", rounds.round_recount, name="round_recount"),
    path("rounds/<int:pk>/receipt/", voting.receipt_check, name="receipt_check"),
    path("rounds/<int:pk>/results/", results.round_results, name="round_results"),
    path("rounds/<int:pk>/results.xlsx", results.round_results_xlsx, name="round_results_xlsx"),
    path("rounds/<int:pk>/results.pdf", results.round_results_pdf, name="round_results_pdf"),
    path("rounds/<int:pk>/candidates/<int:cid>/", voting.candidate_detail, name="candidate_detail"),
    path("rounds/<int:pk>/candidates/<int:cid>/declare/", rounds.recusal_declare, name="recusal_declare"),
    path("rounds/<int:pk>/candidates/<int:cid>/confirm/", voting.ballot_confirm, name="ballot_confirm"),
    path("rounds/<int:pk>/candidates/<int:cid>/cast/", voting.ballot_cast, name="ballot_cast"),
    path("rounds/<int:pk>/candidates/<int:cid>/requeue/", rounds.candidate_requeue, name="candidate_requeue"),
    path("panels/", panels.panel_list, name="panel_list"),
    path("panels/new/", panels.panel_edit, name="panel_create"),
    path("panels/<int:pk>/", panels.panel_edit, name="panel_edit"),
    path("experts/", panels.expert_list, name="expert_list"),
    path("experts/<int:user_pk>/", panels.expert_profile_edit, name="expert_profile_edit"),
]
