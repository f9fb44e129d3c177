"""``makemessages`` without fuzzy matching: a guessed translation of a similar string ("Deregistration" → "单位") is
worse than none, because it looks translated. New strings arrive empty and ``scripts/i18n.sh --check`` names them."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
