"""Every write to materials.

One module per concern; each lists its public services in ``__all__``:
``library`` (materials, files, versions, downloads, ratings, collections),
``review`` (the expert review workflow), ``takedown`` (copyright requests) and
``thumbnails`` (the picture of a material's first page).
"""

from materials.services.library import *  # noqa: F403
from materials.services.review import *  # noqa: F403
from materials.services.takedown import *  # noqa: F403
from materials.services.thumbnails import *  # noqa: F403
