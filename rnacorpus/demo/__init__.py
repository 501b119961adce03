"""The offline demo: project-generated GEO files, a loopback mirror, a real harvest, query, export."""

from rnacorpus.demo.run import DEMO_QUERY, DemoResult, run_demo

__all__ = ["DEMO_QUERY", "DemoResult", "run_demo"]
