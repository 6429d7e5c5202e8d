"""Fill template slots from facts: the first variant that can be filled wins, else none is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from exdesk.agents.customer_drafter._templates import PLACEHOLDER

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
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Filler:
    """What placeholders may be filled with."""

    facts: Mapping[str, str]
    """Fact name to the text the draft shows."""
    request_fields: Mapping[str, str]
    """``recipient_name`` / ``customer_name`` when the request gives them."""
    phrases: Mapping[str, Sequence[str]]
    """Phrase name to its variants."""

    def variant(self, template: str, *, in_phrase: bool = False) -> Rendered | None:
        """Fill one variant, or None when one of its placeholders has no value."""
        pieces: list[str] = []
        facts: list[str] = []
        position = 0
        for match in PLACEHOLDER.finditer(template):
            pieces.append(template[position : match.start()])
            position = match.end()
            kind, name = match.groups()
            if kind == "@" and not in_phrase:
                phrase = self.first(self.phrases[name], in_phrase=True)
                if phrase is None:
                    return None
                text = phrase.text
                if match.start() == 0:
                    text = text[:1].upper() + text[1:]
                pieces.append(text)
                facts.extend(phrase.facts)
            elif kind == "$" and self.request_fields.get(name):
                pieces.append(self.request_fields[name])
            elif kind == "" and name in self.facts:
                value = self.facts[name]
                _drop_repeated_label(pieces, value)
                pieces.append(value)
                facts.append(name)
            else:
                return None
        pieces.append(template[position:])
        return Rendered("".join(pieces).strip(), tuple(facts))

    def first(self, variants: Sequence[str], *, in_phrase: bool = False) -> Rendered | None:
        """The first variant that can be filled, or None."""
        for template in variants:
            rendered = self.variant(template, in_phrase=in_phrase)
            if rendered is not None:
                return rendered
        return None

    def sentence(self, variants: Sequence[str]) -> Rendered | None:
        """Like :meth:`first`, ending the text with a full stop if it has no closing mark."""
        rendered = self.first(variants)
        if rendered is None or not rendered.text:
            return None
        text = rendered.text if rendered.text.endswith(_TERMINAL) else f"{rendered.text}."
        if text.endswith("..") and not text.endswith("..."):
            text = text[:-1]
        return Rendered(text, rendered.facts)

    def paragraph(self, slots: Sequence[Sequence[str]]) -> Rendered | None:
        """The sentences of ``slots`` that can be filled, joined; None when there are none."""
        sentences = [s for s in (self.sentence(slot) for slot in slots) if s is not None]
        if not sentences:
            return None
        return Rendered(
            " ".join(s.text for s in sentences), tuple(f for s in sentences for f in s.facts)
        )
