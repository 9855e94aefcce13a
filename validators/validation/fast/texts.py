"""The source texts a run has read, held as their UTF-8 bytes.

A text of accented letters and curly quotes is held by Python's str at two bytes a character,
by UTF-8 at little more than one: for the 26 million characters of 10,000 sources, about 77 MiB
against 27 MiB, held from the sources' step to coverage at the end. A text is decoded when
asked for; the checks ask for few of them, pointer_rows and coverage for each once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping


class SourceTexts(MutableMapping[str, str]):
    """Source id -> text, stored encoded."""

    def __init__(self, texts: Mapping[str, str] | None = None):
        self._data: dict[str, bytes] = {}
        for key, text in (texts or {}).items():
            self[key] = text

    def __getitem__(self, key: str) -> str:
        return self._data[key].decode("utf-8")

    def __setitem__(self, key: str, text: str) -> None:
        self._data[key] = text.encode("utf-8")

    def __delitem__(self, key: str) -> None:
        del self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def raw(self, key: str) -> bytes:
        """The text's UTF-8 bytes, not decoded."""
        return self._data[key]
