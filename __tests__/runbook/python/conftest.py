"""Shared fixtures of the runbook handler's tests (pytest).

The handler is runbook/remediate_trail.py, the file the document module inlines as the runbook's aws:executeScript
step: these tests run exactly the code SSM runs. Two implementations answer its calls, neither of them ours:
- moto 5.2.1 (``mock_aws``), for the state-changing matrix;
- botocore's Stubber, where moto departs from AWS, with responses shaped as the CloudTrail API reference shows them.
"""

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HANDLER_PATH = ROOT / "runbook" / "remediate_trail.py"

# moto needs credentials and a Region; never the real ones.
for k, v in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}.items():
    os.environ[k] = v
for k in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
    os.environ.pop(k, None)
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull


def load_handler():
    """runbook/remediate_trail.py as a fresh module (as SSM loads the Script)."""
    spec = importlib.util.spec_from_file_location("remediate_trail", HANDLER_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def rt():
    return load_handler()


sys.path.insert(0, str(Path(__file__).resolve().parent))

#: (test id, every call in order) of each handler run in the matrix, printed at the end of the run.
CALL_LOG = []


@pytest.fixture
def call_log(request):
    def record(names):
        CALL_LOG.append((request.node.name, list(names)))

    return record


def pytest_terminal_summary(terminalreporter):
    """Prints the API calls the handler made for each broken state (issue 8: "print the calls for each state")."""
    if not CALL_LOG:
        return
    from estate import WRITES

    terminalreporter.section("runbook handler: API calls per starting state (moto)")
    for name, calls in CALL_LOG:
        writes = [c for c in calls if c in WRITES]
        terminalreporter.write_line(f"{name}: writes {' '.join(writes) or 'none'} | calls {' '.join(calls)}")
