#!/usr/bin/env python3
"""From a sensor message to its prediction: latency of one network as 1, 2 and 3 `hamlet run` stages.

    Scripts/bench_stage_latency.py --binary .build/release/hamlet
    Scripts/bench_stage_latency.py --binary H --rate 200 --messages 2000 --delays-ms 0 2

The companion of Scripts/bench_stages.py (which measures steps per second with the source
flat out): here stage 0 reads an MQTT sensor topic, this script publishes one sensor message
every 1/rate seconds (QoS 0, MQTT 3.1.1 over a plain socket) and subscribes to the last stage's
predictions, and each prediction's latency is its arrival time minus the send time of the newest
sensor message it can depend on. Which message that is follows from the run itself: prediction i
depends on message i + c, and c is the largest offset for which no prediction arrived before its
message was sent (one agent forecasts as a message arrives; stage 0 waits for the next record
for its target, and each stage adds its place in the pipe). Both clocks are this process's
CLOCK_MONOTONIC. Prints p50, p99 and max per case, with the delaying proxy of bench_stages.py
between every stage but the first and the broker for the delayed rows.
"""
import argparse
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time

from bench_stages import DelayProxy, configuration, local_broker


def remaining_length(n):
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def packet(kind, body):
    return bytes([kind]) + remaining_length(len(body)) + body


def text(s):
    data = s.encode()
    return struct.pack("!H", len(data)) + data


def connect(port, client_id):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.sendall(packet(0x10, text("MQTT") + bytes([4, 0x02]) + struct.pack("!H", 60) + text(client_id)))
    if sock.recv(4)[:1] != b"\x20":
        sys.exit("the broker refused the benchmark's connection")
    return sock


class PredictionListener:
    """Subscribes to `topic` and keeps (arrival time, index) of every prediction line."""

    def __init__(self, port, topic, key):
        self.sock = connect(port, "latency-listener")
        self.sock.sendall(packet(0x82, struct.pack("!H", 1) + text(topic) + b"\x00"))
        self.key = key
        self.arrivals = []
        threading.Thread(target=self._read, daemon=True).start()

    def _exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def _read(self):
        try:
            while True:
                kind = self._exact(1)[0]
                length, shift = 0, 0
                while True:
                    byte = self._exact(1)[0]
                    length |= (byte & 0x7F) << shift
                    shift += 7
                    if not byte & 0x80:
                        break
                body = self._exact(length)
                if kind >> 4 == 3:
                    arrived = time.monotonic()
                    topic_length = struct.unpack("!H", body[:2])[0]
                    line = json.loads(body[2 + topic_length:])
                    if line.get("type") == "record":
                        self.arrivals.append((arrived, line[self.key]))
        except (EOFError, OSError):
            pass


def latencies(sent, arrivals):
    """Each prediction's latency against the newest message it can depend on (see the module's text)."""
    for offset in range(5, -6, -1):
        values = [arrived - sent[i + offset] for arrived, i in arrivals if 0 <= i + offset < len(sent)]
        if values and min(values) >= 0:
            return offset, sorted(values)
    sys.exit("no consistent pairing of predictions and messages")


def run_case(binary, directory, port, far_port, count, timing, args, run_id):
    prefix = f"bench/latency-{run_id}"
    sensor = f"{prefix}/sensor"
    processes = []
    for k in reversed(range(count)):
        text_ = configuration(directory + f"/lat{run_id}", k, count, port if k == 0 else far_port, args.width, timing, prefix)
        text_ = text_.replace("  kind: synthetic\n  synthetic:\n    channels: 3\n    rate_hz: 0\n    seed: 7\n",
                              f"  kind: mqtt\n  mqtt:\n    sensors: [{{topic: \"{sensor}\"}}]\n    qos: 0\n")
        path = os.path.join(directory, f"lat{run_id}-stage-{k}.yaml")
        with open(path, "w") as f:
            f.write(text_)
        log = open(path + ".log", "w")
        processes.append(subprocess.Popen([binary, "run", "--config", path], stdout=subprocess.DEVNULL, stderr=log))
    listener = PredictionListener(port, f"hamlet/bench-{count - 1}/prediction", "tick" if count == 1 else "record")
    time.sleep(2.0)  # the stages connect and see each other online
    publisher = connect(port, "latency-publisher")
    sent = []
    start = time.monotonic()
    for i in range(args.messages):
        due = start + i / args.rate
        while time.monotonic() < due:
            time.sleep(max(0.0, min(due - time.monotonic(), 0.0005)))
        payload = json.dumps(round(0.5 + 0.4 * ((i % 50) / 50.0), 4)).encode()
        sent.append(time.monotonic())
        publisher.sendall(packet(0x30, text(sensor) + payload))
    time.sleep(2.0)
    for process in processes:
        process.terminate()
    for k, process in zip(reversed(range(count)), processes):
        if process.wait(timeout=60) != 0:
            log = open(os.path.join(directory, f"lat{run_id}-stage-{k}.yaml.log")).read()
            sys.exit(f"stage {k} of case {run_id} failed:\n{log[-2000:]}")
    publisher.close()
    offset, values = latencies(sent, listener.arrivals)
    return offset, values, len(listener.arrivals)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--rate", type=float, default=200, help="sensor messages per second")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--width", type=int, default=8)
    parser.add_argument("--delays-ms", type=float, nargs="+", default=[0, 2])
    args = parser.parse_args()
    with local_broker("hamlet-bench-latency-") as (port, directory):
        print(f"{args.messages} sensor messages at {args.rate:g}/s, width {args.width}, 3 blocks, state 16")
        print("| delay ms (each way) | stages | timing | predictions | paired with message i + | p50 ms | p99 ms | max ms |")
        print("|--:|--:|---|--:|--:|--:|--:|--:|")
        run_id = 0
        for delay in args.delays_ms:
            proxy = DelayProxy(port, delay / 1000) if delay > 0 else None
            far = proxy.port if proxy else port
            for count, timing in [(1, "lockstep"), (2, "lockstep"), (2, "free"), (3, "lockstep"), (3, "free")]:
                if count == 1 and delay > 0:
                    continue
                run_id += 1
                offset, values, received = run_case(args.binary, directory, port, far, count, timing, args, run_id)
                p = lambda q: 1000 * values[min(len(values) - 1, int(q * len(values)))]
                shown = f"{delay:g}" if count > 1 else "-"
                print(f"| {shown} | {count} | {timing if count > 1 else '-'} | {received} | {offset} | "
                      f"{p(0.5):.2f} | {p(0.99):.2f} | {1000 * values[-1]:.2f} |", flush=True)


if __name__ == "__main__":
    main()
