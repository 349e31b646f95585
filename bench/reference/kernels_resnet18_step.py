"""PyTorch reference for bench/kernels-resnet18-step.ts: the identical ResNet-18 body
(CIFAR stem 3x3 stride 1, widths 16/32/64/128, two basic blocks per stage, stride 2 and
a 1x1 projection shortcut where the width changes, batch norm in training mode), the
same scalar loss (mean of squared global-average-pooled h), forward + backward; median
CPU time per step over --steps runs after one warm-up, on one thread. Prints one JSON
line: {"ms", "version"}."""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F

WIDTHS = [16, 32, 64, 128]


def make_weights():
    g = torch.Generator().manual_seed(0)
    w = {}

    def conv(name, k, cin, cout):
        w[name] = (torch.randn(cout, cin, k, k, generator=g) * math.sqrt(2 / (k * k * cin))).requires_grad_()
        w["g" + name] = torch.ones(cout, requires_grad=True)
        w["b" + name] = torch.zeros(cout, requires_grad=True)

    conv("stem", 3, 3, WIDTHS[0])
    cin = WIDTHS[0]
    for stage, c in enumerate(WIDTHS):
        for block in range(2):
            p = f"s{stage}b{block}"
            conv(p + "c1", 3, cin, c)
            conv(p + "c2", 3, c, c)
            if cin != c:
                conv(p + "sc", 1, cin, c)
            cin = c
    return w


def conv_bn(x, w, name, stride):
    k = w[name].shape[-1]
    y = F.conv2d(x, w[name], stride=stride, padding=k // 2)
    return F.batch_norm(y, None, None, w["g" + name], w["b" + name], training=True, eps=1e-5)


def loss(x, w):
    h = F.relu(conv_bn(x, w, "stem", 1))
    for stage in range(len(WIDTHS)):
        for block in range(2):
            p = f"s{stage}b{block}"
            stride = 2 if stage > 0 and block == 0 else 1
            branch = conv_bn(F.relu(conv_bn(h, w, p + "c1", stride)), w, p + "c2", 1)
            shortcut = conv_bn(h, w, p + "sc", stride) if p + "sc" in w else h
            h = F.relu(branch + shortcut)
    return h.mean(dim=(2, 3)).square().mean()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--steps", type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(1)  # like wasm under Node; CPU time stays meaningful
    x = torch.randn(a.batch, 3, a.size, a.size)
    w = make_weights()

    def step():
        for t in w.values():
            t.grad = None
        loss(x, w).backward()

    step()
    times = []
    for _ in range(a.steps):
        t0 = time.process_time()
        step()
        times.append((time.process_time() - t0) * 1000)
    times.sort()
    print(json.dumps({"ms": times[len(times) // 2], "version": torch.__version__}))


if __name__ == "__main__":
    main()
