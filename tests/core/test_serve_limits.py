"""`manage.py serve` sizes granian for thousands of open desks (docs/benchmarks.md, Serving)."""

import resource

import pytest

from comptoir.core.management.commands.serve import granian_args, raise_open_files_limit


def test_granian_holds_ten_thousand_requests_and_streams_at_once_by_default():
    args = granian_args(host="127.0.0.1", port=8000, workers=2, verbosity=1)
    assert args[args.index("--backpressure") + 1] == "10000"
    args = granian_args(host="127.0.0.1", port=8000, workers=1, verbosity=1, max_connections=20_000)
    assert args[args.index("--backpressure") + 1] == "20000"


def test_the_open_files_limit_is_raised_to_the_hard_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard <= 256:
        pytest.fail(f"this machine's hard limit ({hard}) is too low to test with")
    lowered = 256
    resource.setrlimit(resource.RLIMIT_NOFILE, (lowered, hard))
    try:
        now = raise_open_files_limit()
        assert now > lowered
        assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == now
        if hard != resource.RLIM_INFINITY:
            assert now == hard
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
