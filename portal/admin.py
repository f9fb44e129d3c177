"""The admin never shows a second factor's secret (issue 14).

django-otp's own admin pages show a TOTP key, its QR code and recovery codes, and let a device be added with a chosen
key or deleted without telling anyone. Here they are replaced by read-only lists of whose second factor is on; the
one way to remove one is the audited reset (``portal.twofactor.second_factor_reset``), which tells the owner.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.measures.models import CountyRule, MeasuresVersion


class SecondFactorAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at", "reset_link"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__full_name"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Reset"))
    def reset_link(self, device):
        return format_html('<a href="{}">{}</a>', reverse("otp_reset", args=[device.user_id]), _("Reset…"))


for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, SecondFactorAdmin)


class _ReadOnly(admin.ModelAdmin):
    """Versions of the measures and county rules are entered on their pages (audited, never edited): read-only here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MeasuresVersion)
class MeasuresVersionAdmin(_ReadOnly):
    list_display = ["number", "effective_on", "document_number", "entered_by", "entered_at"]


@admin.register(CountyRule)
class CountyRuleAdmin(_ReadOnly):
    list_display = ["county", "number", "effective_on", "document_number", "entered_by", "entered_at"]
    list_filter = ["county"]
