"""The rewrite of a program's shared data (``app/instrument/rewrite.py``): what is and is
not rewritten, line numbers kept, and every construct meaning what it meant — each
snippet runs as written, rewritten outside a run, and rewritten inside a run (whose log
must be a consistent history), and all three must agree."""

from __future__ import annotations

import ast
import textwrap
import traceback
from typing import Any

import pytest

from app.instrument.data import ACCESS
from app.instrument.program import ACCESS_NAME, PROGRAM_MODULE
from app.instrument.rewrite import instrument
from tests.unit.conftest import assert_consistent, traced_run

pytestmark = pytest.mark.timeout(20)

FILE = "/threadlab-test/program.py"


def rewritten(source: str) -> ast.Module:
    return instrument(ast.parse(textwrap.dedent(source)), FILE).tree


def text(source: str) -> str:
    return ast.unparse(rewritten(source))


def execute(source: str, rewrite: bool) -> dict[str, Any]:
    tree = ast.parse(textwrap.dedent(source))
    if rewrite:
        tree = instrument(tree, FILE).tree
    namespace: dict[str, Any] = {"__name__": PROGRAM_MODULE, ACCESS_NAME: ACCESS}
    exec(compile(tree, FILE, "exec", dont_inherit=True), namespace)
    return namespace


def same_everywhere(source: str) -> Any:
    """``result`` of ``source`` run as written, rewritten, and rewritten in a run."""
    plain = execute(source, rewrite=False)["result"]
    assert execute(source, rewrite=True)["result"] == plain
    with traced_run() as run:
        traced = execute(source, rewrite=True)["result"]
    assert traced == plain
    events = run.events()
    assert_consistent(events)
    assert any(e["kind"] in ("read", "write") for e in events)  # it was traced
    return plain


# --- every construct means what it meant ---------------------------------------------------

