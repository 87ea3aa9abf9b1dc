#!/usr/bin/env python3
"""Writes Tests/HamiltonianLearningTests/Fixtures/torch_sgd.json: an MLP (4-30-3, tanh) trained
sample by sample with torch.optim.SGD in float64 under the paper's four settings (GD-a, GD-b,
Mom-a, Mom-b), starting from the same weights. The Swift tests replay the same samples through
the Hamiltonian learner and compare every weight (design note §3, §6.1)."""
import json
import pathlib

import numpy as np
import torch

SETTINGS = {  # name: (lr, momentum, dampening, tau) — tau only matters on the Swift side
    "GD-a": (0.01, 0.0, 0.0, 1.0),
    "GD-b": (0.001, 0.0, 0.0, 0.5),
    "Mom-a": (0.01, 0.05, 0.6, 1.0),
    "Mom-b": (0.01, 0.1, 0.5, 0.5),
}
STEPS = 200


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(2409)
    centres = np.array([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.5, 2.0]])
    labels = np.arange(STEPS) % 3
    inputs = centres[labels] + 0.3 * rng.standard_normal((STEPS, 4))
    torch.manual_seed(12038)
    template = torch.nn.Sequential(torch.nn.Linear(4, 30), torch.nn.Tanh(), torch.nn.Linear(30, 3))
    initial = {k: v.detach().clone() for k, v in template.state_dict().items()}

    def flat(state):  # the Swift layout: layer0.weight, layer0.bias, layer1.weight, layer1.bias
        return [float(x) for key in ("0.weight", "0.bias", "2.weight", "2.bias") for x in state[key].flatten()]

    results = {}
    for name, (lr, momentum, dampening, tau) in SETTINGS.items():
        model = torch.nn.Sequential(torch.nn.Linear(4, 30), torch.nn.Tanh(), torch.nn.Linear(30, 3))
        model.load_state_dict(initial)
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, dampening=dampening)
        loss_fn = torch.nn.CrossEntropyLoss()
        for x, y in zip(inputs, labels):
            optimizer.zero_grad()
            loss = loss_fn(model(torch.tensor(x).unsqueeze(0)), torch.tensor([int(y)]))
            loss.backward()
            optimizer.step()
        results[name] = {"learning_rate": lr, "momentum": momentum, "dampening": dampening, "tau": tau,
                         "final": flat(model.state_dict())}
    fixture = {"generator": f"Scripts/make_sgd_fixture.py with torch {torch.__version__}",
               "inputs": inputs.tolist(), "labels": labels.tolist(), "initial": flat(initial), "settings": results}
    path = pathlib.Path(__file__).resolve().parent.parent / "Tests/HamiltonianLearningTests/Fixtures/torch_sgd.json"
    path.write_text(json.dumps(fixture))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
