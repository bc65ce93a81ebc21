"""The scale benchmark (``python -m bench.scale``): a synthetic corpus and the build's stages on it."""
