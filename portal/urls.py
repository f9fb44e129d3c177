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
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/2fa/setup/", views_2fa.otp_setup, name="otp_setup"),
    path("accounts/2fa/verify/", views_2fa.otp_verify, name="otp_verify"),
    path("audit/", views.audit_trail, name="audit_trail"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("inbox/read-all/", views.inbox_mark_all_read, name="inbox_mark_all_read"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("workstations/", include("workstations.urls")),
    path("review/", include("review.urls")),
    path("calendar/", include("portal.workdays.urls")),
    path("applications/", include("applications.urls")),
    path("subsidies/", include("subsidies.urls")),
    path("publicity/", include("review.publicity.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"
