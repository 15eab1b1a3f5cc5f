"""Following, blocking and bookmarks."""

__all__: list[str] = []
