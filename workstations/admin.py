from django.contrib import admin

from workstations.models import TransitionLog, Workstation
from workstations.models.plaques import Plaque
from workstations.services import compliance_summary


class TransitionLogInline(admin.TabularInline):
    model = TransitionLog
    extra = 0
    can_delete = False
    readonly_fields = ["transition", "from_state", "to_state", "actor", "at", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Workstation)
class WorkstationAdmin(admin.ModelAdmin):
    list_display = ["id", "lead_mentor_name", "host_unit", "recommender", "state"]
    list_filter = ["state"]
    search_fields = ["lead_mentor_name", "host_unit__name"]
    readonly_fields = ["state"]
    inlines = [TransitionLogInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        compliance_summary.refresh(obj.pk)  # issue 21: ``certified_on`` may have changed the board's needs


@admin.register(Plaque)
class PlaqueAdmin(admin.ModelAdmin):
    """Read-only: plaques are made, handed over and removed through the services (Art. 6(5), 11(4))."""

    list_display = ["number", "name", "issued_on", "handed_over_to", "handed_over_on", "removed_on"]
    search_fields = ["number", "name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
