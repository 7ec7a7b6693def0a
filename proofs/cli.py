"""The proofs CLI: build a model's ezkl artifacts, and prove a prompt with a committed model.

    python -m proofs build micro               # ONNX -> settings -> setup (vk) -> verifier -> sample fixtures
    python -m proofs prove pixel32 --seed 7    # prove a random prompt, verify, decode, write the PNG
    python -m proofs prove pixel32 --prompt 0x0102...
    python -m proofs build-tree tree-iris-d3    # a decision-tree template: settings -> setup (vk) -> verifier
    python -m proofs encode photo.jpg          # style transfer: the prompt that draws photo.jpg as a Noun
    python -m proofs text "head: shark, glasses: red"   # the prompt of a Noun with named traits

`build` writes the committed files of a model and of its batch circuits (proofs/artifacts/<name>/ and
<name>/batch-<N>/, contracts/verifiers/, and a new development SRS under proofs/srs/ if its logrows has none and
is at most k18; larger ones are generated into the cache). A development SRS is INSECURE (its maker can forge
proofs); the CLI says so once and records the kind in meta.json. `--srs ceremony` downloads ezkl's public
ceremony SRS instead (needs internet); `--srs-file PATH` uses a ceremony SRS file obtained elsewhere (checked
against the circuit's logrows; its sha256 recorded in meta.json). A build is atomic: if it fails, the committed
files are left exactly as they were.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from models import registry
from models.errors import ZkaigcError
from models.trees import TreeTemplate

from . import style, traits
from .files import CACHE_ROOT
from .model_artifacts import ModelArtifacts, committed_models
from .progress import log
from .prompts import random_prompt
from .srs import commit_dev_srs

#: Development SRS files up to this logrows are committed (k18 is about 32 MB); larger ones stay in the cache.
MAX_COMMITTED_SRS_LOGROWS = 18
#: Where `text` writes its preview unless told (gitignored).
PREVIEWS = CACHE_ROOT / "previews"


def _prompt_arg(value: str) -> bytes:
    try:
        return bytes.fromhex(value.removeprefix("0x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not hex: {value!r}") from None


def _text(args: argparse.Namespace) -> int:
    """`python -m proofs text`: the trait list, or a text's prompt, Noun and preview (raises ZkaigcError)."""
    if args.list:
        for kind, names in traits.trait_names().items():
            print(f"{kind} ({len(names)}): {', '.join(names)}")
        return 0
    if args.text is None:
        raise traits.TraitError(f"no text: name traits, e.g. {traits.EXAMPLE!r}, or --list them")
    prompt, seed = traits.prompt_for_text(args.text, args.model)
    out = args.out or PREVIEWS / f"text-{args.model}-{prompt.hex()}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    style.preview(args.model, prompt, out)
    reply = {"model": args.model, "prompt": "0x" + prompt.hex(), "noun": traits.describe(seed), "preview": str(out)}
    print(json.dumps(reply, indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m proofs`."""
    p = argparse.ArgumentParser(
        prog="python -m proofs", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="export, settings, setup, verifier and sample fixtures for a model")
    b.add_argument("model", choices=registry.names())
    b.add_argument(
        "--srs",
        choices=["dev", "ceremony"],
        default="dev",
        help="dev: committed local SRS (INSECURE, anyone who made it can forge); ceremony: download",
    )
    b.add_argument(
        "--srs-file",
        type=Path,
        help="a ceremony SRS file obtained elsewhere (e.g. ezkl's published kzg<logrows>.srs); implies --srs ceremony",
    )
    b.add_argument("--samples", type=int, default=1, help="sample fixtures to prove (default 1)")
    t = sub.add_parser("build-tree", help="settings, setup and verifier for a decision-tree template")
    t.add_argument("template", choices=sorted(registry.names(TreeTemplate)))
    t.add_argument("--srs", choices=["dev", "ceremony"], default="dev", help="as for build")
    t.add_argument("--srs-file", type=Path, help="as for build")
    r = sub.add_parser("prove", help="prove a prompt with a committed model, verify, decode, write the PNG")
    r.add_argument("model", choices=committed_models())
    g = r.add_mutually_exclusive_group()
    g.add_argument("--seed", type=int, help="seed for a reproducible random prompt (default: OS randomness)")
    g.add_argument("--prompt", type=_prompt_arg, help="the prompt as 0x hex (one int8 byte per latent value)")
    r.add_argument("--out", type=Path, help="output folder (default .cache/zkaigc/<model>/runs/<prompt>)")
    e = sub.add_parser("encode", help="style transfer: an image -> the prompt and the preview of its proven image")
    e.add_argument("image", type=Path)
    e.add_argument("--model", default=style.STYLE_MODEL, help=f"a committed model (default {style.STYLE_MODEL})")
    e.add_argument("--out", type=Path, help="preview PNG (default <image stem>-<model>.png beside the image)")
    t = sub.add_parser("text", help="a text naming Nouns traits -> the prompt and the preview of its proven image")
    t.add_argument("text", nargs="?", help=f"e.g. {traits.EXAMPLE!r} (kinds: {', '.join(traits.KINDS)})")
    t.add_argument("--model", default=style.STYLE_MODEL, help=f"a trait model (default {style.STYLE_MODEL})")
    t.add_argument("--out", type=Path, help=f"preview PNG (default {PREVIEWS}/text-<prompt>.png)")
    t.add_argument("--list", action="store_true", help="print every trait name per kind and exit")
    args = p.parse_args(argv)
    os.environ.setdefault("RUST_LOG", "error")
    try:
        if args.cmd == "text":
            return _text(args)
        if args.cmd == "encode":
            out = args.out or args.image.with_name(f"{args.image.stem}-{args.model}.png")
            result = style.encode(args.image, args.model, preview=out)
            reply = {"model": args.model, "prompt": "0x" + result.prompt.hex(), "preview": str(out)}
            if style.is_trait_model(args.model):  # the prompt is a Noun: say which
                reply["noun"] = traits.describe(result.prompt)
            print(json.dumps(reply, indent=1))
            return 0
        if args.cmd in ("build", "build-tree"):
            if args.srs_file is not None:
                if args.srs == "dev" and "--srs" in (argv if argv is not None else sys.argv):
                    raise ZkaigcError("--srs-file is a ceremony SRS: drop --srs dev")
                if not args.srs_file.is_file():
                    raise ZkaigcError(f"--srs-file {args.srs_file}: no such file")
                args.srs = "ceremony"
            # Building and proving import torch and the exporter (seconds): only the commands that need them do.
            from . import build as builder

            name = args.model if args.cmd == "build" else args.template  # a tree template: no samples, no batches
            art = builder.build(name, srs_kind=args.srs, samples=getattr(args, "samples", 1), srs_file=args.srs_file)
            if args.srs == "dev":
                sizes = registry.batch_sizes(name)
                for logrows in sorted({art.batch_circuit(n).logrows for n in (1, *sizes)}):
                    if logrows > MAX_COMMITTED_SRS_LOGROWS:  # over git's file limit: stays in the cache
                        log(f"development SRS for logrows {logrows}: left in the cache (not committed)")
                        continue
                    parts = commit_dev_srs(logrows)
                    log(f"development SRS for logrows {logrows}: {', '.join(str(x) for x in parts)}")
            return 0
        prompt = (
            args.prompt if args.prompt is not None else random_prompt(ModelArtifacts(args.model).encoding(), args.seed)
        )
        from . import build as builder

        run = builder.prove(args.model, prompt, out=args.out)
    except ZkaigcError as err:  # a user mistake or a failed proof: one line, no traceback
        print(f"python -m proofs {args.cmd}: {err}", file=sys.stderr)
        return 1
    log(
        f"{args.model}: proof verified; {len(run.sample.proof)} proof bytes, {len(run.sample.aigc)} aigcData "
        f"bytes; total {run.seconds:.1f}s"
    )
    print(
        json.dumps(
            {
                "prompt": "0x" + run.sample.prompt.hex(),
                "aigcData_bytes": len(run.sample.aigc),
                "proof_bytes": len(run.sample.proof),
                "sample": str(run.sample_json),
                "image": str(run.image),
            },
            indent=1,
        )
    )
    return 0
