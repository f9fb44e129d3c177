"""Only the expert pool and panels are in the admin. Rounds, participation and ballots are not registered, on
purpose: ballots must never be browsable or editable there (docs/ballot-secrecy.md)."""

from django.contrib import admin

from review.models import ExpertProfile, Panel


@admin.register(ExpertProfile)
class ExpertProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "field", "title", "employer", "employer_text", "active"]
    search_fields = ["user__username", "user__full_name", "field"]


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ["name", "call", "created_at"]
    filter_horizontal = ["members"]
