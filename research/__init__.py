"""Studies behind the design: sweeps and probes whose results live in docs/results/ (not part of `make bench`).

python -m research.design_space [--prove]            # circuit size per architecture (docs/results/design-space.json)
python -m research.nouns_capacity [--train --prove]  # why nouns32 was bounded (docs/results/nouns-capacity.json)
python -m research.float_vs_int8 [--prove]           # float vs int8 circuits of nouns32 (build nouns32 first)
python -m research.output_stage                      # the output stage's precision: float / fractional / integer
python -m research.photo_to_noun                     # photo -> Noun grid (docs/results/images/nouns-photo-to-noun.png)
"""
