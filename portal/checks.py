import os

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def personal_data_key_check(app_configs, **kwargs):
    """In production the personal-data key must come from the environment, never from SECRET_KEY."""
    if settings.PRODUCTION and not os.environ.get("FIELD_ENCRYPTION_KEYS"):
        return [
            Warning(
                "FIELD_ENCRYPTION_KEYS is not set: ID and phone numbers would be encrypted with a key derived "
                "from SECRET_KEY.",
                hint="Set FIELD_ENCRYPTION_KEYS to a Fernet key (docs/security.md).",
                id="portal.W001",
            )
        ]
    return []


@register(deploy=True)
def audit_key_check(app_configs, **kwargs):
    """In production the audit chain's HMAC key must come from the environment, apart from SECRET_KEY."""
    if settings.PRODUCTION and not os.environ.get("AUDIT_HMAC_KEY"):
        return [
            Warning(
                "AUDIT_HMAC_KEY is not set: the audit and ledger chains would be keyed with a key derived from "
                "SECRET_KEY.",
                hint="Set AUDIT_HMAC_KEY to a long random value kept outside the database (docs/operations.md).",
                id="portal.W002",
            )
        ]
    return []
