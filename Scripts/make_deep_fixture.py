#!/usr/bin/env python3
"""Writes Tests/HamiltonianLearningTests/Fixtures/torch_deep.json for the deep forecaster (issue 14).

The network, written here from the equations (not from the Swift code), in float64:

    x_0 = P u + p
    x_k = x_{k-1} + M_k gelu(a_k) + m_k,   a_k = Re(C_k h_k) + D_k x_{k-1} + c_k     (k = 1..K)
    y   = R x_K + r + S u
    h_k <- lambda_k * h_k + B_k x_{k-1}  after the step, lambda = exp(-exp(nu) + i exp(phase))

gelu is PyTorch's default (exact erf form). The loss is MSELoss (mean over outputs).

Two things are recorded:
1. "sgd": 200 samples, one torch.optim.SGD step each, with every state h_k detached (a constant of
   the step, advanced under no_grad with the weights of before the step). So autograd
   backpropagates through depth at this step only, and nu, phase and B get no gradient.
2. "bptt": at the initial weights, the gradient of the last sample's loss over a 12-sample window
   started from h = 0, by autograd through time: "full" (every path) and "blockwise" (each block's
   recurrence fed its inputs detached, so a block's past inputs count as given).
"""
import json
import pathlib

import numpy as np
import torch
import torch.nn.functional as F

INPUTS, WIDTH, STATE, HIDDEN, BLOCKS, OUTPUTS = 3, 8, 6, 8, 3, 2
STEPS, WINDOW = 200, 12
SETTINGS = {  # name: (lr, momentum, dampening, tau) — tau only matters on the Swift side
    "GD-a": (0.01, 0.0, 0.0, 1.0),
    "Mom-b": (0.01, 0.1, 0.5, 0.5),
}


def initial_weights(rng):
    w = {}

    def uniform(shape, bound):
        return rng.uniform(-bound, bound, shape)

    w["input.weight"] = uniform((WIDTH, INPUTS), INPUTS ** -0.5)
    w["input.bias"] = uniform((WIDTH,), INPUTS ** -0.5)
    for k in range(BLOCKS):
        b = f"blocks.{k}"
        radius = np.sqrt(rng.uniform(0.6 ** 2, 0.95 ** 2, STATE))
        w[f"{b}.recurrent.nu_log"] = np.log(-np.log(radius))
        w[f"{b}.recurrent.phase_log"] = np.log(rng.uniform(0.05, 1.0, STATE))
        w[f"{b}.recurrent.B_re"] = rng.normal(0, 0.3, (STATE, WIDTH))
        w[f"{b}.recurrent.B_im"] = rng.normal(0, 0.3, (STATE, WIDTH))
        w[f"{b}.recurrent.C_re"] = rng.normal(0, STATE ** -0.5, (HIDDEN, STATE))
        w[f"{b}.recurrent.C_im"] = rng.normal(0, STATE ** -0.5, (HIDDEN, STATE))
        w[f"{b}.recurrent.D"] = rng.normal(0, WIDTH ** -0.5, (HIDDEN, WIDTH))
        w[f"{b}.recurrent.bias"] = uniform((HIDDEN,), 0.1)
        w[f"{b}.mix.weight"] = uniform((WIDTH, HIDDEN), HIDDEN ** -0.5)
        w[f"{b}.mix.bias"] = uniform((WIDTH,), HIDDEN ** -0.5)
    w["readout.weight"] = uniform((OUTPUTS, WIDTH), WIDTH ** -0.5)
    w["readout.bias"] = uniform((OUTPUTS,), WIDTH ** -0.5)
    w["skip.weight"] = rng.normal(0, 0.3, (OUTPUTS, INPUTS))
    return w