SNIPPETS = {
    "augmented names": """
        x = 10
        def ops():
            global x
            x += 5; x -= 1; x *= 3; x //= 4; x **= 2; x %= 7; x <<= 3; x >>= 1
            x &= 12; x |= 3; x ^= 5
            y = x
            x /= 2
            return y
        result = (ops(), x)
    """,
    "augmented attributes and items": """
        class Box:
            def __init__(self):
                self.n = 1
                self.items = [1, 2]
        box = Box()
        grid = [[0, 0], [0, 0]]
        stock = {"apples": 3}
        def work():
            box.n += 41
            box.items += [3]
            grid[1][0] += 5
            stock["apples"] -= 1
            stock["pears"] = stock.get("pears", 0) + 2
            return box.items is box.items
        result = (work(), box.n, box.items, grid, stock)
    """,
    "in-place on a shared list keeps it": """
        items = [1]
        original = items
        def grow():
            global items
            items += [2]
            items *= 2
        grow()
        result = (items is original, items)
    """,
    "unpacking, swaps, several targets": """
        a, b = 1, 2
        class Box:
            pass
        box = Box()
        items = [0, 0, 0]
        def shuffle():
            global a, b
            a, b = b, a
            (box.x, [items[0], *rest]), items[2] = (7, [8, 9, 10]), 11
            a = b = items[1] = [5]
            return rest
        result = (shuffle(), a, b, a is b, items, box.x)
    """,
    "evaluation order": """
        log = []
        def f(tag, value):
            log.append(tag)
            return value
        class Box:
            pass
        box = Box()
        data = {}
        items = [0, 0, 0]
        def run():
            global items
            f("a", items)[f("i", 0)] = f("v", 1)
            box.x = f("v2", 5)
            f("o", box).y = f("v3", 6)
            data[f("k", "key")] = f("v4", 7)
            f("c", items)[f("j", 1)] += f("w", 2)
            f("o2", box).y += f("w2", 1)
            (f("t1", box).p, f("t2", items)[f("t3", 2)]) = (f("u", 8), f("u2", 9))
            return list(log)
        result = (run(), items, data, vars(box))
    """,
    "del": """
        gone = 1
        class Box:
            def __init__(self):
                self.a = 1
                self.b = 2
        box = Box()
        items = [0, 1, 2, 3, 4, 5]
        stock = {"a": 1, "b": 2}
        def remove():
            global gone
            del gone, box.a, items[0]
            del items[::2], stock["a"]
            try:
                return gone
            except NameError as exc:
                return str(exc)
        result = (remove(), vars(box), items, stock)
    """,
    "slices": """
        items = list(range(10))
        def cut():
            head = items[:3]
            items[1:3] = ["x"]
            items[::3] = [None] * len(items[::3])
            return head, items[-2:]
        result = (cut(), items)
    """,
    "nonlocal and captured variables": """
        def outer(start):
            count = start
            seen = []
            def inc(n):
                nonlocal count
                count += n
                seen.append(count)
                return count
            def read():
                return count, seen[-1]
            inc(2)
            inc(3)
            snapshot = count
            count = 100
            return inc(1), read(), snapshot, seen
        result = outer(1)
    """,
    "unbound variables": """
        def outer():
            def inner():
                return x
            try:
                inner()
            except NameError as exc:
                msg = str(exc)
            x = 1
            del x
            try:
                x
            except UnboundLocalError as exc:
                own = str(exc)
            x = 2
            return msg, inner(), own
        def missing():
            global nowhere
            return nowhere
        try:
            missing()
        except NameError as exc:
            result = (outer(), str(exc))
    """,
    "comprehensions, lambdas, walrus": """
        total = 0
        values = [1, 2, 3]
        def running():
            global total
            sums = [(total := total + x) for x in values]
            squares = {x: x * x for x in values if x != total}
            gen = sum(v for v in values)
            pick = (lambda k=values[0]: values[k])()
            return sums, squares, gen, pick, {v % 2 for v in values}
        def closure():
            acc = []
            add = lambda x: acc.append(x) or len(acc)
            return [add(v) for v in values], acc, (n := len(acc)), n
        result = (running(), total, closure())
    """,
    "class bodies": """
        counter = 0
        class K:
            global counter
            counter += 10
            doubled = counter * 2
            names = [n for n in ("a", "b")]
            def read(self):
                return counter
        def outer():
            hidden = 5
            class Inner:
                value = hidden
                def get(self):
                    return hidden
            return Inner.value, Inner().get()
        result = (counter, K.doubled, K.names, K().read(), outer())
    """,
    "for and with targets": """
        import contextlib
        hits = []
        current = None
        class Holder:
            pass
        h = Holder()
        def run():
            global current
            for current in range(3):
                hits.append(current)
            else:
                hits.append("done")
            for h.value in "ab":
                hits.append(h.value)
            for hits[0], *rest in [(1, 2, 3)]:
                hits.append(rest)
            with contextlib.nullcontext(5) as current, contextlib.nullcontext(
                current + 1
            ) as h.other:
                hits.append((current, h.other))
            return current
        result = (run(), hits)
    """,
    "annotations, docstrings, defaults, decorators": """
        '''The module.'''
        from typing import Any
        factor = int("3")
        level: int = 2
        def deco(fn):
            return fn
        @deco
        def scale(x: int, k: int = factor) -> str:
            '''Scale.'''
            global level
            level += 1
            count: Any = level
            return f"{x * k}-{factor}-{count}"
        result = (scale(2), scale.__doc__, __doc__, __annotations__)
    """,
    "future annotations stay text": """
        from __future__ import annotations
        counter: int = 0
        def f(x: counter, *a: list[counter], **k: counter) -> counter:
            global counter
            counter += 1
            return counter
        result = (f(1), f.__annotations__, __annotations__)
    """,
    "match, f-strings, starred calls": """
        point = (1, 2)
        opts = {"sep": "-"}
        items = ["a", "b"]
        def where():
            match point:
                case (0, y):
                    return y
                case (x, 2) if x > 0:
                    return "-".join([*items, f"{x!r:>3}", str(len(items))])
        def joined():
            return "".join(f"{i}{opts['sep']}" for i in items)
        result = (where(), joined())
    """,
    "generators and coroutines": """
        import asyncio
        produced = []
        total = 0
        async def produce(n):
            for i in range(n):
                produced.append(i)
                await asyncio.sleep(0)
        def running():
            global total
            for x in produced:
                total += x
                yield total
        asyncio.run(produce(4))
        result = (list(running()), total, produced)
    """,
    "objects: slots, properties, dataclasses, class attributes": """
        from dataclasses import dataclass, field
        class P:
            __slots__ = ("x",)
            def __init__(self):
                self.x = 1
        class T:
            hits = 0
            def __init__(self):
                self._v = 1
            @property
            def v(self):
                return self._v * 10
            @v.setter
            def v(self, value):
                self._v = value
        @dataclass
        class Item:
            name: str
            tags: list = field(default_factory=list)
        p, t, it = P(), T(), Item("a")
        def use():
            p.x += 1
            t.v = 5
            t.hits += 1
            it.tags.append("x")
            it.name += "!"
            return p.x, t.v, t.hits, T.hits, it.name, it.tags, repr(it)
        result = use()
    """,
    "containers: deque, set, dict methods": """
        from collections import deque, defaultdict
        q = deque([1, 2, 3])
        seen = set()
        counts = defaultdict(int)
        table = {"a": 1}
        def churn():
            q.appendleft(0)
            q.rotate(1)
            first = q.popleft()
            seen.add(first)
            seen.update({7, 8})
            seen.discard(8)
            counts["x"] += 1
            table.update(b=2)
            value = table.pop("a")
            table.setdefault("c", []).append(3)
            items = sorted(seen)
            items.sort(key=lambda v: -v)
            return first, value, items, table.get("zzz"), table.get("b")
        result = (churn(), list(q), sorted(seen), dict(counts), table)
    """,
}


@pytest.mark.parametrize("name", list(SNIPPETS))
def test_every_construct_keeps_its_meaning(name: str) -> None:
    same_everywhere(SNIPPETS[name])


