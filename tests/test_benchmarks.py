"""The benchmark harness runs end to end (no timing is asserted: these are smoke tests).

``--smoke`` runs each case once (1 warm-up, 1 timed iteration) on the real workloads;
``--smoke-w6-steps 2`` makes the W6 memory processes take 2 train steps instead of 20.
"""

import json
import sys

import pytest

from benchmarks import report, runner
from benchmarks.workloads import WORKLOADS

CASES = [(w.id, c.label) for w in WORKLOADS.values() if w.id != "W6" for c in w.cases]


def _has_torch():
    try:
        import torch  # noqa: F401

        return True
    except ImportError:
        return False


def _rows_by_case(results):
    return {(r["id"], r["case"]): r for r in results["rows"]}


def test_smoke_every_workload_runs_in_both_frameworks(capsys):
    args = runner.parse_args(["--smoke", "--only", "W0,W1,W2,W3,W4,W5"])
    assert (args.warmup, args.iters) == (1, 1)
    results = runner.run(args)
    rows = _rows_by_case(results)
    assert sorted(rows) == sorted(CASES)
    names = ["minigrad"] + (["torch"] if _has_torch() else [])
    for key, row in rows.items():
        for name in names:
            fig = row[name]
            assert "error" not in fig, f"{key} in {name}: {fig['error']}"
            assert len(fig["samples"]) == 1 and fig["median"] == fig["min"] > 0
        if _has_torch():
            assert row["ratio"] == pytest.approx(row["minigrad"]["median"] / row["torch"]["median"])
            assert row["met"] is (None if row["target"] is None else row["ratio"] <= row["target"])
    assert results["meta"]["smoke"] is True
    share = results["conv_fwd_share_of_gemm"]
    assert share["pct_of_gemm"] == pytest.approx(100 * share["conv_fwd_gflops"] / share["gemm_gflops"])

    table = report.format_table(results)
    assert "SMOKE RUN" in table
    for wid, case in CASES:
        assert any(line.startswith(wid) and f": {case} (ms)" in line for line in table.splitlines())
    assert "fwd as % of W0 GEMM rate" in table


