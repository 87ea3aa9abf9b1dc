#!/usr/bin/env python3
"""One network as 1, 2 and 3 `hamlet run` stages (issue 15): steps per second and time per step.

    Scripts/bench_stages.py --binary .build/release/hamlet            # the default table
    Scripts/bench_stages.py --binary H --steps 4000 --widths 8 256 --delays-ms 0 1 5

Starts its own mosquitto (tcp_nodelay) on a free port of 127.0.0.1 in a temporary directory.
For each width, it runs the same deep network (3 blocks, state 16, 3 synthetic channels, as fast
as the source goes) as one agent (`learning.scheme: pipelined`, no `model.stage`) and as 2 and 3
stages in `lockstep` and `free` timing, every run to `--max-steps N`, and prints steps/s (N over
the time from the first start to the last exit), milliseconds per step, and the speed-up against
the one-agent run next to the ideal (the number of stages, capped by the cores: stages beyond the
cores share them).

A delay on the link (`--delays-ms`): `tc netem` needs the sch_netem kernel module, which this
machine's kernel lacks ("Specified qdisc kind is unknown"), so every stage but the first reaches
the broker through a small TCP proxy of this script's that holds each chunk for the given
milliseconds in each direction, in order — what a board on the far side of a LAN or WAN link sees.
"""
import argparse
import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def local_broker(prefix):
    """A mosquitto (tcp_nodelay, no queue limit) on a free port of 127.0.0.1 in a temporary
    directory, ready to accept: yields (port, directory); stopped and removed afterwards."""
    mosquitto = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    directory = tempfile.mkdtemp(prefix=prefix)
    port = free_port()
    with open(os.path.join(directory, "mosquitto.conf"), "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\nmax_queued_messages 0\nuser root\n")
    broker = subprocess.Popen([mosquitto, "-c", os.path.join(directory, "mosquitto.conf")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield port, directory
    finally:
        broker.terminate()
        broker.wait()
        shutil.rmtree(directory, ignore_errors=True)


class DelayProxy:
    """Forwards 127.0.0.1:port to target_port, each chunk delivered delay seconds after it arrived."""

    def __init__(self, target_port, delay):
        self.port = free_port()
        self.target_port = target_port
        self.delay = delay
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()
        if not self.ready.wait(10):
            sys.exit("the delay proxy did not start")

    def _run(self):
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._serve())

    async def _serve(self):
        server = await asyncio.start_server(self._connection, "127.0.0.1", self.port)
        self.ready.set()
        async with server:
            await server.serve_forever()

    async def _connection(self, reader, writer):
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        for sock in (writer, up_writer):
            sock.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer), return_exceptions=True)

    async def _pipe(self, reader, writer):
        queue = asyncio.Queue()

        async def deliver():
            while True:
                due, data = await queue.get()
                if data is None:
                    break
                wait = due - self.loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(data)
                await writer.drain()
            writer.close()

        sender = asyncio.ensure_future(deliver())
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                queue.put_nowait((self.loop.time() + self.delay, data))
        finally:
            queue.put_nowait((0, None))
            await sender


def configuration(directory, k, count, port, width, timing, prefix):
    stage = ""
    if count > 1:
        stage = f"""  stage:
    count: {count}
    index: {k}
    topic_prefix: {prefix}
    timeout_seconds: 60
    timing: {timing}
"""
    return f"""agent:
  id: bench-{k}
  state_directory: {directory}/state-{k}
source:
  kind: synthetic
  synthetic:
    channels: 3
    rate_hz: 0
    seed: 7
model:
  kind: deep
  layers: 3
  width: {width}
  state_size: 16
{stage}learning:
  scheme: pipelined
  beta: 0.02
  seed: 5
mqtt:
  host: 127.0.0.1
  port: {port}
outputs:
  stdout: false
checkpoints:
  every_seconds: 0
metrics:
  interval_seconds: 60
"""


def run(binary, directory, count, ports, width, timing, steps, run_id):
    prefix = f"bench/run-{run_id}"
    processes = []
    start = time.monotonic()
    # Stages wait for their neighbours' `online`, so the order does not matter; the last starts first.
    for k in reversed(range(count)):
        path = os.path.join(directory, f"run{run_id}-stage-{k}.yaml")
        with open(path, "w") as f:
            f.write(configuration(directory + f"/run{run_id}", k, count, ports[k], width, timing, prefix))
        log = open(os.path.join(directory, f"run{run_id}-stage-{k}.log"), "w")
        processes.append((k, subprocess.Popen([binary, "run", "--config", path, "--max-steps", str(steps)],
                                              stdout=subprocess.DEVNULL, stderr=log)))
    for k, process in processes:
        if process.wait(timeout=900) != 0:
            log = open(os.path.join(directory, f"run{run_id}-stage-{k}.log")).read()
            sys.exit(f"stage {k} of run {run_id} failed:\n{log[-2000:]}")
    return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True, help="the hamlet executable (a release build)")
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--widths", type=int, nargs="+", default=[8, 256])
    parser.add_argument("--delays-ms", type=float, nargs="+", default=[0, 2])
    parser.add_argument("--repeats", type=int, default=2, help="runs of each case; the fastest is reported")
    args = parser.parse_args()
    with local_broker("hamlet-bench-stages-") as (port, directory):
        cores = os.cpu_count() or 1
        print(f"{args.steps} steps per run, fastest of {args.repeats}; {cores} cores; network: 3 blocks, state 16, 3 channels")
        print("| width | delay ms (each way) | stages | timing | steps/s | ms/step | speed-up | ideal |")
        print("|--:|--:|--:|---|--:|--:|--:|--:|")
        run_id = 0
        for width in args.widths:
            baseline = None
            for delay in args.delays_ms:
                proxy = DelayProxy(port, delay / 1000) if delay > 0 else None
                far = proxy.port if proxy else port
                cases = [(1, "lockstep")] + [(s, t) for s in (2, 3) for t in ("lockstep", "free")]
                for count, timing in cases:
                    if count == 1 and baseline is not None:
                        continue  # one agent has no link between stages to delay: measured once per width
                    best = None
                    for _ in range(args.repeats):
                        run_id += 1
                        ports = [port] + [far] * (count - 1)
                        seconds = run(args.binary, directory, count, ports, width, timing, args.steps, run_id)
                        best = seconds if best is None else min(best, seconds)
                    rate = args.steps / best
                    if count == 1:
                        baseline = rate
                    speedup = rate / baseline
                    shown_delay = f"{delay:g}" if count > 1 else "-"
                    print(f"| {width} | {shown_delay} | {count} | {timing if count > 1 else '-'} | {rate:.0f} | "
                          f"{1000 / rate:.3f} | {speedup:.2f} | {min(count, cores)} |", flush=True)


if __name__ == "__main__":
    main()
