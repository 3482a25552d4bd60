"""Record the names CuPy really has, for the stand-in device's namespace test.

CuPy does not import without CUDA, so its names are read statically from the wheel:

- the Python modules (``cupy``, ``cupy.random``, ``cupy.cuda``, ``cupy.linalg``, ...) by parsing
  their source: every name bound at module level (imports, assignments, functions, classes,
  and the names a module-level ``__getattr__`` hands out lazily);
- the compiled classes (``cupy.ndarray``, ``cupy.random.Generator``, ``cupy.cuda.Device``, ...)
  from the qualified names Cython leaves in the extension modules' string tables, such as
  ``cupy.random._generator_api.Generator.integers``.

The result is tests/standin_cupy/cupy_names.txt, one ``namespace name`` pair a line, and
tests/standin_cupy/cupy_signatures.txt, the signatures of the methods of CuPy's random
Generator (Cython keeps them in its docstrings), one ``namespace name(signature)`` a line.

    python scripts/record_cupy_names.py                 # downloads the wheel with pip
    python scripts/record_cupy_names.py path/to/cupy_cuda12x-*.whl
"""

import ast
import pathlib
import re
import subprocess
import sys
import tempfile
import zipfile

PACKAGE = "cupy-cuda12x==14.2.0"
OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "standin_cupy" / "cupy_names.txt"

MODULES = {  # namespace -> source file in the wheel
    "cupy": "cupy/__init__.py",
    "cupy.random": "cupy/random/__init__.py",
    "cupy.cuda": "cupy/cuda/__init__.py",
    "cupy.linalg": "cupy/linalg/__init__.py",
    "cupy.fft": "cupy/fft/__init__.py",
    "cupy.lib": "cupy/lib/__init__.py",
    "cupy.lib.stride_tricks": "cupy/lib/stride_tricks.py",
}

# namespace -> (extension module in the wheel, the qualified prefixes of its members)
COMPILED = {
    "cupy.ndarray": ("cupy/_core/core", ["cupy._core.core._ndarray_base."]),
    "cupy.ufunc": ("cupy/_core/_kernel", ["cupy._core._kernel.ufunc."]),
    "cupy.random.Generator": ("cupy/random/_generator_api", ["cupy.random._generator_api.Generator."]),
    "cupy.cuda.Device": ("cupy/cuda/device", ["cupy.cuda.device.Device."]),
    "cupy.cuda.Stream": ("cupy/cuda/stream", ["cupy.cuda.stream.Stream.", "cupy.cuda.stream._BaseStream."]),
    "cupy.cuda.MemoryPool": ("cupy/cuda/memory", ["cupy.cuda.memory.MemoryPool."]),
    "cupy.cuda.runtime": ("cupy_backends/cuda/api/runtime", ["cupy_backends.cuda.api.runtime."]),
}

# Cython properties leave no qualified name, only the getter's mangled symbol
PROPERTIES = {
    "cupy.ndarray": "__pyx_getprop_4cupy_5_core_4core_13_ndarray_base_",
    "cupy.ufunc": "__pyx_getprop_4cupy_5_core_7_kernel_5ufunc_",
    "cupy.cuda.Device": "__pyx_getprop_4cupy_4cuda_6device_6Device_",
    "cupy.cuda.Stream": "__pyx_getprop_4cupy_4cuda_6stream_11_BaseStream_",
}


# cdef attributes leave neither kind of string; these are documented in CuPy's reference
ATTRIBUTES = {
    "cupy.cuda.Stream": {"ptr", "device_id", "null"},
    "cupy.random.Generator": {"bit_generator"},  # the BitGenerator it was made with
}


def module_names(source):
    """The names bound at the top level of a module, the lazy ``__getattr__`` ones included."""
    names = set()

    def visit(body):
        for node in body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.name != "*":
                        names.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
                if node.name == "__getattr__":  # `if key == 'Generator': ...`
                    for sub in ast.walk(node):
                        if isinstance(sub, ast.Compare) and isinstance(sub.comparators[0], ast.Constant):
                            names.add(sub.comparators[0].value)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for sub in ast.walk(target):
                        if isinstance(sub, ast.Name):
                            names.add(sub.id)
            elif isinstance(node, (ast.If, ast.Try)):
                visit(node.body)
                visit(getattr(node, "orelse", []))
                for handler in getattr(node, "handlers", []):
                    visit(handler.body)

    visit(ast.parse(source).body)
    return {n for n in names if isinstance(n, str) and not n.startswith("_")}


def compiled_names(blob, prefixes, prop_prefix=None):
    """Member names of a compiled class, read from its extension module's strings."""
    text = blob.decode("latin-1")
    names = set()
    for prefix in prefixes:
        names |= set(re.findall(re.escape(prefix) + r"([A-Za-z_][A-Za-z_0-9]*)(?![A-Za-z_0-9.])", text))
    if prop_prefix:
        names |= set(re.findall(re.escape(prop_prefix) + r"([A-Za-z_][A-Za-z_0-9]*?)(?:P7_objectPv)?(?![A-Za-z_0-9])",
                                text))
    # public names, and the dunders that decide how an array behaves
    return {n for n in names if not n.startswith("_") or (n.startswith("__") and n.endswith("__"))} - {
        "__pyx_unpickle"}


# the Python signatures Cython embeds in docstrings, for the classes whose calls minigrad makes
SIGNATURES = {"cupy.random.Generator": ("cupy/random/_generator_api",
                                        r"(?<![\w.])Generator\.([a-z]\w*)(\(self[^\n\x00]*\))")}
SIGNATURES_OUT = OUT.with_name("cupy_signatures.txt")


def signatures(blob, pattern):
    """name -> "(self, ...)" for each public method whose signature the module's strings hold."""
    return dict(re.findall(pattern, blob.decode("latin-1")))


def record(wheel):
    lines = []
    with zipfile.ZipFile(wheel) as z:
        files = z.namelist()
        for namespace, path in MODULES.items():
            for name in sorted(module_names(z.read(path).decode())):
                lines.append(f"{namespace} {name}")
        for namespace, (stem, prefixes) in COMPILED.items():
            so = next(f for f in files if f.startswith(stem + ".") and f.endswith(".so"))
            names = compiled_names(z.read(so), prefixes, PROPERTIES.get(namespace)) | ATTRIBUTES.get(namespace, set())
            for name in sorted(names):
                lines.append(f"{namespace} {name}")
        sig_lines = []
        for namespace, (stem, pattern) in SIGNATURES.items():
            so = next(f for f in files if f.startswith(stem + ".") and f.endswith(".so"))
            for name, sig in sorted(signatures(z.read(so), pattern).items()):
                sig_lines.append(f"{namespace} {name}{sig}")
    header = (f"# Names CuPy has, read from the {pathlib.Path(wheel).name} wheel by "
              "scripts/record_cupy_names.py.\n# One 'namespace name' pair a line.\n")
    OUT.write_text(header + "\n".join(lines) + "\n")
    SIGNATURES_OUT.write_text(header.replace("Names", "Signatures").replace("'namespace name' pair",
                                                                             "'namespace name(signature)'")
                              + "\n".join(sig_lines) + "\n")
    print(f"wrote {len(lines)} names to {OUT} and {len(sig_lines)} signatures to {SIGNATURES_OUT}")


def main():
    if len(sys.argv) > 1:
        record(sys.argv[1])
        return
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", tmp, PACKAGE], check=True)
        record(next(pathlib.Path(tmp).glob("*.whl")))


if __name__ == "__main__":
    main()
