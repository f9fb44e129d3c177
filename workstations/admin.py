from django.contrib import admin

from workstations.models import TransitionLog, Workstation


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
