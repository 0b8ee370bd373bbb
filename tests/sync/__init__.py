"""Sync between the kiosk and the central service, end to end on 127.0.0.1."""
