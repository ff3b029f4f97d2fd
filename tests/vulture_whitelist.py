"""For ``vulture`` (settings in ``pyproject.toml``): names in ``app/`` that are used
where vulture cannot see it.  Never imported.  Each entry says who uses it; when that
goes, the entry goes, and the code too if nothing else needs it.
"""

from types import FrameType

from app.api.demo import DemoLink
from app.api.pages import Group
from app.api.schemas import RunList, RunOptions, ShareInfo, Stepped
from app.instrument import events
from app.instrument.gates import Barrier
from app.instrument.queues import Queue
from app.instrument.shared import Shared
from app.worker.execution import OutputCapture

_templates = (DemoLink.autorun, Group.intro)  # read by templates/*.html
_wire_fields = (RunOptions.pct_steps, Stepped.stepped, RunList.retention, ShareInfo.qr)
_stdlib_api = (  # what a program may call on threading's and queue's own classes
    Barrier.reset,
    Queue.put_nowait,
    Queue.get_nowait,
    Queue.qsize,
    Queue.empty,
    Queue.full,
)
_tests_and_views = (Shared.peek, events.RESOURCE_TYPES)  # tests; static/js mirrors it
_file_protocol = OutputCapture.isatty  # asked by code that prints to sys.stdout
_frame_flags = (FrameType.f_trace_opcodes, FrameType.f_trace_lines)  # the tracer reads them
