"""Account settings: notification preferences, data export, deletion."""

__all__: list[str] = []
