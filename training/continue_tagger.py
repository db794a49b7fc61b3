#!/usr/bin/env python3
"""Continue training a Stanza tagger from a saved model (Stanza's tagger has no resume option).

Usage: python training/continue_tagger.py --init SAVED_TAGGER.pt <the stanza.models.tagger training arguments>

Runs ``stanza.models.tagger`` unchanged, except that its freshly built Trainer takes its weights
from --init (same training data, so the same vocabulary). Used to give the tagger more steps in
separate sittings on a 2-core machine.
"""
import sys

import stanza.models.tagger as tagger
from stanza.models.pos.trainer import Trainer


def main() -> None:
    argv = sys.argv[1:]
    i = argv.index("--init")
    init = argv[i + 1]
    del argv[i : i + 2]

    def resumed(*args, **kwargs):
        if kwargs.get("model_file") is None:
            kwargs["model_file"] = init
            kwargs.pop("vocab", None)
        return Trainer(*args, **kwargs)

    tagger.Trainer = resumed
    tagger.main(argv)


if __name__ == "__main__":
    main()
