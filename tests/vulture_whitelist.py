"""For ``vulture`` (settings in ``pyproject.toml``): names in ``app/`` that are used
where vulture cannot see it.  Never imported.  Each entry says who uses it; when that
goes, the entry goes, and the code too if nothing else needs it.
"""

import asyncio
from types import FrameType

from app.api.answers import RunList, ShareInfo, Stepped
from app.api.demo import DemoLink
from app.api.pages import Group
from app.api.schemas import RunOptions
from app.instrument import events
from app.instrument.data import Access
from app.instrument.futures import Future
from app.instrument.gates import Barrier
from app.instrument.queues import Queue, SimpleQueue
from app.instrument.rewrite import Rewriter
from app.worker.execution import OutputCapture
from app.worker.program import Program

_templates = (DemoLink.autorun, Group.intro)  # read by templates/*.html
_wire_fields = (RunOptions.pct_steps, Stepped.stepped, RunList.retention, ShareInfo.qr)
_stdlib_api = (  # what a program may call on threading's and queue's own classes
    Barrier.reset,
    Queue.put_nowait,
    Queue.get_nowait,
    Queue.qsize,
    Queue.empty,
    Queue.full,
    Queue.__class_getitem__,
    SimpleQueue.__class_getitem__,
    Future.cancelled,
)
_views = events.RESOURCE_TYPES  # static/js mirrors it
_file_protocol = OutputCapture.isatty  # asked by code that prints to sys.stdout
_printing = BaseException.__suppress_context__  # read by traceback when it prints one
_signature = Program.__signature__  # read by inspect.signature (main's parameters)
_frame_flags = (FrameType.f_trace_opcodes, FrameType.f_trace_lines)  # the tracer reads them
_class_swap = object.__class__  # naming.py sets it: a pending object, then its own class
_rewritten_code_calls = (  # the program's code calls them once rewrite.py has rewritten it
    *(Access.gr, Access.gwv, Access.gdel, Access.cr, Access.cwv, Access.cdel),
    *(Access.ar, Access.aw, Access.adel, Access.aref),
    *(Access.ir, Access.iw, Access.idel, Access.iref, Access.mc),
)
_ast_dispatch = (Rewriter.visit_AnnAssign, Rewriter.visit_NamedExpr, Rewriter.visit_match_case)
_loop_api = asyncio.AbstractEventLoop.shutdown_default_executor  # asyncio_threads.py sets it