def test_the_snippets_are_rewritten() -> None:
    # A snippet that nothing touched would prove nothing.
    for name, source in SNIPPETS.items():
        assert f"{ACCESS_NAME}." in text(source), name


# --- what is rewritten and what is not ------------------------------------------------------


def test_shared_names_attributes_items_and_methods() -> None:
    out = text(
        """
        import threading
        counter = 0
        items = []
        stock = {"apples": 3}
        def work(account):
            global counter
            counter += 1
            items.append(counter)
            stock["apples"] -= 1
            account.balance -= 10
            print(counter, len(items))
        """
    )
    assert "gw('counter', __threadlab__.iadd(__threadlab__.gr('counter'), 1))" in out
    assert "mc(items, 'items', 'append', __threadlab__.gr('counter'))" in out
    # The container is evaluated once, as Python does, then read and written.
    assert "__tl_1__ = stock" in out
    read = "__threadlab__.ir(__tl_1__, 'apples', 'stock')"
    assert f"iw(__tl_1__, 'apples', __threadlab__.isub({read}, 1), 'stock')" in out
    assert "__threadlab__.aw(account, 'balance', __threadlab__.isub(" in out
    assert "print(__threadlab__.gr('counter'), len(__threadlab__.gr('items')))" in out
    assert out.startswith("__threadlab__ = __threadlab__.bind()\nimport threading")


def test_what_is_never_shared() -> None:
    source = """
        import threading
        from threading import Lock
        N = 5
        lock = threading.Lock()
        other = Lock()
        class Account:
            count = 0
            def __init__(self, balance):
                self.balance = balance
                self.lock = threading.Lock()
                self.history = []
                self.history.append(balance)
            def deposit(self, n):
                self.balance += n
        def helper():
            return N
        def work():
            with lock, other:
                helper()
                t = threading.Thread(target=helper)
                t.start()
                t.join()
                Account.count
                threading.current_thread().name
            local = []
            local.append(N)
            k = 2
            return [x * k for x in local]
        """
    out = text(source)
    for name in ("N", "lock", "other", "helper", "threading", "Lock", "Account", "k"):
        assert f"'{name}'" not in out, name
    assert "self.balance = balance" in out and "self.history.append(balance)" in out
    assert "__threadlab__.aw(self, 'balance'" in out  # outside __init__ it is shared
    assert "t.start()" in out and "local.append(N)" in out


def test_code_that_shares_nothing_is_left_as_written() -> None:
    source = """
        def loop(n):
            total = 0
            for i in range(n):
                total += i * i
            values = [total]
            values.append(n)
            return values[0]
        result = loop(10)
        """
    tree = ast.parse(textwrap.dedent(source))
    before = ast.dump(tree, include_attributes=True)
    assert ast.dump(rewritten(source), include_attributes=True) == before


def test_only_comprehensions_capture_nothing_shared() -> None:
    out = text(
        """
        def scale(values):
            k = 2
            return [v * k for v in values]
        def outer():
            shared = 0
            def inner():
                return shared
            return inner
        """
    )
    assert "'k'" not in out
    assert "__threadlab__.cr(__tl_cell_shared__, 'shared')" in out
    assert "__tl_cell_shared__ = (lambda: shared).__closure__[0]" in out


# --- line numbers ---------------------------------------------------------------------------


def test_new_nodes_carry_the_lines_of_the_code_they_replace() -> None:
    source = textwrap.dedent(
        """
        counter = 0
        items = []

        def work(box):
            global counter
            counter += 1
            items.append(
                counter
            )
            box.value = items[0]
        """
    )
    tree = instrument(ast.parse(source), FILE).tree
    lines = source.splitlines()
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id == ACCESS_NAME
    ]
    assert calls
    for call in calls:
        if call.func.attr == "bind":  # type: ignore[attr-defined]
            continue
        line = lines[call.lineno - 1]
        what = call.args[0] if isinstance(call.args[0], ast.Constant) else call.args[1]
        assert isinstance(what, ast.Constant)
        assert str(what.value) in line or "counter" in line, (call.lineno, ast.unparse(call))
    for node in ast.walk(tree):
        if isinstance(node, (ast.stmt, ast.expr)):
            assert node.lineno >= 1 and node.end_lineno is not None


def test_tracebacks_show_the_program_s_lines() -> None:
    source = """
        counter = 0
        def work():
            global counter
            counter += undefined
        work()
        """
    with pytest.raises(NameError) as info:
        execute(source, rewrite=True)
    frames = [f for f in traceback.extract_tb(info.value.__traceback__) if f.filename == FILE]
    assert [f.lineno for f in frames] == [6, 5]


def test_what_the_compiler_rejects_is_left_for_it_to_say() -> None:
    source = "def f():\n    nonlocal x\n    x = 1\n"
    tree = instrument(ast.parse(source), FILE).tree
    with pytest.raises(SyntaxError, match="no binding for nonlocal 'x' found"):
        compile(tree, FILE, "exec", dont_inherit=True)
