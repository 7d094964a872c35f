"""Multiply-accumulate count of one forward pass (Conv2d, Linear and attention matmuls)."""

import torch
from torch import nn

from layers import Attention


@torch.no_grad()
def count_macs(model: nn.Module, *inputs) -> int:
    total = [0]

    def conv_hook(m, _inp, out):
        k = m.kernel_size[0] * m.kernel_size[1] * (m.in_channels // m.groups)
        total[0] += int(out.numel() * k)

    def linear_hook(m, _inp, out):
        total[0] += int(out.numel() * m.in_features)

    hooks = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(linear_hook))
    model(*inputs)
    for h in hooks:
        h.remove()
    attn = sum(m.macs for m in model.modules() if isinstance(m, Attention))
    batch = inputs[0].shape[0]
    return (total[0] + attn) // batch
