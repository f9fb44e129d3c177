"""The working-day calendar (Art. 6(4)): statutory holidays off, make-up working days on.

``models.CalendarDay`` holds one row per date; ``library`` fills it from the chinesecalendar package; staff enter
years the library does not know (``forms``/``views``); ``services`` answers every question about working days.
"""
