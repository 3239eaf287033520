from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import services
from .models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "un_entity", "time_zone", "is_staff"]
    search_fields = ["email", "full_name", "un_entity"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["full_name", "un_entity", "job_title", "time_zone", "language"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "password1", "password2"]})]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff may see and revoke anyone's tokens; nobody can read or set a token here (only
    its SHA-256 is stored, and it is not shown)."""

    list_display = ["name", "user", "prefix", "scope", "created_at", "expires_at",
                    "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["name", "prefix", "user__email"]
    fields = ["user", "name", "prefix", "scope", "created_at", "expires_at", "last_used_at",
              "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "scope", "created_at", "expires_at",
                       "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset:
            services.revoke_api_token(token=token)
