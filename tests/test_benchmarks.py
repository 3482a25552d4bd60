"""The benchmark harness runs end to end (no timing is asserted: these are smoke tests).

``--smoke`` runs each case once (1 round, 1 warm-up, 1 timed call, no pause) on the real
workloads; ``--smoke-w6-steps 2`` makes the W6 memory processes take 2 train steps instead of 20.
The timers, the floor and the report are checked on small stand-ins.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from benchmarks import report, runner, sweep, workloads
from benchmarks.workloads import WORKLOADS, Product

CORE = ("W0", "W1", "W2", "W3", "W4", "W5", "W7")  # the workloads of this package (extra modules test their own)
CASES = [(w.id, c.label) for w in WORKLOADS.values() if w.id in CORE for c in w.cases]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _has_torch():
    try:
        import torch  # noqa: F401

        return True
    except ImportError:
        return False


def _rows_by_case(results):
    return {(r["id"], r["case"]): r for r in results["rows"]}


def test_smoke_every_workload_runs_in_both_frameworks_with_its_floor(capsys):
    ids = ",".join(sorted({wid for wid, _ in CASES}))
    args = runner.parse_args(["--smoke", "--only", ids])
    assert (args.warmup, args.iters, args.rounds, args.pause) == (1, 1, 1, 0.0)
    results = runner.run(args)
    rows = _rows_by_case(results)
    assert sorted(rows) == sorted(CASES)
    names = ["minigrad"] + (["torch"] if _has_torch() else [])
    for key, row in rows.items():
        for name in names:
            fig = row[name]
            assert "error" not in fig, f"{key} in {name}: {fig['error']}"
            assert len(fig["samples"]) == 1 and fig["median"] == fig["min"] > 0
        if key[0] in ("W1", "W2", "W3", "W4", "W5"):
            floor = row["floor"]
            assert "error" not in floor, floor["error"]
            assert floor["median"] == pytest.approx(sum(p["count"] * p["median"] for p in floor["products"]))
            assert row["vs_floor"] == pytest.approx(row["minigrad"]["median"] / floor["median"])
            assert row["target_of"] == "floor" and row["met"] is (row["vs_floor"] <= row["target"])
        else:
            assert row["floor"] is None and row["vs_floor"] is None
        if _has_torch():
            assert row["vs_torch"] == pytest.approx(row["minigrad"]["median"] / row["torch"]["median"])
    assert rows["W7", "train step"]["target_of"] == "torch"
    assert rows["W7", "train step"]["met"] is (None if not _has_torch() else rows["W7", "train step"]["vs_torch"] <= 1.0)
    assert rows["W7", "fwd"]["us_per_op"]["minigrad"] == pytest.approx(rows["W7", "fwd"]["minigrad"]["median"] * 1e3 / 6)
    assert results["meta"]["smoke"] is True and results["meta"]["protocol"] == "blocks"

    table = report.format_table(results)
    assert "SMOKE RUN" in table and "mg/floor" in table and "mg/torch" in table
    for wid, case in CASES:
        assert any(line.startswith(wid) and f": {case} (ms)" in line for line in table.splitlines())
    assert "W7 time per op (6 ops in its forward), µs: fwd minigrad" in table
    floors = report.format_floors(results)
    assert "64 x (32,256)@(256,1024)" in floors and "(2048,256)@(256,768)" in floors


def test_floor_products_follow_benchmarks_md():
    """The floors of BENCHMARKS.md, product by product."""
    w4 = workloads.floor_products(WORKLOADS["W4"])
    assert [str(p) for p in w4["fwd"]] == ["(2048,64)@(64,1024)", "64 x (32,256)@(256,1024)"]
    assert [str(p) for p in w4["fwd+bwd"][2:]] == ["(1024,2048)@(2048,64)", "(1024,2048)@(2048,256)",
                                                  "64 x (32,1024)@(1024,256)"]
    w3 = workloads.floor_products(WORKLOADS["W3"])
    assert [str(p) for p in w3["fwd+bwd"]] == ["(32768,576)@(576,64)", "(64,32768)@(32768,576)",
                                               "(32768,64)@(64,576)"]
    w2 = workloads.floor_products(WORKLOADS["W2"])["train step"]
    assert "(50176,9)@(9,32)" in map(str, w2) and "(50176,64)@(64,9)" not in map(str, w2)  # no dx for conv 1
    assert len(w2) == 4 + 2 + 1 + 2 + 2  # forwards; conv 1 dW; conv 2 dW, dcols; two Linear dW, dx
    w1 = workloads.floor_products(WORKLOADS["W1"])["train step"]
    assert len(w1) == 3 + 3 + 2  # the first layer's input needs no gradient
    w5 = workloads.floor_products(WORKLOADS["W5"])
    stacks = [p for p in w5["fwd+bwd"] if p.stack]
    assert len(w5["fwd"]) == 4 and len(stacks) == 2 + 4 and {p.stack for p in stacks} == {128}
    assert workloads.floor_products(WORKLOADS["W4"], seq=8)["fwd"][1] == Product(32, 256, 1024, count=8)
    assert workloads.floor_products(WORKLOADS["W5"], batch_scale=8)["fwd"][0] == Product(16384, 256, 768)


def test_floor_sums_count_times_median_in_the_fastest_layout():
    products = [Product(2, 3, 4, count=5), Product(2, 3, 4), Product(6, 2, 2, stack=3)]
    timed = {"(2,3)@(3,4)": [0.001, 0.003, 0.002], "(3,6,2)@(3,2,2)": [0.004]}
    floor = runner.summarize_floor(timed, products)
    assert floor["median"] == pytest.approx(5 * 2.0 + 2.0 + 4.0)
    assert floor["min"] == pytest.approx(5 * 1.0 + 1.0 + 4.0)
    assert [p["count"] for p in floor["products"]] == [5, 1, 1]
    assert runner.summarize_floor("ValueError: x", products) == {"error": "ValueError: x"}

    import numpy as np

    fw = workloads.load_framework("minigrad")
    parts = runner.floor_participant(fw, products)
    assert sorted(parts) == ["(2,3)@(3,4)", "(3,6,2)@(3,2,2)"]  # each distinct product timed once
    assert parts["(2,3)@(3,4)"]().shape == (2, 4) and parts["(3,6,2)@(3,2,2)"]().shape == (3, 6, 2)
    big = Product(256, 128, 128)  # large enough to be probed
    layout = runner._fastest_layout(fw, np.random.default_rng(0), big)
    assert runner._LAYOUTS["cpu", big] == layout
    for transposed in ((False, False), (True, False), (False, True), (True, True)):
        a, b = runner._operands(fw, np.random.default_rng(0), big, transposed)
        assert (a.shape, b.shape) == big.shapes and a.dtype == b.dtype == np.float32
        assert (a.flags.f_contiguous, b.flags.f_contiguous) == transposed  # column-major: no copy made
        assert a.flags.c_contiguous != transposed[0] and b.flags.c_contiguous != transposed[1]


def _recorder(log, name, cost=0.0):
    def call():
        log.append((name, runner.time.perf_counter()))
        if cost:
            runner.time.sleep(cost)

    return call


def test_block_protocol_alternates_who_goes_first_and_pauses_untimed():
    log = []
    parts = {"a": {"x": _recorder(log, "a")}, "b": {"x": _recorder(log, "b")},
             "c": {"p": _recorder(log, "c1"), "q": _recorder(log, "c2")}}
    syncs = dict.fromkeys(parts, lambda: None)
    timed = runner.time_blocks(parts, syncs, warmup=2, iters=3, rounds=3, pause=0.05)
    names = [n for n, _ in log]
    block = lambda n: [n] * 5
    assert names == (block("a") + block("b") + block("c1") + block("c2") +
                     block("b") + block("c1") + block("c2") + block("a") +
                     block("c1") + block("c2") + block("a") + block("b"))
    assert all(len(s) == 9 for parts_ in timed.values() for s in parts_.values())  # 3 rounds x 3 timed
    gaps = [later - earlier for (n1, earlier), (n2, later) in zip(log, log[1:]) if n1[0] != n2[0]]
    assert len(gaps) == 8 and min(gaps) >= 0.05  # a pause between blocks
    assert max(max(s) for p in timed.values() for s in p.values()) < 0.05  # ... outside the figures


def test_a_participant_that_raises_drops_out_and_the_others_go_on():
    def boom():
        raise ValueError("no such layer")

    log = []
    timed = runner.time_blocks({"a": {"x": boom}, "b": {"x": _recorder(log, "b")}},
                               {"a": lambda: None, "b": lambda: None}, warmup=0, iters=2, rounds=3, pause=0)
    assert timed["a"] == "ValueError: no such layer" and len(timed["b"]["x"]) == 6
    timed = runner.time_interleaved({"a": {"x": boom}, "b": {"x": _recorder(log, "b")}},
                                    {"a": lambda: None, "b": lambda: None}, warmup=0, iters=2)
    assert timed["a"] == "ValueError: no such layer" and len(timed["b"]["x"]) == 2


def test_interleaved_protocol_is_kept_and_labelled(capsys):
    log = []
    timed = runner.time_interleaved({"a": {"x": _recorder(log, "a")}, "b": {"x": _recorder(log, "b")}},
                                    {"a": lambda: None, "b": lambda: None}, warmup=1, iters=2, settle=0.05)
    assert [n for n, _ in log] == ["a", "b"] * 3 and all(len(t["x"]) == 2 for t in timed.values())
    assert all(later - earlier >= 0.05 for (_, earlier), (_, later) in zip(log, log[1:]))
    args = runner.parse_args(["--protocol", "interleaved", "--settle", "0.2", "--only", "W0"])
    assert (args.iters, args.settle) == (20, 0.2)
    results = runner.run(runner.parse_args(["--protocol", "interleaved", "--iters", "1", "--warmup", "0",
                                            "--only", "W0", "--minigrad-only"]))
    assert results["meta"]["protocol"] == "interleaved"
    table = report.format_table(results)
    assert "INTERLEAVED protocol" in table and "not their speed" in table
    with pytest.raises(SystemExit):
        runner.parse_args(["--settle", "0.3"])  # a setting of the interleaved protocol only
    assert "--settle belongs to --protocol interleaved" in capsys.readouterr().err


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
    peak = rows["W6", "peak RSS"]
    assert (peak["target"], peak["target_of"]) == (0.6, "torch")
    if _has_torch():
        assert peak["met"] is (peak["vs_torch"] <= 0.6)


def test_json_file_holds_the_figures(tmp_path, capsys):
    out = tmp_path / "figures.json"
    assert runner.main(["--smoke", "--only", "w0", "--json", str(out)]) == 0
    assert "figures written to" in capsys.readouterr().out
    results = json.loads(out.read_text())
    assert set(results) >= {"meta", "notes", "rows", "gemm_gflops"}
    (row,) = results["rows"]
    assert set(row) >= {"id", "workload", "case", "unit", "minigrad", "torch", "floor", "vs_floor", "vs_torch",
                        "target", "target_of", "met"}
    assert results["gemm_gflops"]["minigrad"] == pytest.approx(2 * 1024 ** 3 / 1e9 / (row["minigrad"]["median"] / 1e3))
    rates = results["elementwise_ns"]  # the cost of one float32 pass on this machine
    assert all(0 < rates[name] < 1000 for name in ("exp", "tanh", "multiply"))
    assert isinstance(rates["simd"], list)


def test_elementwise_rates_name_the_passes_and_the_cpu_extensions():
    from benchmarks import elementwise

    rates = elementwise.measure(elements=4096)
    assert set(rates) == {"exp", "tanh", "multiply", "simd"}
    line = elementwise.format_rates({"exp": 3.14159, "tanh": 2.5, "multiply": 0.25, "simd": ["AVX2", "FMA3"]})
    assert line == ("NumPy float32 passes, ns per element (1 M elements): exp 3.14, tanh 2.50, multiply 0.25"
                    "  (CPU SIMD: AVX2, FMA3)")
    assert "CPU SIMD: none found" in elementwise.format_rates(dict(rates, simd=[]))


def test_without_torch_it_prints_minigrad_and_the_floors_alone(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    results = runner.run(runner.parse_args(["--smoke", "--only", "W0,W1"]))
    assert results["meta"]["frameworks"] == ["minigrad"]
    gemm, mlp = results["rows"]
    assert gemm["torch"] is None and gemm["vs_torch"] is None and gemm["met"] is None
    assert mlp["torch"] is None and mlp["vs_floor"] > 0 and mlp["met"] is (mlp["vs_floor"] <= 1.5)
    table = report.format_table(results)
    assert "torch is not installed" in table and "minigrad's figures and the floors alone" in table


def test_minigrad_only_flag(capsys):
    results = runner.run(runner.parse_args(["--smoke", "--only", "W0", "--minigrad-only"]))
    assert results["rows"][0]["torch"] is None
    assert "minigrad's figures and the floors alone" in report.format_table(results)


def test_cli_rejects_unknown_workloads_and_bad_counts(capsys):
    with pytest.raises(SystemExit):
        runner.parse_args(["--only", "W2,W9"])
    assert "unknown workload(s) W9" in capsys.readouterr().err
    for bad in (["--iters", "0"], ["--rounds", "0"], ["--pause", "-1"]):
        with pytest.raises(SystemExit):
            runner.parse_args(bad)
    args = runner.parse_args(["--only", "w3, W2"])
    assert args.ids == ["W2", "W3"] and (args.warmup, args.iters, args.rounds, args.pause) == (3, 10, 3, 0.3)
    assert runner.parse_args([]).ids == [w for w in WORKLOADS if WORKLOADS[w].in_default_run]


def test_sweep_times_each_size_against_its_floor(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(sweep, "SWEEP", {"W1": ("batch", (2, 8)), "W4": ("seq", (2, 3)), "W5": ("batch", (1, 2))})
    out = tmp_path / "sweep.json"
    assert runner.main(["--sweep", "--smoke", "--minigrad-only", "--json", str(out)]) == 0
    results = json.loads(out.read_text())
    assert results["meta"]["sweep"] is True
    got = [(r["id"], r["case"], r["sizes"][r["swept"]]) for r in results["rows"]]
    assert got == [("W1", "train step", 2), ("W1", "train step", 8),
                   ("W4", "fwd", 2), ("W4", "fwd+bwd", 2), ("W4", "fwd", 3), ("W4", "fwd+bwd", 3),
                   ("W5", "fwd", 1), ("W5", "fwd+bwd", 1), ("W5", "fwd", 2), ("W5", "fwd+bwd", 2)]
    w4 = [r for r in results["rows"] if r["id"] == "W4" and r["case"] == "fwd"]
    assert [r["floor"]["products"][1]["count"] for r in w4] == [2, 3]  # one hidden product per step
    assert all(r["vs_floor"] > 0 for r in results["rows"])
    assert "W4 LSTM: fwd, seq 3 (ms)" in capsys.readouterr().out
    monkeypatch.undo()
    assert {wid: len(v) for wid, (_, v) in sweep.SWEEP.items()} == {"W1": 4, "W4": 4, "W5": 4}
    assert WORKLOADS["W1"].sizes["batch"] in sweep.SWEEP["W1"][1] and 64 in sweep.SWEEP["W4"][1]


def test_plot_script_writes_an_svg(tmp_path):
    pytest.importorskip("matplotlib")
    row = lambda size, mg: {"id": "W1", "workload": "MLP", "case": "train step", "swept": "batch",
                            "sizes": {"batch": size}, "minigrad": {"median": mg}, "torch": {"median": mg / 2},
                            "floor": {"median": 1.0}}
    data = tmp_path / "sweep.json"
    data.write_text(json.dumps({"meta": {"date": "d"}, "rows": [row(16, 4.0), row(256, 1.5)]}))
    svg = tmp_path / "sweep.svg"
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "plot_sweep.py"), str(data), "-o", str(svg)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert svg.read_text().lstrip().startswith("<?xml") and "<svg" in svg.read_text()


def test_plot_script_series_are_ratios_to_the_floor():
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    try:
        import plot_sweep
    finally:
        sys.path.pop(0)
    rows = [{"id": "W4", "workload": "LSTM", "case": "fwd", "swept": "seq", "sizes": {"seq": s, "batch": 32},
             "minigrad": {"median": 3.0 * s}, "torch": {"error": "x"}, "floor": {"median": 2.0 * s}} for s in (8, 16)]
    rows.append({"id": "W0", "workload": "GEMM", "case": "GEMM", "minigrad": {"median": 1.0}})  # not a sweep row
    assert plot_sweep.series({"rows": rows}) == {"W4 LSTM (by seq)": {("fwd", "minigrad"): [(8, 1.5), (16, 1.5)]}}


def test_an_extra_workload_registers_itself(tmp_path, monkeypatch, capsys):
    module = tmp_path / "extra_bench_mod.py"
    module.write_text(textwrap.dedent("""
        from benchmarks.workloads import Case, Product, Workload, register

        def data(rng, batch):
            return {"x": rng.standard_normal((batch, 8), dtype="float32")}

        def build(fw, data):
            lin = fw.nn.Linear(8, 4)
            x = fw.tensor(data["x"])
            return {"fwd": lambda: lin(x)}

        register(Workload("X1", "extra", (Case("fwd", 9.0),), {"batch": 4}, build=build, make_data=data,
                          floor=lambda batch: {"fwd": [Product(batch, 8, 4)]}, in_default_run=False))
    """))
    (tmp_path / "broken_bench_mod.py").write_text("raise ImportError('needs mpi4py')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(workloads, "EXTRA_MODULES", ["extra_bench_mod", "broken_bench_mod", "no_such_bench_mod"])
    try:
        assert "X1" not in runner.parse_args([]).ids  # registered, but not in the default run
        args = runner.parse_args(["--smoke", "--only", "X1", "--minigrad-only"])
        results = runner.run(args)
        (row,) = results["rows"]
        assert row["id"] == "X1" and row["floor"]["median"] > 0 and row["met"] is (row["vs_floor"] <= 9.0)
        assert any("broken_bench_mod could not be imported" in n and "needs mpi4py" in n for n in results["notes"])
        with pytest.raises(ValueError, match="X1 is already registered"):
            workloads.register(workloads.Workload("X1", "other", ()))
    finally:
        WORKLOADS.pop("X1", None)
        sys.modules.pop("extra_bench_mod", None)


def test_cuda_mode_says_clearly_when_there_is_no_gpu(capsys):
    import minigrad

    if minigrad.is_cuda_available():
        pytest.skip("a GPU is present: the cuda mode runs for real")
    with pytest.raises(SystemExit, match="CUDA needs CuPy and an NVIDIA GPU"):
        runner.run(runner.parse_args(["--device", "cuda", "--smoke", "--only", "W0"]))


def test_report_derives_ratios_and_targets():
    def fig(ms):
        return {"median": ms, "min": ms, "samples": [ms]}

    results = {
        "meta": {"numpy": "x", "python": "x", "device": "cpu", "cpu_count": 2, "warmup": 3, "iters": 10,
                 "rounds": 3, "pause": 0.3, "protocol": "blocks", "date": "d"},
        "rows": [
            {"id": "W0", "workload": "GEMM", "case": "GEMM", "unit": "ms", "target": None, "target_of": None,
             "gflop": 2.0, "minigrad": fig(10.0), "torch": fig(20.0), "floor": None},
            {"id": "W3", "workload": "Conv2d", "case": "fwd", "unit": "ms", "target": 1.2, "target_of": "floor",
             "minigrad": fig(40.0), "torch": fig(25.0), "floor": fig(25.0)},
            {"id": "W3", "workload": "Conv2d", "case": "fwd+bwd", "unit": "ms", "target": 1.3, "target_of": "floor",
             "minigrad": fig(30.0), "torch": fig(15.0), "floor": fig(25.0)},
            {"id": "W4", "workload": "LSTM", "case": "fwd", "unit": "ms", "target": 1.5, "target_of": "floor",
             "minigrad": {"error": "boom"}, "torch": fig(25.0), "floor": fig(20.0)},
            {"id": "W7", "workload": "tiny", "case": "train step", "unit": "ms", "target": 1.0, "target_of": "torch",
             "minigrad": fig(0.5), "torch": fig(0.4), "floor": None, "ops": 5},
        ],
    }
    report.add_derived(results)
    gemm, fwd, bwd, lstm, tiny = results["rows"]
    assert gemm["vs_torch"] == 0.5 and gemm["vs_floor"] is None and gemm["met"] is None
    assert fwd["vs_floor"] == 1.6 and fwd["vs_torch"] == 1.6 and fwd["met"] is False
    assert bwd["vs_floor"] == 1.2 and bwd["vs_torch"] == 2.0 and bwd["met"] is True  # judged on the floor
    assert lstm["vs_floor"] is None and lstm["met"] is None
    assert tiny["vs_torch"] == 1.25 and tiny["met"] is False and tiny["us_per_op"] == {"minigrad": 100.0, "torch": 80.0}
    assert results["gemm_gflops"] == {"minigrad": 200.0, "torch": 100.0}
    table = report.format_table(results)
    assert "W3 Conv2d: fwd (ms)" in table and "1.60" in table and "NO" in table and "<= 1.3 x floor" in table
    assert "error: W4 fwd in minigrad: boom" in table and "<= 1 x torch" in table


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
