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
