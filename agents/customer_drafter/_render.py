"""Fill template slots from facts: the first variant whose conditions hold and whose
placeholders can all be filled wins, else none is. Every fact a piece of text states is
recorded with it, by name and source."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from exdesk.agents.customer_drafter._facts import FactBook, LineFacts, ShownFact
from exdesk.agents.customer_drafter._templates import PLACEHOLDER, LanguageTemplates, Variant

FactKey = tuple[str, str]
"""A fact stated: (name, source)."""

_TERMINAL = (".", "!", "?", ":", "…")


def _drop_repeated_label(pieces: list[str], value: str) -> None:
    """Write "PO-778" rather than "PO PO-778" when a value already carries its label."""
    before = pieces[-1] if pieces else ""
    label = before.rstrip().rsplit(" ", 1)[-1].lstrip("(")
    if (
        label
        and before.endswith(" ")
        and value[: len(label)].lower() == label.lower()
        and not value[len(label) : len(label) + 1].isalpha()
    ):
        pieces[-1] = before[: len(before.rstrip()) - len(label)]


@dataclass(frozen=True)
class Rendered:
    """Text filled from a template, with the facts it states in order of appearance."""

    text: str
    facts: tuple[FactKey, ...] = ()


@dataclass(frozen=True)
class _Scope:
    values: Mapping[str, ShownFact]
    flags: frozenset[str]


class Filler:
    """Fills variants from one request's facts in one language."""

    def __init__(
        self,
        book: FactBook,
        templates: LanguageTemplates,
        request_fields: Mapping[str, str],
    ) -> None:
        self.book = book
        self.templates = templates
        self.request_fields = request_fields
        self._scope = _Scope(book.scalars, book.flags)

    def variant(
        self, variant: Variant, scope: _Scope | None = None, *, nested: bool = False
    ) -> Rendered | None:
        """Fill one variant, or None when a condition fails or a placeholder has no value."""
        scope = scope or self._scope
        if not variant.applies(scope.flags):
            return None
        pieces: list[str] = []
        facts: list[FactKey] = []
        position = 0
        for match in PLACEHOLDER.finditer(variant.text):
            pieces.append(variant.text[position : match.start()])
            position = match.end()
            kind, name = match.group(1), match.group(2)
            filled = self._placeholder(kind, name, scope, nested=nested)
            if filled is None:
                return None
            text = filled.text
            if match.start() == 0 and match.group(1) == "@":
                text = text[:1].upper() + text[1:]
            if match.group(1) == "":
                _drop_repeated_label(pieces, text)
            pieces.append(text)
            facts.extend(filled.facts)
        pieces.append(variant.text[position:])
        return Rendered("".join(pieces).strip(), tuple(facts))

    def _placeholder(self, kind: str, name: str, scope: _Scope, *, nested: bool) -> Rendered | None:
        if kind == "$":
            value = self.request_fields.get(name)
            return Rendered(value) if value else None
        if kind == "@":
            return None if nested else self.first(self.templates.phrases[name], scope, nested=True)
        if kind == "*":
            return None if nested else self._lines(name)
        shown = scope.values.get(name)
        if shown is None:
            return None
        key = (shown.fact.name, shown.fact.source)
        if name != "next_step":
            return Rendered(shown.text, (key,))
        if nested:
            return None
        step = self.templates.next_steps.get(shown.fact.value.lower())
        if step is None:
            free = self.templates.free_next_step.replace("{value}", shown.text)
            return Rendered(free, (key,))
        worded = self.first(step, scope, nested=True)
        return Rendered(worded.text, (key, *worded.facts)) if worded else None

    def _lines(self, name: str) -> Rendered | None:
        line_list = self.templates.lists[name]
        rendered = [
            item
            for line in self.book.lines
            if line.owner == line_list.of
            and (item := self.first(line_list.item, self._line_scope(line), nested=True))
        ]
        if not rendered:
            return None
        texts = [item.text for item in rendered]
        joined = line_list.separator.join(texts[:-1])
        text = f"{joined}{line_list.last_separator}{texts[-1]}" if joined else texts[-1]
        return Rendered(text, tuple(key for item in rendered for key in item.facts))

    def _line_scope(self, line: LineFacts) -> _Scope:
        return _Scope({**self.book.scalars, **line.facts}, self.book.flags | line.flags)

    def first(
        self, variants: Sequence[Variant], scope: _Scope | None = None, *, nested: bool = False
    ) -> Rendered | None:
        """The first variant that can be filled, or None."""
        for variant in variants:
            rendered = self.variant(variant, scope, nested=nested)
            if rendered is not None:
                return rendered
        return None

    def sentence(self, variants: Sequence[Variant]) -> Rendered | None:
        """Like :meth:`first`, ending the text with a full stop if it has no closing mark."""
        rendered = self.first(variants)
        if rendered is None or not rendered.text:
            return None
        text = rendered.text if rendered.text.endswith(_TERMINAL) else f"{rendered.text}."
        if text.endswith("..") and not text.endswith("..."):
            text = text[:-1]
        return Rendered(text[:1].upper() + text[1:], rendered.facts)

    def paragraph(self, slots: Sequence[Sequence[Variant]]) -> Rendered | None:
        """The sentences of ``slots`` that can be filled, joined; None when there are none."""
        sentences = [s for s in (self.sentence(slot) for slot in slots) if s is not None]
        if not sentences:
            return None
        return Rendered(
            " ".join(s.text for s in sentences), tuple(f for s in sentences for f in s.facts)
        )
