"""A local, Wistia-compatible (Data API v1) test server with deterministic data and faults.

    from wistia_sandbox import FakeWistia, generate_dataset

    with FakeWistia(generate_dataset(seed=1)) as srv:
        ...  # srv.url == "http://127.0.0.1:<port>/v1", srv.token == "test-token"

Run it by hand with ``python -m wistia_sandbox --port 8765``.
"""

from .data import generate_dataset
from .dataset import Dataset
from .faults import Fault, FaultSet
from .record_basics import parse_ts
from .server import FakeWistia, RequestLog

__all__ = [
    "Dataset",
    "FakeWistia",
    "Fault",
    "FaultSet",
    "RequestLog",
    "generate_dataset",
    "parse_ts",
]
