"""What other apps keep of a member: in the data export, and erased with the account.

Apps register in ``AppConfig.ready()`` with ``account_data_register``:
``export(user)`` gives the export's files of that app, a file name and its
JSON-able content each (``services.account_export`` puts them in the ZIP
next to the profile's); ``erase(user)`` removes or lets go of what is the
member's alone (``services.account_delete`` calls it in its transaction,
before the account loses its name). What others still read stays and shows
under "deleted member" (``Profile.shown_name``).
"""

from collections.abc import Callable
from dataclasses import dataclass

from community.registry import Registry


@dataclass(frozen=True)
class AccountData:
    key: str
    # export(user) -> {file name: JSON-able content}
    export: Callable[[object], dict[str, object]]
    # erase(user): the app's own service; runs inside the deletion's transaction.
    erase: Callable[[object], None]


_registry: Registry[str, AccountData] = Registry()


def account_data_register(
    *,
    key: str,
    export: Callable[[object], dict[str, object]],
    erase: Callable[[object], None],
) -> None:
    """Have the member's data of an app exported and erased with the account."""
    _registry.register(key, AccountData(key, export, erase))


def account_data_sources() -> list[AccountData]:
    """The registered sources, in the order of their keys (a stable ZIP)."""
    return [_registry[key] for key in sorted(_registry)]
