"""PyTorch reference for bench/train-speed.ts: ONE SimCLR training step on the identical
network, batch and image size as SimCLR Studio's default small configuration
(worker/simclr/resnet.ts, head.ts, loss.ts, lars.ts), timed on the CPU.

  encoder f: ResNet-18 (basic blocks [2, 2, 2, 2]) at width multiplier w
             (channels round(64w), round(128w), round(256w), round(512w), at least 8),
             CIFAR stem (3x3 conv stride 1, no max-pool) for images <= 64 px,
             convs without bias, BN (momentum 0.1 = TF's 0.9, eps 1e-5, zero-init
             gamma on each block's last BN), 1x1 conv + BN projection shortcuts,
             global average pooling -> h [2N, D]
  head g:    Linear(D, D, no bias) - BN - ReLU - Linear(D, 128)
  loss:      NT-Xent on L2-normalised z, tau = 0.5, mean over the 2N anchors
  optimiser: LARS (trust 0.001, momentum 0.9, weight decay 1e-6; rank<=1 params
             excluded from adaptation and decay)

The two views are random tensors in [0, 1] (the augmentation is timed separately on the
TF.js side). NCHW here (PyTorch's native layout), NHWC in TF.js; same arithmetic.
Prints one JSON line: {"images_per_s", "ms_per_step", "cpu_ms_per_step", "cpu_images_per_s",
"threads", "torch"}: median wall time, and median CPU time of the process (the fair number
on a machine shared with other work, for one thread; with more threads it sums them).
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def channels(width):
    return [max(8, round(c * width)) for c in (64, 128, 256, 512)]


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
        nn.init.zeros_(self.bn2.weight)
        self.proj = None
        if stride != 1 or cin != cout:
            self.proj = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (self.proj(x) if self.proj is not None else x))


class Encoder(nn.Module):
    def __init__(self, width, small):
        super().__init__()
        c = channels(width)
        if small:
            self.stem = nn.Sequential(nn.Conv2d(3, c[0], 3, 1, 1, bias=False), nn.BatchNorm2d(c[0]), nn.ReLU())
        else:
            self.stem = nn.Sequential(nn.Conv2d(3, c[0], 7, 2, 3, bias=False), nn.BatchNorm2d(c[0]), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        blocks, cin = [], c[0]
        for stage, cout in enumerate(c):
            for b in range(2):
                blocks.append(BasicBlock(cin, cout, 2 if stage > 0 and b == 0 else 1))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.dim = cin

    def forward(self, x):
        return self.blocks(self.stem(x)).mean(dim=(2, 3))  # [2N, D]


def nt_xent(z, tau):
    z = F.normalize(z, dim=1)  # [2N, d]
    n2 = z.shape[0]
    logits = z @ z.t() / tau  # [2N, 2N]
    logits = logits.masked_fill(torch.eye(n2, dtype=torch.bool), -1e9)
    n = n2 // 2
    targets = torch.cat([torch.arange(n, n2), torch.arange(0, n)])
    return F.cross_entropy(logits, targets)  # mean over the 2N anchors


class Lars:
    def __init__(self, params, lr, momentum=0.9, weight_decay=1e-6, trust=0.001):
        self.params = list(params)
        self.v = [torch.zeros_like(p) for p in self.params]
        self.lr, self.m, self.wd, self.trust = lr, momentum, weight_decay, trust

    @torch.no_grad()
    def step(self):
        for p, v in zip(self.params, self.v):
            g = p.grad
            if p.ndim > 1:
                g = g + self.wd * p
                wn, gn = p.norm(), g.norm()
                ratio = torch.where((wn > 0) & (gn > 0), self.trust * wn / gn, torch.ones_like(wn))
                g = g * ratio
            v.mul_(self.m).add_(g, alpha=self.lr)
            p.sub_(v)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--size", type=int, default=32)
    ap.add_argument("--width", type=float, default=0.25)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    f = Encoder(a.width, a.size <= 64)
    g = nn.Sequential(nn.Linear(f.dim, f.dim, bias=False), nn.BatchNorm1d(f.dim), nn.ReLU(), nn.Linear(f.dim, 128))
    opt = Lars(list(f.parameters()) + list(g.parameters()), lr=0.075 * a.batch ** 0.5)
    v1 = torch.rand(a.batch, 3, a.size, a.size)
    v2 = torch.rand(a.batch, 3, a.size, a.size)

    def step():
        for p in opt.params:
            p.grad = None
        loss = nt_xent(g(f(torch.cat([v1, v2]))), 0.5)
        loss.backward()
        opt.step()
        return loss.item()

    step()  # warm-up
    wall, cpu = [], []
    for _ in range(a.steps):
        t, c = time.perf_counter(), time.process_time()
        step()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    ms = 1000 * sorted(wall)[len(wall) // 2]
    cpu_ms = 1000 * sorted(cpu)[len(cpu) // 2]
    print(json.dumps({
        "images_per_s": a.batch / (ms / 1000),
        "ms_per_step": ms,
        "cpu_ms_per_step": cpu_ms,
        "cpu_images_per_s": a.batch / (cpu_ms / 1000),
        "threads": a.threads,
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
