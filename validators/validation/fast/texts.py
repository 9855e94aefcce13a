"""The source texts a run has read, held as their UTF-8 bytes.

A text of accented letters and curly quotes is held by Python's str at two bytes a character,
by UTF-8 at little more than one: for the 26 million characters of 10,000 sources, about 77 MiB
against 27 MiB. A text is decoded when asked for; the checks ask for few of them, pointer_rows
and coverage's sentence splitting for each once. Once those two have read them, a large
package's texts are let go (let_go) and those asked for later are read again from their
files, and held: 25 MiB less at a million claims, from the pointers' step on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, MutableMapping


class SourceTexts(MutableMapping[str, str]):
    """Source id -> text, stored encoded."""

    def __init__(self, texts: Mapping[str, str] | None = None):
        self._data: dict[str, bytes | None] = {}  # None: let go, read again when asked for
        self._read: Callable[[str], bytes] | None = None
        for key, text in (texts or {}).items():
            self[key] = text

    def __getitem__(self, key: str) -> str:
        return self.raw(key).decode("utf-8")

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
        data = self._data[key]
        if data is None:  # held again: a check may ask for one text for each of its pointers
            assert self._read is not None
            data = self._data[key] = self._read(key)
        return data

    def let_go(self, read: Callable[[str], bytes]) -> None:
        """Hold no text any more; ``read(key)`` gives a text's bytes when one is asked for (the
        caller's to prove them the bytes that were checked)."""
        self._read = read
        self._data = dict.fromkeys(self._data)
