"""Pocket TTS inference path re-implemented from the spec (shared/reference/pocket-tts-model.md).

Modules take and return their streaming state explicitly (no in-place mutation) so the very
same code runs the PyTorch reference loop and is traced into the ONNX graphs.
"""
