"""Every write to materials.

One module per concern; each lists its public services in ``__all__``:
``library`` (materials, files, versions, downloads, ratings, collections) and
``review`` (the expert review workflow).
"""

from materials.services.library import *  # noqa: F403
from materials.services.review import *  # noqa: F403
