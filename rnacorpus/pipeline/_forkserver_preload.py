"""Imported only by the build pool's fork server (``executor._PRELOAD``): the import warms that process,
so every build process it forks starts with the modules and ontology tables loaded (:mod:`.preload`)."""

from __future__ import annotations

import logging

from rnacorpus.pipeline.preload import warm_build_process

logging.getLogger(__name__).debug("build processes' preload ready in %.2fs", warm_build_process(freeze=True))
