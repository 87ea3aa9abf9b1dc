#!/usr/bin/env python3
"""PyTorch peer of hamlet-bench: the same forecaster, learning one sample at a time.

Model (as Sources/HamiltonianLearning/Forecaster.swift, Float32, CPU, one thread):
    λ = exp(−exp(ν) + i·exp(ϕ))            complex diagonal, |λ| < 1
    h ← λ ⊙ h + B u                          complex B kept as real and imaginary parts
    a = Re(C h) + D u + c
    y = W gelu(a) + b + S u                  exact GELU; S starts as the identity
    loss = MSE(y, next input)

Per sample (the brief's "per-sample update"): forward at the current, detached state h,
loss.backward(), torch.optim.SGD step (momentum 0.5), then h ← λh + Bu without grad.
With h detached, ν, ϕ and B get no gradient: PyTorch does strictly less work per step than
the Hamiltonian learner, which also learns λ and B (costate or exact traces). The extra
variant `--variant tbptt1` puts h_t = λ h_{t−1} + B u_{t−1} in the graph (one-step truncated
BPTT), so every weight gets a gradient, for comparison.

Prints µs/step (median of the repetitions); `--json` prints one JSON object instead.
Exits 0 with a message when torch is not installed.
"""
import argparse
import json
import math
import platform
import statistics
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=2000, help="timed steps per repetition (≥ 2000)")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--lr", type=float, default=0.01, help="SGD learning rate (hamlet-bench uses 0.003)")
    parser.add_argument("--momentum", type=float, default=0.5)
    parser.add_argument("--variant", choices=["detached", "tbptt1", "both"], default="detached")
    parser.add_argument("--channels", type=int, default=40)
    parser.add_argument("--state", type=int, default=128)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        message = "benchmark_pytorch.py: torch is not installed (pip install torch); skipping the PyTorch peer."
        if args.json:
            print(json.dumps({"benchmark": "pytorch", "skipped": True, "reason": message}))
        else:
            print(message)
        return 0

    torch.set_num_threads(1)
    torch.manual_seed(0)
    dtype = torch.float32
    I, N, H, O = args.channels, args.state, args.hidden, args.channels

    class Forecaster(torch.nn.Module):
        def __init__(self):
            super().__init__()
            g = torch.Generator().manual_seed(1)
            r_min, r_max, max_phase = 0.5, 0.99, math.pi / 4
            u1 = torch.rand(N, generator=g, dtype=torch.float64)
            radius = torch.sqrt(u1 * (r_max**2 - r_min**2) + r_min**2)
            phase = torch.clamp(torch.rand(N, generator=g, dtype=torch.float64) * max_phase, min=1e-6)
            self.nu_log = torch.nn.Parameter(torch.log(-torch.log(radius)).to(dtype))
            self.phase_log = torch.nn.Parameter(torch.log(phase).to(dtype))
            gain = (torch.sqrt(1 - radius**2) / math.sqrt(2 * I)).to(dtype).unsqueeze(1)
            self.B_re = torch.nn.Parameter(torch.randn(N, I, generator=g, dtype=dtype) * gain)
            self.B_im = torch.nn.Parameter(torch.randn(N, I, generator=g, dtype=dtype) * gain)
            self.C_re = torch.nn.Parameter(torch.randn(H, N, generator=g, dtype=dtype) / math.sqrt(N))
            self.C_im = torch.nn.Parameter(torch.randn(H, N, generator=g, dtype=dtype) / math.sqrt(N))
            self.D = torch.nn.Parameter(torch.randn(H, I, generator=g, dtype=dtype) / math.sqrt(I))
            self.c = torch.nn.Parameter(torch.zeros(H, dtype=dtype))
            self.readout = torch.nn.Linear(H, O)
            self.S = torch.nn.Parameter(torch.eye(O, I, dtype=dtype))

        def lam(self):
            radius = torch.exp(-torch.exp(self.nu_log))
            theta = torch.exp(self.phase_log)
            return radius * torch.cos(theta), radius * torch.sin(theta)

        def recur(self, u, h_re, h_im):
            l_re, l_im = self.lam()
            return (l_re * h_re - l_im * h_im + self.B_re @ u,
                    l_re * h_im + l_im * h_re + self.B_im @ u)

        def forward(self, u, h_re, h_im):
            a = self.C_re @ h_re - self.C_im @ h_im + self.D @ u + self.c
            return self.readout(F.gelu(a)) + self.S @ u

    # The stream: 40-channel sinusoid mixture with noise; target = next vector.
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

    def run(variant: str):
        model = Forecaster()
        opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
        h_re = torch.zeros(N, dtype=dtype)
        h_im = torch.zeros(N, dtype=dtype)
        prev_re, prev_im, prev_u = h_re, h_im, torch.zeros(I, dtype=dtype)
        losses = []

        def step(i):
            nonlocal h_re, h_im, prev_re, prev_im, prev_u
            u, target = samples[i], samples[i + 1]
            opt.zero_grad(set_to_none=True)
            if variant == "detached":
                y = model(u, h_re, h_im)
            else:
                # h_t recomputed in the graph from the detached h_{t-1}: λ and B get a gradient.
                cur_re, cur_im = model.recur(prev_u, prev_re, prev_im)
                y = model(u, cur_re, cur_im)
            loss = F.mse_loss(y, target)
            loss.backward()
            opt.step()
            with torch.no_grad():
                prev_re, prev_im, prev_u = h_re, h_im, u
                h_re, h_im = model.recur(u, h_re, h_im)
            return loss

        for i in range(args.warmup):
            step(i)
        per_step = []
        i = args.warmup
        for _ in range(args.repetitions):
            start = time.perf_counter_ns()
            last = None
            for _ in range(args.steps):
                last = step(i)
                i += 1
            per_step.append((time.perf_counter_ns() - start) / args.steps / 1000.0)
            losses.append(last.item())
        us = statistics.median(per_step)
        return {"variant": variant, "us_per_step": us, "steps_per_second": 1e6 / us,
                "repetition_us_per_step": per_step, "last_loss": losses[-1],
                "finite": all(math.isfinite(v) for v in losses)}

    variants = ["detached", "tbptt1"] if args.variant == "both" else [args.variant]
    results = [run(v) for v in variants]
    info = {"benchmark": "pytorch", "skipped": False, "torch": torch.__version__, "python": platform.python_version(),
            "threads": torch.get_num_threads(), "steps_per_repetition": args.steps, "repetitions": args.repetitions,
            "warmup_steps": args.warmup, "lr": args.lr, "momentum": args.momentum, "results": results}
    if args.json:
        print(json.dumps(info))
    else:
        print(f"PyTorch {torch.__version__} (CPU, Float32, {torch.get_num_threads()} thread), "
              f"{args.steps} timed steps × {args.repetitions} after {args.warmup} warm-up, SGD(lr {args.lr}, momentum {args.momentum})")
        for r in results:
            reps = ", ".join(f"{v:.1f}" for v in r["repetition_us_per_step"])
            print(f"  {r['variant']:>8}: {r['us_per_step']:.1f} µs/step ({r['steps_per_second']:.0f} steps/s; repetitions {reps}); last loss {r['last_loss']:.4g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
