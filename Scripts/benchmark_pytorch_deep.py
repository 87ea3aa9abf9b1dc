#!/usr/bin/env python3
"""PyTorch peer of hamlet-bench's deep rows: the same deep forecaster, learning one sample at a time.

Model (as Sources/HamiltonianLearning/DeepForecaster.swift, Float32, CPU, one thread), K blocks:
    x_0 = P u + p
    x_k = x_{k-1} + M_k gelu(Re(C_k h_k) + D_k x_{k-1} + c_k) + m_k        (k = 1..K)
    y   = R x_K + r + S u                                                     exact GELU; S = identity at start
    h_k <- lambda_k * h_k + B_k x_{k-1} after the step, lambda = exp(-exp(nu) + i exp(phase))
    loss = MSE(y, next input)

Per sample: forward with every block's state h_k detached (a constant of the step), loss.backward()
(backpropagation through the K blocks: what Hamlet's `instant` scheme computes in depth),
gradient entries clipped to ±1 (the agent's default), torch.optim.SGD step (lr 0.003, momentum 0.5),
then every h_k advanced without grad. With h detached, nu, phase and B get no gradient, so PyTorch
does strictly less work than the Hamiltonian learner, which also learns them (exact traces).

Prints µs/step for each K (median of the repetitions); `--json` prints one JSON object instead.
Exits 0 with a message when torch is not installed.
"""
import argparse
import json
import math
import platform
import statistics
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=1000, help="timed steps per repetition")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--channels", type=int, default=40)
    parser.add_argument("--width", type=int, default=64, help="W = N = H, as hamlet-bench --deep-width")
    parser.add_argument("--blocks", default="1,2,4,8", help="comma-separated K")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        message = "benchmark_pytorch_deep.py: torch is not installed (pip install torch); skipping the PyTorch peer."
        print(json.dumps({"benchmark": "pytorch-deep", "skipped": True, "reason": message}) if args.json else message)
        return 0

    torch.set_num_threads(1)
    dtype = torch.float32
    I, W = args.channels, args.width
    N = H = W

    class Block(torch.nn.Module):
        def __init__(self, g):
            super().__init__()
            radius = torch.sqrt(torch.rand(N, generator=g, dtype=torch.float64) * (0.99**2 - 0.5**2) + 0.5**2)
            phase = torch.clamp(torch.rand(N, generator=g, dtype=torch.float64) * math.pi / 4, min=1e-6)
            self.nu_log = torch.nn.Parameter(torch.log(-torch.log(radius)).to(dtype))
            self.phase_log = torch.nn.Parameter(torch.log(phase).to(dtype))
            gain = (torch.sqrt(1 - radius**2) / math.sqrt(2 * W)).to(dtype).unsqueeze(1)
            self.B_re = torch.nn.Parameter(torch.randn(N, W, generator=g, dtype=dtype) * gain)
            self.B_im = torch.nn.Parameter(torch.randn(N, W, generator=g, dtype=dtype) * gain)
            self.C_re = torch.nn.Parameter(torch.randn(H, N, generator=g, dtype=dtype) / math.sqrt(N))
            self.C_im = torch.nn.Parameter(torch.randn(H, N, generator=g, dtype=dtype) / math.sqrt(N))
            self.D = torch.nn.Parameter(torch.randn(H, W, generator=g, dtype=dtype) / math.sqrt(W))
            self.c = torch.nn.Parameter(torch.zeros(H, dtype=dtype))
            self.mix = torch.nn.Linear(H, W)

        def advance(self, x, h_re, h_im):
            radius = torch.exp(-torch.exp(self.nu_log))
            theta = torch.exp(self.phase_log)
            l_re, l_im = radius * torch.cos(theta), radius * torch.sin(theta)
            return l_re * h_re - l_im * h_im + self.B_re @ x, l_re * h_im + l_im * h_re + self.B_im @ x

        def forward(self, x, h_re, h_im):
            return x + self.mix(F.gelu(self.C_re @ h_re - self.C_im @ h_im + self.D @ x + self.c))

    class Deep(torch.nn.Module):
        def __init__(self, blocks):
            super().__init__()
            g = torch.Generator().manual_seed(1)
            self.input = torch.nn.Linear(I, W)
            self.blocks = torch.nn.ModuleList([Block(g) for _ in range(blocks)])
            self.readout = torch.nn.Linear(W, I)
            self.S = torch.nn.Parameter(torch.eye(I, dtype=dtype))

        def forward(self, u, states):
            x = self.input(u)
            inputs = []
            for block, (h_re, h_im) in zip(self.blocks, states):
                inputs.append(x)
                x = block(x, h_re, h_im)
            return self.readout(x) + self.S @ u, inputs

    gen = torch.Generator().manual_seed(2024)
    periods = torch.tensor([17.3, 43.1, 97.7], dtype=torch.float64)
    amplitudes = 0.5 + torch.rand(3, I, generator=gen, dtype=torch.float64)
    amplitudes = amplitudes / torch.sqrt((amplitudes**2).sum(0) / 2)
    phases = 2 * math.pi * torch.rand(3, I, generator=gen, dtype=torch.float64)
    total = args.warmup + args.steps * args.repetitions + 1
    t = torch.arange(total, dtype=torch.float64).unsqueeze(1)
    clean = sum(amplitudes[k] * torch.sin(2 * math.pi / periods[k] * t + phases[k]) for k in range(3))
    series = (clean + 0.1 * torch.randn(total, I, generator=gen, dtype=torch.float64)).to(dtype)
    samples = [series[i].clone() for i in range(total)]

    def run(blocks):
        model = Deep(blocks)
        parameters = list(model.parameters())
        opt = torch.optim.SGD(parameters, lr=0.003, momentum=0.5)
        states = [(torch.zeros(N, dtype=dtype), torch.zeros(N, dtype=dtype)) for _ in range(blocks)]

        def step(i):
            nonlocal states
            u, target = samples[i], samples[i + 1]
            opt.zero_grad(set_to_none=True)
            y, inputs = model(u, states)
            loss = F.mse_loss(y, target)
            loss.backward()
            torch.nn.utils.clip_grad_value_(parameters, 1.0)
            opt.step()
            with torch.no_grad():
                states = [block.advance(x.detach(), *h) for block, x, h in zip(model.blocks, inputs, states)]
            return loss

        for i in range(args.warmup):
            step(i)
        per_step, i = [], args.warmup
        for _ in range(args.repetitions):
            start = time.perf_counter_ns()
            for _ in range(args.steps):
                last = step(i)
                i += 1
            per_step.append((time.perf_counter_ns() - start) / args.steps / 1000)
        return statistics.median(per_step), float(last.detach())

    rows = []
    for blocks in [int(k) for k in args.blocks.split(",")]:
        microseconds, loss = run(blocks)
        rows.append({"blocks": blocks, "us_per_step": microseconds, "last_loss": loss})
    result = {
        "benchmark": "pytorch-deep", "torch": torch.__version__, "threads": torch.get_num_threads(),
        "machine": platform.processor() or platform.machine(), "channels": I, "width": W, "rows": rows,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"PyTorch {torch.__version__} (CPU, Float32, 1 thread), deep {I}-{W}xK-{I} (N = H = {W}), SGD lr 0.003 momentum 0.5, clip 1")
        for row in rows:
            print(f"  K = {row['blocks']}: {row['us_per_step']:.1f} µs/step (last loss {row['last_loss']:.4f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
