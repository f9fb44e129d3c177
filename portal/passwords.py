"""Password rule of SPEC §5 (MLPS 2.0 practice): at least 8 characters mixing character types."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Require at least three of: lower-case letters, upper-case letters, digits, symbols."""

    required_classes = 3

    def validate(self, password: str, user=None) -> None:
        classes = [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c in string.digits for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.required_classes:
            raise ValidationError(
                _("The password must mix at least three of: lower-case letters, upper-case letters, digits, symbols."),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("Mix at least three of: lower-case letters, upper-case letters, digits, symbols.")