class DeepNetwork:
    def __init__(self, weights):
        self.p = {k: torch.tensor(v, requires_grad=True) for k, v in weights.items()}

    def lam(self, k):
        nu, phase = self.p[f"blocks.{k}.recurrent.nu_log"], self.p[f"blocks.{k}.recurrent.phase_log"]
        return torch.exp(-torch.exp(nu)), torch.exp(phase)  # radius, angle

    def advance(self, k, h_re, h_im, x):
        """lambda * h + B x on real and imaginary parts."""
        radius, angle = self.lam(k)
        l_re, l_im = radius * torch.cos(angle), radius * torch.sin(angle)
        b_re, b_im = self.p[f"blocks.{k}.recurrent.B_re"], self.p[f"blocks.{k}.recurrent.B_im"]
        return l_re * h_re - l_im * h_im + b_re @ x, l_re * h_im + l_im * h_re + b_im @ x

    def forward(self, u, states):
        """Returns y and each block's input x_{k-1}; states[k] = (h_re, h_im) as given."""
        p = self.p
        x = p["input.weight"] @ u + p["input.bias"]
        block_inputs = []
        for k in range(BLOCKS):
            b = f"blocks.{k}"
            h_re, h_im = states[k]
            a = p[f"{b}.recurrent.C_re"] @ h_re - p[f"{b}.recurrent.C_im"] @ h_im + p[f"{b}.recurrent.D"] @ x \
                + p[f"{b}.recurrent.bias"]
            block_inputs.append(x)
            x = x + p[f"{b}.mix.weight"] @ F.gelu(a) + p[f"{b}.mix.bias"]
        y = p["readout.weight"] @ x + p["readout.bias"] + p["skip.weight"] @ u
        return y, block_inputs

    def flat(self, values):
        return {k: [float(x) for x in v.detach().flatten()] for k, v in values.items()}


def zero_states():
    return [(torch.zeros(STATE), torch.zeros(STATE)) for _ in range(BLOCKS)]


def train_sgd(weights, inputs, targets, lr, momentum, dampening):
    net = DeepNetwork(weights)
    optimizer = torch.optim.SGD(list(net.p.values()), lr=lr, momentum=momentum, dampening=dampening)
    states = zero_states()
    for u, target in zip(inputs, targets):
        optimizer.zero_grad()
        y, block_inputs = net.forward(torch.tensor(u), states)
        F.mse_loss(y, torch.tensor(target)).backward()
        with torch.no_grad():  # the state moves with the weights of before the step, outside the graph
            states = [net.advance(k, *states[k], block_inputs[k]) for k in range(BLOCKS)]
        optimizer.step()
    assert all(net.p[f"blocks.{k}.recurrent.B_re"].grad is None for k in range(BLOCKS)), "state was not detached"
    return net.flat(net.p)


def window_gradient(weights, inputs, target, blockwise):
    net = DeepNetwork(weights)
    states = zero_states()
    for u in inputs[:-1]:
        _, block_inputs = net.forward(torch.tensor(u), states)
        states = [net.advance(k, *states[k], block_inputs[k].detach() if blockwise else block_inputs[k])
                  for k in range(BLOCKS)]
    y, _ = net.forward(torch.tensor(inputs[-1]), states)
    F.mse_loss(y, torch.tensor(target)).backward()
    return net.flat({k: v.grad for k, v in net.p.items()})


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(1414)
    weights = initial_weights(rng)
    t = np.arange(STEPS + 1)
    signal = np.stack([np.sin(0.1 * t), np.cos(0.23 * t), 0.5 * np.sin(0.05 * t + 1.0)], axis=1)
    inputs = signal[:-1] + 0.05 * rng.standard_normal((STEPS, INPUTS))
    targets = signal[1:, :OUTPUTS]
    sgd = {}
    for name, (lr, momentum, dampening, tau) in SETTINGS.items():
        sgd[name] = {"learning_rate": lr, "momentum": momentum, "dampening": dampening, "tau": tau,
                     "final": train_sgd(weights, inputs, targets, lr, momentum, dampening)}
    window_inputs = rng.standard_normal((WINDOW, INPUTS)).tolist()
    window_target = [0.7, -0.4]
    fixture = {
        "generator": f"Scripts/make_deep_fixture.py with torch {torch.__version__}",
        "shape": {"inputs": INPUTS, "width": WIDTH, "state": STATE, "hidden": HIDDEN, "blocks": BLOCKS,
                  "outputs": OUTPUTS},
        "initial": {k: [float(x) for x in v.flatten()] for k, v in weights.items()},
        "inputs": inputs.tolist(), "targets": targets.tolist(), "sgd": sgd,
        "bptt": {"inputs": window_inputs, "target": window_target,
                 "full": window_gradient(weights, window_inputs, window_target, blockwise=False),
                 "blockwise": window_gradient(weights, window_inputs, window_target, blockwise=True)},
    }
    path = pathlib.Path(__file__).resolve().parent.parent / "Tests/HamiltonianLearningTests/Fixtures/torch_deep.json"
    path.write_text(json.dumps(fixture))
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
