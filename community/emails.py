"""The plain-text parts of e-mails: subjects and bodies, rendered without HTML
escaping.

Templates escape for HTML, so a title such as ``Урок "дроби" & <b>дети</b>``
would reach a mail reader as ``&quot;дроби&quot; &amp; &lt;b&gt;``: a subject
and a text/plain body are not HTML and no reader decodes them. Every e-mail
the site sends renders its subject with ``render_email_subject`` and its text
part with ``render_email_text``; the HTML part keeps ``render_to_string`` and
its escaping.
"""

from django.template import Context
from django.template.loader import get_template


def render_email_text(template_name: str, context: dict) -> str:
    """Render a text/plain template with autoescaping off.

    The template still goes through the project's loaders and tag libraries;
    context processors are not run (an e-mail has no request).
    """
    template = get_template(template_name)
    return template.template.render(Context(context, autoescape=False))


def render_email_subject(template_name: str, context: dict) -> str:
    """Render a subject template as one line, without escaping.

    Line breaks in the template or in a member's text become spaces: a
    header holds one line.
    """
    return " ".join(render_email_text(template_name, context).split())