def test_w6_runs_each_framework_in_a_fresh_process(tmp_path, capsys):
    out = tmp_path / "w6.json"
    assert runner.main(["--only", "W6", "--smoke-w6-steps", "2", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "W6 ran 2 train steps (smoke setting)" in printed
    results = json.loads(out.read_text())
    rows = _rows_by_case(results)
    assert sorted(rows) == [("W6", "RSS after import"), ("W6", "peak RSS")]
    names = ["minigrad"] + (["torch"] if _has_torch() else [])
    for name in names:
        peak, after_import = rows["W6", "peak RSS"][name], rows["W6", "RSS after import"][name]
        assert "error" not in peak, peak.get("error")
        assert 10 < after_import["median"] <= peak["median"] < 100_000  # MiB
    assert rows["W6", "peak RSS"]["target"] == 0.6


def test_json_file_holds_the_figures(tmp_path, capsys):
    out = tmp_path / "figures.json"
    assert runner.main(["--smoke", "--only", "w0", "--json", str(out)]) == 0
    assert "figures written to" in capsys.readouterr().out
    results = json.loads(out.read_text())
    assert set(results) >= {"meta", "notes", "rows", "gemm_gflops", "conv_fwd_share_of_gemm"}
    (row,) = results["rows"]
    assert set(row) >= {"id", "workload", "case", "unit", "minigrad", "torch", "ratio", "target", "met"}
    assert results["gemm_gflops"]["minigrad"] == pytest.approx(2 * 1024 ** 3 / 1e9 / (row["minigrad"]["median"] / 1e3))
    assert results["conv_fwd_share_of_gemm"] is None  # W3 was not run


def test_without_torch_it_prints_minigrad_alone(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    results = runner.run(runner.parse_args(["--smoke", "--only", "W0"]))
    assert results["meta"]["frameworks"] == ["minigrad"]
    (row,) = results["rows"]
    assert row["torch"] is None and row["ratio"] is None and row["met"] is None
    assert "median" in row["minigrad"]
    table = report.format_table(results)
    assert "torch is not installed" in table and "minigrad's figures alone" in table


def test_minigrad_only_flag(capsys):
    results = runner.run(runner.parse_args(["--smoke", "--only", "W0", "--minigrad-only"]))
    assert results["rows"][0]["torch"] is None
    assert "minigrad's figures alone" in report.format_table(results)


def test_cli_rejects_unknown_workloads_and_bad_counts(capsys):
    with pytest.raises(SystemExit):
        runner.parse_args(["--only", "W2,W9"])
    assert "unknown workload(s) W9" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        runner.parse_args(["--iters", "0"])
    args = runner.parse_args(["--only", "w3, W2"])
    assert args.ids == ["W2", "W3"] and (args.warmup, args.iters) == (3, 20)


def test_settle_pauses_between_calls_outside_the_timing(capsys):
    starts = []

    def call():
        starts.append(runner.time.perf_counter())

    timed = runner.time_interleaved({"a": call, "b": call}, {"a": lambda: None, "b": lambda: None},
                                    warmup=1, iters=2, settle=0.05)
    assert len(starts) == 6 and all(len(t) == 2 for t in timed.values())
    assert all(later - earlier >= 0.05 for earlier, later in zip(starts, starts[1:]))
    assert max(max(t) for t in timed.values()) < 0.05  # the pause is not in the figures
    assert runner.parse_args(["--smoke", "--settle", "0.3"]).settle == 0.0
    with pytest.raises(SystemExit):
        runner.parse_args(["--settle", "-1"])
    assert "--settle" in capsys.readouterr().err


def test_cuda_mode_says_clearly_when_there_is_no_gpu(capsys):
    import minigrad

    if minigrad.is_cuda_available():
        pytest.skip("a GPU is present: the cuda mode runs for real")
    with pytest.raises(SystemExit, match="CUDA needs CuPy and an NVIDIA GPU"):
        runner.run(runner.parse_args(["--device", "cuda", "--smoke", "--only", "W0"]))


def test_report_derives_ratio_target_and_gemm_share():
    def fig(ms):
        return {"median": ms, "min": ms, "samples": [ms]}

    results = {
        "meta": {"numpy": "x", "python": "x", "device": "cpu", "cpu_count": 2, "warmup": 3, "iters": 20, "date": "d"},
        "rows": [
            {"id": "W0", "workload": "GEMM", "case": "GEMM", "unit": "ms", "target": None, "gflop": 2.0,
             "minigrad": fig(10.0), "torch": fig(20.0)},
            {"id": "W3", "workload": "Conv2d", "case": "fwd", "unit": "ms", "target": 1.2, "gflop": 2.0,
             "minigrad": fig(40.0), "torch": fig(25.0)},
            {"id": "W3", "workload": "Conv2d", "case": "fwd+bwd", "unit": "ms", "target": 1.2, "gflop": 2.0,
             "minigrad": fig(30.0), "torch": fig(25.0)},
            {"id": "W4", "workload": "LSTM", "case": "fwd", "unit": "ms", "target": 1.3, "gflop": 1.0,
             "minigrad": {"error": "boom"}, "torch": fig(25.0)},
        ],
    }
    report.add_derived(results)
    gemm, fwd, bwd, lstm = results["rows"]
    assert gemm["ratio"] == 0.5 and gemm["met"] is None
    assert fwd["ratio"] == 1.6 and fwd["met"] is False
    assert bwd["ratio"] == 1.2 and bwd["met"] is True
    assert lstm["ratio"] is None and lstm["met"] is None
    assert results["gemm_gflops"] == {"minigrad": 200.0, "torch": 100.0}
    share = results["conv_fwd_share_of_gemm"]
    assert share["conv_fwd_gflops"] == 50.0 and share["pct_of_gemm"] == 25.0 and share["met"] is False
    table = report.format_table(results)
    assert "W3 Conv2d: fwd (ms)" in table and "1.60" in table and "NO" in table
    assert "25 %" in table and "error: W4 fwd in minigrad: boom" in table


# ---- the engine's speed tricks keep gradients right and unshared ------------------------------------
# The engine hands a gradient over as ``.grad`` without copying it when nothing else holds it,
# and adds the 3rd, 4th, ... contributions to a tensor's gradient in place (engine/_add_grad).
# These tests pin down that neither trick ever lets two gradients share memory or changes a
# gradient someone else still holds.

def test_gradients_handed_over_without_copy_never_share_memory():
    import numpy as np

    import minigrad as mg

    a, b = mg.randn(2, 3, requires_grad=True), mg.randn(2, 3, requires_grad=True)
    (a + b).sum().backward()  # Add returns the same gradient to both inputs
    assert not np.shares_memory(a.grad.array, b.grad.array)

    c, d = mg.randn(2, 3, requires_grad=True), mg.randn(6, requires_grad=True)
    (c.reshape(6) + d).sum().backward()  # c's gradient is a view of d's
    assert not np.shares_memory(c.grad.array, d.grad.array)

    for make in (lambda t: t + 1.0, lambda t: t.reshape(3, 1), lambda t: t * 1.0):
        e = mg.randn(3, requires_grad=True)
        out = make(e)
        given = mg.ones(*out.shape)
        out.backward(given)  # the caller keeps ``given``
        assert not np.shares_memory(e.grad.array, given.array)
        np.testing.assert_array_equal(given.array, 1.0)

    p = mg.randn(4, requires_grad=True)
    q = p + 0.0
    kept = []
    q.register_hook(lambda g: kept.append(g))  # a hook keeps the gradient that flows on to p
    q.sum().backward()
    assert not np.shares_memory(kept[0].array, p.grad.array)

    w, x = mg.randn(4, 3, requires_grad=True), mg.randn(5, 3)
    (x @ w.T).sum().backward()  # Linear's product: the weight gradient comes out row-major
    np.testing.assert_allclose(w.grad.array, np.ones((5, 4)).T @ x.array, rtol=1e-6)
    assert w.grad.array.flags.c_contiguous


def test_repeated_contributions_add_up_and_leave_shared_gradients_alone():
    import numpy as np

    import minigrad as mg

    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2.0
    seen = []
    y.register_hook(lambda g: seen.append(g.array.copy()))
    z = y + y + y + y * 3.0  # y gets 4 contributions: 1 + 1 + 1 + 3
    z.backward(mg.ones(3))
    np.testing.assert_allclose(seen[0], 6.0)
    np.testing.assert_allclose(x.grad.array, 12.0)

    for combine in (lambda a, b: (a + b) + a * 1.0 + a * 1.0, lambda a, b: a * 1.0 + a * 1.0 + (a + b)):
        a, b = mg.randn(3, requires_grad=True), mg.randn(3, requires_grad=True)
        combine(a, b).sum().backward()  # a + b hands one gradient to both a and b
        np.testing.assert_allclose(a.grad.array, 3.0)
        np.testing.assert_allclose(b.grad.array, 1.0)

    w = mg.randn(3, 3, requires_grad=True)
    h0 = mg.randn(2, 3)

    def unrolled():  # a weight used at 5 "time steps", like W_hh in a recurrent layer
        h = h0
        for _ in range(5):
            h = (h @ w).tanh()
        return h.sum()

    unrolled().backward()
    # create_graph=True takes the plain path (no in-place sums, no hand-over): it must agree
    (reference,) = mg.grad(unrolled(), w, create_graph=True)
    np.testing.assert_allclose(w.grad.array, reference.array, rtol=1e-5, atol=1e-6)
    assert not np.shares_memory(w.grad.array, reference.array)
