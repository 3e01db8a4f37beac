"""Build modules and load an official-layout state_dict (flow_lm.* / mimi.* keys)."""
import torch

from .flow_lm import FlowLM
from .mimi import MimiDecoder


def build(cfg):
    torch.manual_seed(0)
    return FlowLM(cfg.flow_lm).eval(), MimiDecoder(cfg.mimi).eval()


def load_official(flow_lm, mimi, sd):
    """Loads every key our modules own; encoder-side keys (voice cloning) are ignored.
    Fails loudly if any of our parameters/buffers is missing from `sd`."""
    for prefix, mod in (("flow_lm.", flow_lm), ("mimi.", mimi)):
        own = mod.state_dict()
        sub = {k[len(prefix):]: torch.from_numpy(v.copy()) for k, v in sd.items() if k.startswith(prefix)}
        missing = [k for k in own if k not in sub]
        if missing:
            raise KeyError(f"{prefix}: missing keys {missing[:8]}")
        for k in own:
            if tuple(sub[k].shape) != tuple(own[k].shape):
                raise ValueError(f"{prefix}{k}: shape {tuple(sub[k].shape)} != {tuple(own[k].shape)}")
        mod.load_state_dict({k: sub[k] for k in own}, strict=True)


def official_state_dict(flow_lm, mimi):
    sd = {f"flow_lm.{k}": v.detach().numpy() for k, v in flow_lm.state_dict().items()}
    sd.update({f"mimi.{k}": v.detach().numpy() for k, v in mimi.state_dict().items()})
    return sd
