"""The 3-stage CIFAR ResNet (He et al., 2016) with option-A shortcuts."""
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS


class OptionAShortcut(nn.Module):
    """Parameter-free shortcut: subsample by 2 and zero-pad the channels.

    Args:
        in_channels (int): Channels of the block input.
        out_channels (int): Channels of the block output.
        stride (int): Spatial subsampling of the block.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 stride: int) -> None:
        super().__init__()
        self.stride = stride
        extra = out_channels - in_channels
        self.pad = (extra // 2, extra - extra // 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x[:, :, ::self.stride, ::self.stride]
        return F.pad(x, (0, 0, 0, 0, *self.pad))


class CIFARBasicBlock(nn.Module):
    """conv3x3-BN-ReLU-conv3x3-BN, plus the shortcut, then ReLU.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        stride (int): Stride of the first convolution. Defaults to 1.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(
            in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        if stride != 1 or in_channels != out_channels:
            self.shortcut = OptionAShortcut(in_channels, out_channels, stride)
        else:
            self.shortcut = nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


@MODELS.register_module()
class CIFARResNet(BaseModule):
    """The CIFAR ResNet of depth ``6n + 2``: a 3x3 stem and three stages of
    ``n`` basic blocks with widths ``w, 2w, 4w`` and parameter-free
    (option-A) shortcuts, Kaiming-normal initialised.

    ``depth=32, base_channels=16`` is the usual long-tailed ResNet-32
    (0.46 M parameters, 64-d feature); GLMC's reference code widens it to
    ``base_channels=64`` (256-d feature), the default here. Like MMPretrain's
    backbones it returns a tuple of stage outputs, so
    ``GlobalAveragePooling`` follows.

    Args:
        depth (int): ``6n + 2``. Defaults to 32.
        base_channels (int): Width ``w`` of the first stage. Defaults to 64.
        in_channels (int): Input image channels. Defaults to 3.
        out_indices (Sequence[int]): Stages to return. Defaults to ``(2, )``.
        frozen_stages (int): As MMPretrain's ``ResNet``: the stem and the
            first ``frozen_stages`` stages stop learning and stay in eval
            mode (-1: none, 3: the whole backbone, e.g. for cRT).
            Defaults to -1.
        norm_eval (bool): Keep every BatchNorm in eval mode while training,
            so its running statistics stay as loaded. Defaults to False.
        init_cfg (dict | list, optional): Initialisation config.
    """

    def __init__(self,
                 depth: int = 32,
                 base_channels: int = 64,
                 in_channels: int = 3,
                 out_indices: Tuple[int, ...] = (2, ),
                 frozen_stages: int = -1,
                 norm_eval: bool = False,
                 init_cfg=(dict(type='Kaiming', layer='Conv2d', mode='fan_in'),
                           dict(type='Constant', layer='BatchNorm2d', val=1))):
        super().__init__(
            init_cfg=list(init_cfg) if isinstance(init_cfg, tuple
                                                  ) else init_cfg)
        if depth < 8 or (depth - 2) % 6:
            raise ValueError(f'CIFARResNet: depth must be 6n + 2 (20, 32, 44, '
                             f'56, 110, ...), got {depth}')
        if any(i not in (0, 1, 2) for i in out_indices):
            raise ValueError(f'CIFARResNet: out_indices must be in (0, 1, 2), '
                             f'got {out_indices}')
        if frozen_stages not in (-1, 0, 1, 2, 3):
            raise ValueError('CIFARResNet: frozen_stages must be -1 (none) to '
                             f'3 (all), got {frozen_stages!r}')
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval
        blocks = (depth - 2) // 6
        self.out_indices = tuple(out_indices)
        self.conv1 = nn.Conv2d(in_channels, base_channels, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(base_channels)
        channels = base_channels
        for stage in range(3):
            width = base_channels * 2**stage
            layers = []
            for index in range(blocks):
                stride = 2 if stage > 0 and index == 0 else 1
                layers.append(CIFARBasicBlock(channels, width, stride))
                channels = width
            self.add_module(f'layer{stage + 1}', nn.Sequential(*layers))
        self.out_channels = channels
        self._freeze_stages()

    def _frozen_modules(self) -> list:
        if self.frozen_stages < 0:
            return []
        return [self.conv1, self.bn1] + [
            getattr(self, f'layer{stage}')
            for stage in range(1, self.frozen_stages + 1)
        ]

    def _freeze_stages(self) -> None:
        for module in self._frozen_modules():
            module.eval()
            for param in module.parameters():
                param.requires_grad = False

    def train(self, mode: bool = True) -> 'CIFARResNet':
        """Set the mode, keeping frozen stages (and, with ``norm_eval``,
        every BatchNorm) in eval mode."""
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for module in self.modules():
                if isinstance(module, nn.modules.batchnorm._BatchNorm):
                    module.eval()
        return self

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        x = F.relu(self.bn1(self.conv1(x)))
        outs = []
        for stage in range(3):
            x = getattr(self, f'layer{stage + 1}')(x)
            if stage in self.out_indices:
                outs.append(x)
        return tuple(outs)
