from django.urls import path

from subsidies.views import audits, ledger, trail

app_name = "subsidies"
urlpatterns = [
    path("", ledger.ledger_list, name="ledgers"),
    path("overview/", ledger.overview, name="overview"),
    path("overview/export.xlsx", ledger.overview_export, name="overview_export"),
    path("workstations/<int:pk>/", ledger.ledger_detail, name="ledger"),
    path("workstations/<int:pk>/export.xlsx", ledger.ledger_export, name="ledger_export"),
    path("workstations/<int:pk>/record/<slug:kind>/", ledger.entry_create, name="record"),
    path("evaluation-results/<int:pk>/award/", ledger.award_create, name="award_from_result"),
    path("entries/<int:pk>/reverse/", ledger.entry_reverse_view, name="reverse"),
    path("entries/<int:pk>/review/", ledger.entry_review_view, name="review"),
    path("receipts/<int:pk>/", ledger.receipt_download, name="receipt"),
    # The money trail (issue 18): payment record, grant publicity, closing after an exit.
    path("entries/<int:pk>/payment/", trail.disbursement_create, name="disbursement"),
    path("entries/<int:pk>/publicity/", trail.grant_publicity_create, name="grant_publicity"),
    path("workstations/<int:pk>/close/", trail.ledger_close_view, name="ledger_close"),
    path("audits/", audits.audit_list, name="audits"),
    path("audits/draw/", audits.audit_draw, name="audit_draw"),
    path("audits/assign/", audits.audit_assign_view, name="audit_assign"),
    path("audits/<int:pk>/", audits.audit_detail, name="audit"),
    path("audits/<int:pk>/export.xlsx", audits.audit_export, name="audit_export"),
    path("assignments/<int:pk>/", audits.assignment_detail, name="assignment"),
]
