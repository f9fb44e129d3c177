from django.contrib import admin

from applications.models import Application, Call, Material, Mentor, Quota, StaffMember


class QuotaInline(admin.TabularInline):
    model = Quota
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "document_number", "opens_on", "closes_on", "grant_amount"]
    inlines = [QuotaInline]


@admin.register(Mentor)
class MentorAdmin(admin.ModelAdmin):
    list_display = ["name", "host_unit", "masked_id_number", "years_of_service"]
    search_fields = ["name", "host_unit__name"]
    # ID and phone numbers are never shown in full, not even to administrators.
    exclude = ["id_number", "phone"]
    readonly_fields = ["masked_id_number", "masked_phone"]


class StaffInline(admin.TabularInline):
    model = StaffMember
    extra = 0
    exclude = ["phone"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["id", "workstation", "call", "recommender", "rank"]
    list_filter = ["call"]
    raw_id_fields = ["workstation", "lead_mentor", "mentors"]
    exclude = ["contact_phone"]
    inlines = [StaffInline]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "application", "mentor"]
    raw_id_fields = ["application", "mentor", "file"]
