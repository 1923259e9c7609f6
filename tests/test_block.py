"""The native Block (``engine._block``) against the pure-Python one (``document.PyBlock``):
one interface, and documents of either kind scrubbed alike."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from scrubber import Scrubber
from scrubber.document import Block, Document, PyBlock
from scrubber.fronts.text import split_text

_NATIVE = Block is not PyBlock
needs_native = pytest.mark.skipif(not _NATIVE, reason="the native core is not built")
SEED = (Path(__file__).parent.parent / "fixtures" / "golden" / "seed_zh_hant" / "input.txt").read_text("utf-8")

_ARGS = (3, "ab c", 10, 14, 8, 15, 2)


@pytest.mark.parametrize("cls", [Block, PyBlock])
def test_constructor_fields_and_defaults(cls: type) -> None:
    b = cls(*_ARGS)
    assert (b.index, b.text, b.start, b.end, b.line_start, b.line_end, b.para) == _ARGS
    assert (b.tag, b.link_density, b.dom_verdict, b._folded) == ("", 0.0, None, None)
    k = cls(*_ARGS, tag="p", link_density=0.5, dom_verdict=("DOM-1", "navigation"))
    assert (k.tag, k.link_density, k.dom_verdict) == ("p", 0.5, ("DOM-1", "navigation"))
    k._folded = "ab c"  # State.folded's cache
    assert k._folded == "ab c"


def test_same_interface() -> None:
    """Equality by value (the cache aside), repr, pickling, unhashable: as the dataclass."""
    for cls in (Block, PyBlock):
        a, b = cls(*_ARGS), cls(*_ARGS)
        b._folded = "x"
        assert a == b and a != cls(*_ARGS, tag="p") and a != cls(4, *_ARGS[1:])
        assert pickle.loads(pickle.dumps(a)) == a
        with pytest.raises(TypeError):
            hash(a)
    assert repr(Block(*_ARGS)).split("(", 1)[1] == repr(PyBlock(*_ARGS)).split("(", 1)[1]
    assert (Block(*_ARGS) == PyBlock(*_ARGS)) is (not _NATIVE)  # (compared within one class)


@needs_native
def test_native_block_rejects_bad_fields() -> None:
    with pytest.raises(TypeError):
        Block(0, None, 0, 0, 0, 0, 0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Block(0, "a", "0", 1, 0, 1, 0)  # type: ignore[arg-type]
    b = Block(*_ARGS)
    with pytest.raises(TypeError):
        b.text = None  # type: ignore[assignment]


@needs_native
def test_lines_cut_when_read() -> None:
    """split_text's blocks cut their text from the source when first read; the same text, and
    the same blocks, as the Python loop's (eager) ones; a text set replaces it."""
    text = " 首頁 > 科技\r\n\n  第二行 text \n\u3000"
    blocks = split_text(text).blocks
    assert blocks == split_text(text, native=False).blocks
    assert [b.text for b in blocks] == [text[b.start : b.end] for b in blocks] == ["首頁 > 科技", "第二行 text"]
    assert pickle.loads(pickle.dumps(blocks)) == blocks
    blocks[0].text = "x"
    assert blocks[0].text == "x" and blocks[0] != split_text(text).blocks[0]


@needs_native
def test_documents_of_python_blocks_scrub_alike() -> None:
    """The native passes read a Block's fields in C and anything else through its attributes:
    a document of PyBlocks gives the Result of the same document's native blocks."""
    s = Scrubber()
    for text in (SEED, "Home > News\n\nShare this:\nFacebook\nTwitter\n\n" + "A sentence, long enough. " * 20):
        doc = split_text(text)
        py = [PyBlock(b.index, b.text, b.start, b.end, b.line_start, b.line_end, b.para) for b in doc.blocks]
        want = s.scrub(text)
        got = s.scrub_document(Document(source=text, blocks=py), text_mode=True)  # type: ignore[arg-type]
        assert got.removals.rows == want.removals.rows and want.removals.rows
        assert (got.text, got.title) == (want.text, want.title)


_WITHOUT_NATIVE = """
import importlib.abc, json, sys

class NoNative(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.startswith("scrubber.engine._") and name.rsplit(".", 1)[1] in {
                "_block", "_scan", "_automaton", "_native", "_lines", "_passes", "_dedup"}:
            raise ImportError(f"{name} blocked: an install without a compiler")
        return None

sys.meta_path.insert(0, NoNative())
from scrubber import scrub
from scrubber.document import Block, PyBlock
assert Block is PyBlock
r = scrub(sys.stdin.read())
print(json.dumps([r.text, r.title, r.removals.rows]))
"""


def test_install_without_native_core_gives_the_same_result() -> None:
    """With none of the native modules importable (an install without a compiler), the
    documents hold PyBlocks and every pass runs in Python: the Result is the native one."""
    import json
    import subprocess
    import sys

    from scrubber import scrub

    out = subprocess.run([sys.executable, "-c", _WITHOUT_NATIVE], input=SEED, capture_output=True,
                         text=True, check=True, cwd=Path(__file__).parent.parent)
    want = scrub(SEED)
    assert json.loads(out.stdout) == [want.text, want.title, [list(r) for r in want.removals.rows]]
