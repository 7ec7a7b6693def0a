"""Progress lines for long stages: the heartbeat a long blocking proof prints."""

import time

from proofs.progress import heartbeat


def test_heartbeat_reports_while_the_body_runs_and_stops_after_it():
    lines: list[str] = []
    with heartbeat("prove", lines.append, every=0.05):
        time.sleep(0.3)
    count = len(lines)
    time.sleep(0.15)
    assert count >= 3 and len(lines) == count
    assert all(line.startswith("prove: still running, ") and line.endswith("s") for line in lines)


def test_heartbeat_says_nothing_if_the_body_is_quicker_than_one_beat():
    lines: list[str] = []
    with heartbeat("prove", lines.append, every=5):
        pass
    assert lines == []
