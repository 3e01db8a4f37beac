"""Model dimensions. `tiny` mirrors shared/models/tiny-parity/tiny_config.yaml, `full` the released english config."""
from dataclasses import dataclass, field
from typing import List


@dataclass
class FlowLMConfig:
    d_model: int
    num_heads: int
    num_layers: int
    dim_feedforward: int
    flow_dim: int
    flow_depth: int
    n_bins: int  # tokenizer vocab (512 for tiny: byte_fallback alone takes 256 pieces); LUT has n_bins + 1 rows
    ldim: int = 32
    max_period: float = 10000.0
    insert_bos_before_voice: bool = True


@dataclass
class MimiConfig:
    dimension: int  # SEANet dimension == transformer d_model
    n_filters: int
    ratios: List[int]
    tr_heads: int
    tr_layers: int
    tr_ffn: int
    outer_dim: int  # quantizer output / upsample input
    inner_dim: int  # encoder downsample output (state manifest only: no encoder here)
    kernel_size: int = 7
    residual_kernel_size: int = 3
    last_kernel_size: int = 3
    n_residual_layers: int = 1
    dilation_base: int = 2
    compress: int = 2
    channels: int = 1
    context: int = 250
    layer_scale: float = 0.01
    max_period: float = 10000.0
    sample_rate: int = 24000
    frame_rate: float = 12.5
    ldim: int = 32

    @property
    def hop(self):
        h = 1
        for r in self.ratios:
            h *= r
        return h

    @property
    def upsample_stride(self):
        # 200 Hz SEANet rate / 12.5 Hz latent rate
        return int(self.sample_rate / self.hop / self.frame_rate)

    @property
    def frame_size(self):
        return int(self.sample_rate / self.frame_rate)


@dataclass
class ModelConfig:
    name: str
    flow_lm: FlowLMConfig
    mimi: MimiConfig
    voice_frames: int  # random voice frames after bos_before_voice
    flow_cache_len: int = 1000  # STATIC_SEQ_LEN of the community export
    mimi_cache_len: int = 1000


def tiny():
    return ModelConfig(
        name="tiny",
        flow_lm=FlowLMConfig(d_model=64, num_heads=4, num_layers=2, dim_feedforward=128,
                             flow_dim=64, flow_depth=2, n_bins=512),
        mimi=MimiConfig(dimension=32, n_filters=4, ratios=[6, 5, 4], tr_heads=2, tr_layers=1,
                        tr_ffn=64, outer_dim=32, inner_dim=32),
        voice_frames=10,
    )


def full():
    return ModelConfig(
        name="full",
        flow_lm=FlowLMConfig(d_model=1024, num_heads=16, num_layers=6, dim_feedforward=4096,
                             flow_dim=512, flow_depth=6, n_bins=4000),
        mimi=MimiConfig(dimension=512, n_filters=64, ratios=[6, 5, 4], tr_heads=8, tr_layers=2,
                        tr_ffn=2048, outer_dim=512, inner_dim=32),
        voice_frames=125,  # + bos_before_voice = 126 positions
    )


def tiny_french_24l():
    """Tiny dimensions with the shape and rules of the published french_24l bundle: 24 layers (72 flow state
    tensors), its own tokenizer; the text rules live in bundle.json (see generate.py VARIANTS)."""
    c = tiny()
    c.name = "tiny-french_24l"
    c.flow_lm.num_layers = 24
    return c


def from_tiny_parity_yaml():
    """Config of shared/models/tiny-parity (n_bins 240)."""
    c = tiny()
    c.name = "tiny-parity"
    c.flow_lm.n_bins = 240
    return c
