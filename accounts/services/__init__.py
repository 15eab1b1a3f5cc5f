"""Every write to members' accounts, profiles and personal spaces.

One module per concern; each lists its public services in ``__all__``.
"""

from accounts.services.account import *  # noqa: F403
from accounts.services.blog import *  # noqa: F403
from accounts.services.members import *  # noqa: F403
from accounts.services.relations import *  # noqa: F403
