"""Workshops that run themselves: phase deadlines, scheduled rating rounds, reminders."""
