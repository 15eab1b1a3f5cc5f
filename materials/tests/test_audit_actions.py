"""Every action the materials write to the audit log has a name in the
log's list (``materials.hooks.register_audit_actions``)."""

import pathlib
import re

from django.utils import translation

from community.notifications import audit_action_choices

SERVICES = pathlib.Path(__file__).resolve().parent.parent / "services"
WRITTEN = re.compile(r'\baction="([a-z_]+)"')


def _written() -> set[str]:
    return {
        action
        for path in SERVICES.glob("*.py")
        for action in WRITTEN.findall(path.read_text(encoding="utf-8"))
    }


def test_every_audit_action_of_the_materials_has_a_russian_label():
    labels = dict(audit_action_choices())
    written = _written()

    assert "material_coauthors" in written
    with translation.override("ru"):
        for action in sorted(written):
            assert action in labels, action
            assert str(labels[action]) != action
            assert re.search("[а-яё]", str(labels[action])), action
