"""Blog posts and comments."""

__all__: list[str] = []
