from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import views, views_2fa

urlpatterns = [
    path("", views.home, name="home"),
    # First after home: the busiest anonymous pages resolve without walking the other patterns (issue 9).
    path("public/", include("review.publicity.public_urls")),
    path("public/grants/", include("subsidies.public_urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChange.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/2fa/", views_2fa.otp_manage, name="otp_manage"),
    path("accounts/2fa/setup/", views_2fa.otp_setup, name="otp_setup"),
    path("accounts/2fa/verify/", views_2fa.otp_verify, name="otp_verify"),
    path("accounts/2fa/recovery-codes/", views_2fa.otp_recovery_codes, name="otp_recovery_codes"),
    path("accounts/2fa/recovery-codes/new/", views_2fa.otp_recovery_regenerate, name="otp_recovery_regenerate"),
    path("accounts/2fa/remove/", views_2fa.otp_remove, name="otp_remove"),
    path("accounts/users/<int:pk>/2fa-reset/", views_2fa.otp_reset, name="otp_reset"),
    path("audit/", views.audit_trail, name="audit_trail"),
    path("audit/checkpoints/", views.audit_checkpoints_download, name="audit_checkpoints"),
    path("audit/export.xlsx", views.audit_export, name="audit_export"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("inbox/read-all/", views.inbox_mark_all_read, name="inbox_mark_all_read"),
    path("i18n/setlang/", views.set_language, name="set_language"),  # records the user's language (issue 19)
    path("i18n/", include("django.conf.urls.i18n")),
    path("workstations/", include("workstations.urls")),
    path("review/", include("review.urls")),
    path("calendar/", include("portal.workdays.urls")),
    path("measures/", include("portal.measures.urls")),
    path("applications/", include("applications.urls")),
    path("subsidies/", include("subsidies.urls")),
    path("publicity/plaques/", include("workstations.plaque_urls")),
    path("publicity/", include("review.publicity.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.errorpages.server_error"
