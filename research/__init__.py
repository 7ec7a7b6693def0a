"""Studies behind the design: sweeps and probes whose results live in docs/ (not part of `make bench`).

python -m research.design_space [--prove]            # circuit size per architecture (docs/design-space.*)
python -m research.nouns_capacity [--train --prove]  # why nouns32 was bounded (docs/nouns-capacity.json)
python -m research.float_vs_int8 [--prove]           # float vs int8 circuits of nouns32 (build nouns32 first)
python -m research.output_stage                      # the output stage's precision: float / fractional / integer
python -m research.photo_to_noun                     # photo -> Noun grid (docs/images/nouns-photo-to-noun.png)
"""
