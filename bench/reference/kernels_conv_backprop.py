"""PyTorch reference for bench/kernels-conv-backprop.ts: the identical ResNet stage
(two basic blocks, the second stride 2 with a 1x1 projection shortcut, batch norm in
training mode, ReLU), forward + backward, median CPU time over --iters runs after one
warm-up, on one thread. Prints one JSON line: {"ms", "version"}.
NHWC in the TS version, NCHW here (PyTorch's native layout); same arithmetic."""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F


def make_weights(c):
    g = torch.Generator().manual_seed(0)

    def conv(k, cin, cout):
        bound = math.sqrt(3 / (k * k * cin))
        return ((torch.rand(cout, cin, k, k, generator=g) * 2 - 1) * bound).requires_grad_()

    w = {"a1": conv(3, c, c), "a2": conv(3, c, c), "b1": conv(3, c, 2 * c), "b2": conv(3, 2 * c, 2 * c), "bs": conv(1, c, 2 * c)}
    for name, ch in [("a1", c), ("a2", c), ("b1", 2 * c), ("b2", 2 * c), ("bs", 2 * c)]:
        w["g" + name] = torch.ones(ch, requires_grad=True)
        w["b" + name] = torch.zeros(ch, requires_grad=True)
    return w


def conv_bn(x, w, name, stride):
    k = w[name].shape[-1]
    y = F.conv2d(x, w[name], stride=stride, padding=k // 2)
    return F.batch_norm(y, None, None, w["g" + name], w["b" + name], training=True, eps=1e-5)


def stage_loss(x, w):
    a = F.relu(conv_bn(F.relu(conv_bn(x, w, "a1", 1)), w, "a2", 1) + x)
    main = conv_bn(F.relu(conv_bn(a, w, "b1", 2)), w, "b2", 1)
    return F.relu(main + conv_bn(a, w, "bs", 2)).square().mean()


def median_ms(iters, x, w):
    def step():
        for p in w.values():
            p.grad = None
        stage_loss(x, w).backward()

    step()
    times = []
    for _ in range(iters):
        t0 = time.process_time()  # CPU time, like the TS side (see there)
        step()
        times.append((time.process_time() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--channels", type=int, default=16)
    p.add_argument("--iters", type=int, default=5)
    a = p.parse_args()
    x = torch.randn(a.batch, a.channels, a.size, a.size)
    w = make_weights(a.channels)
    torch.set_num_threads(1)  # like wasm under Node, and CPU time stays meaningful
    print(json.dumps({"ms": median_ms(a.iters, x, w), "version": torch.__version__}))


if __name__ == "__main__":
    main()
