"""asv benchmarks for fastreg, and the peer comparison script ``compare_peers.py``."""
