"""Interface strings are read from the templates with one parse per template: the messages are
those Jinja2's Babel extractor finds (which parses each template again and lexes it once more),
and the syntax errors that stop extraction are those `template_problems` reports."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.ext import babel_extract

from pipeline.errors import PipelineError
from pipeline.model import Templates
from pipeline.render import template_problems, ui_messages

REPOSITORY_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def reference_messages(templates: Templates) -> list[tuple[str, int, str]]:
    options = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
    found = []
    for name, text in sorted(templates.sources.items()):
        stream = io.BytesIO(text.encode("utf-8"))
        for line, _function, message, _comments in babel_extract(stream, ("_", "gettext", "ngettext"), [], options):
            found += [(name, line, piece) for piece in (message if isinstance(message, tuple) else (message,)) if piece]
    return found


def test_the_sites_templates_give_the_messages_babel_finds() -> None:
    sources = {path.relative_to(REPOSITORY_TEMPLATES).as_posix(): path.read_text(encoding="utf-8")
               for path in sorted(REPOSITORY_TEMPLATES.rglob("*")) if path.suffix in (".html", ".xml")}
    templates = Templates("templates", sources)
    assert list(ui_messages(templates)) == reference_messages(templates)


# Pieces of templates: interface strings in every form (with `%%`, variables, plurals, trimmed
# lines), blocks that open and close, and pieces that break the syntax.
PIECES = st.sampled_from([
    "{{ _('Home') }}", "{{ _(\"100%% done\") }}", "{{ gettext('Read %(n)s', n=3) }}",
    "{{ ngettext('%(num)d page', '%(num)d pages', 2) }}", "{% trans %}Hello{% endtrans %}",
    "{% trans %}50%% off{% endtrans %}", "{% trans n=2 %}{{ n }}%% of {{ n }}{% endtrans %}",
    "{% trans count=3 %}one{% pluralize %}many{% endtrans %}", "{% trans %}\n  two\n  lines\n{% endtrans %}",
    "{% if x %}", "{% endif %}", "{% for a in b %}", "{% endfor %}", "{{ x|e }}", "<p>", "\n", "  ", "text",
    "{{ _('') }}", "{% trans %}{{ x.y }}{% endtrans %}", "{{", "}}", "{% endtrans %}", "{#c#}",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(PIECES, max_size=12).map("".join), min_size=1, max_size=3))
def test_generated_templates_give_babels_messages_or_template_problems(texts: list[str]) -> None:
    templates = Templates("templates", {f"t{n}.html": text for n, text in enumerate(texts)})
    problems = template_problems(templates)
    if problems:
        with pytest.raises(PipelineError) as raised:
            list(ui_messages(templates))
        assert tuple(raised.value.diagnostics) == problems
    else:
        assert list(ui_messages(templates)) == reference_messages(templates)
