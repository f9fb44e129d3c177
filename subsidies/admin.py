"""Read-only admin: ledger entries are changed only by services (and the database refuses edits anyway)."""

from django.contrib import admin

from subsidies.models import Audit, AuditAssignment, Entry, Ledger


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Ledger)
class LedgerAdmin(ReadOnlyAdmin):
    list_display = ["id", "workstation", "opened_at"]


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "ledger", "date", "kind", "source", "category", "amount", "sign", "recorded_by"]
    list_filter = ["kind", "source", "category", "needs_review"]


@admin.register(Audit)
class AuditAdmin(ReadOnlyAdmin):
    list_display = ["id", "title", "method", "firm", "seed", "sample_size", "created_at"]


@admin.register(AuditAssignment)
class AuditAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["id", "audit", "ledger", "concluded_at"]
