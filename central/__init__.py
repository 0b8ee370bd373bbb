"""The reference central service: receives counters' events and (later) serves them changes."""
