"""minigrad.profiler and minigrad.autograd.profiler: which events are recorded, self and total
times that add up, the schedule, the table and the trace files, and bad input."""

import gzip
import json
import os

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import recorder
from minigrad.errors import ArgumentError, ArgumentRuntimeError
from minigrad.profiler import ProfilerActivity, profile, record_function, schedule, tensorboard_trace_handler


def _model():
    mg.manual_seed(0)
    return mg.nn.Sequential(mg.nn.Linear(6, 5), mg.nn.ReLU(), mg.nn.Linear(5, 2))


def test_forward_backward_and_blocks_are_events():
    m, x = _model(), mg.randn(4, 6)
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        with record_function("step"):
            m(x).sum().backward()
    names = [e.name for e in prof.events()]
    for name in ("Linear", "ReLU", "Sum", "LinearBackward", "ReLUBackward", "SumBackward", "step"):
        assert name in names, name
    assert names.count("Linear") == 2 and names[-1] == "step"  # the block ends last
    linear = next(e for e in prof.events() if e.name == "Linear")
    assert linear.input_shapes == [[4, 6], [5, 6], [5]]
    assert recorder.active is None  # off again after the block


def test_self_time_is_total_less_the_events_inside():
    m, x = _model(), mg.randn(4, 6)
    with profile() as prof:
        with record_function("outer"):
            with record_function("inner"):
                m(x)
            m(x)
    events = {e.name: e for e in prof.events() if e.kind == "user"}
    ops = [e for e in prof.events() if e.kind == "op"]
    inner_ops = sum(e.duration_ns for e in ops[:len(ops) // 2])
    assert events["inner"].children_ns == inner_ops
    assert events["outer"].children_ns == events["inner"].duration_ns + sum(e.duration_ns for e in ops[len(ops) // 2:])
    assert events["outer"].self_ns == events["outer"].duration_ns - events["outer"].children_ns >= 0
    avg = {a.key: a for a in prof.key_averages()}
    assert avg["Linear"].count == 4 and avg["ReLU"].count == 2
    assert avg["outer"].cpu_time_total == pytest.approx(events["outer"].duration_ns / 1e3)
    total = prof.key_averages().self_cpu_time_total  # every nanosecond counted once, as someone's self time
    assert total == pytest.approx(events["outer"].duration_ns / 1e3)


def test_nothing_is_recorded_outside_or_after_an_error():
    m, x = _model(), mg.randn(2, 6)
    with pytest.raises(RuntimeError, match="boom"):
        with profile():
            m(x)
            raise RuntimeError("boom")
    assert recorder.active is None
    with record_function("alone"):  # outside a profile: nothing to record into, nothing fails
        m(x)
    with mg.autograd.profiler.profile(enabled=False) as prof:
        m(x)
    assert prof.events() == [] and recorder.active is None


def test_schedule_records_the_active_steps_only():
    m, x = _model(), mg.randn(2, 6)
    ready = []
    sched = schedule(wait=1, warmup=1, active=2, repeat=1)
    with profile(schedule=sched, on_trace_ready=lambda p: ready.append([e.name for e in p.events()])) as prof:
        for step in range(6):
            with record_function(f"step{step}"):
                m(x)
            prof.step()
    assert len(ready) == 1
    assert [n for n in ready[0] if n.startswith("step")] == ["step2", "step3"]
    assert [sched(i).name for i in range(7)] == ["NONE", "WARMUP", "RECORD", "RECORD_AND_SAVE", "NONE", "NONE", "NONE"]


def test_table_and_traces(tmp_path):
    m, x = _model(), mg.randn(4, 6)
    with mg.autograd.profiler.profile(record_shapes=True) as prof:
        m(x).sum().backward()
    table = prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=3)
    lines = table.splitlines()
    assert "Self CPU %" in lines[1] and "# of Calls" in lines[1]
    assert len(lines) == 3 + 3 + 2 and lines[-1].startswith("Self CPU time total:")
    selfs = sorted((a.self_cpu_time_total for a in prof.key_averages()), reverse=True)[:3]
    assert [lines[3 + i].split()[0] for i in range(3)] == [
        next(a.key for a in prof.key_averages() if a.self_cpu_time_total == s) for s in selfs]
    assert "[[4, 6], [5, 6], [5]]" in prof.key_averages(group_by_input_shape=True).table()
    assert prof.total_average().count == len(prof.function_events)
    path = str(tmp_path / "trace.json")
    prof.export_chrome_trace(path)
    trace = json.load(open(path))["traceEvents"]
    assert len(trace) == len(prof.events()) and all(e["ph"] == "X" and e["dur"] >= 0 for e in trace)
    assert sorted(e["ts"] for e in trace) == [e["ts"] for e in trace]
    prof.export_chrome_trace(path + ".gz")
    assert json.loads(gzip.open(path + ".gz", "rt").read())["traceEvents"] == trace
    with profile(on_trace_ready=tensorboard_trace_handler(str(tmp_path / "tb"), worker_name="w0")):
        m(x)
    (written,) = os.listdir(tmp_path / "tb")
    assert written.startswith("w0.") and written.endswith(".pt.trace.json")


def test_record_function_as_a_decorator():
    @record_function("helper")
    def helper(a):
        return (a * 2).sum()

    with profile() as prof:
        assert float(helper(mg.ones(3))) == 6.0
    assert [e.name for e in prof.events()][-1] == "helper"


def test_bad_input():
    with pytest.raises(ArgumentError, match="sort_by must be one of"):
        with profile() as prof:
            mg.ones(2).sum()
        prof.key_averages().table(sort_by="speed")
    with pytest.raises(ArgumentError, match="schedule: wait, warmup"):
        schedule(wait=0, warmup=0, active=0)
    with pytest.raises(ArgumentError, match="record_function: the name must be a string"):
        record_function(3)
    with pytest.raises(ArgumentError, match="activities must be ProfilerActivity"):
        profile(activities=["cpu"])
    with profile():
        with pytest.raises(ArgumentRuntimeError, match="another profile is already running"):
            with profile():
                pass
    assert recorder.active is None


def test_the_profiled_values_are_unchanged():
    m, x = _model(), mg.randn(4, 6)
    plain = m(x).detach().numpy()
    with profile():
        y = m(x)
    np.testing.assert_array_equal(y.detach().numpy(), plain)


def test_same_program_runs_under_torch():
    torch = pytest.importorskip("torch")
    for lib in (torch, mg):
        m, x = lib.nn.Linear(4, 2), lib.randn(3, 4)
        with lib.profiler.profile(activities=[lib.profiler.ProfilerActivity.CPU], record_shapes=True) as prof:
            with lib.profiler.record_function("block"):
                m(x).sum().backward()
        avgs = prof.key_averages()
        block = next(a for a in avgs if a.key == "block")
        assert block.count == 1 and block.cpu_time_total >= block.self_cpu_time_total > 0
        assert "Self CPU time total" in avgs.table(sort_by="cpu_time_total", row_limit=5)
