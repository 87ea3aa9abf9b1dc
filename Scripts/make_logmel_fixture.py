#!/usr/bin/env python3
"""Writes the StreamFeatures reference fixtures (Tests/StreamFeaturesTests/Fixtures/):

- signal.f32: 1 s at 16 kHz, little-endian float32 — a linear chirp 100→7000 Hz, tones at 440 Hz
  and 2500 Hz and seeded Gaussian noise (so no mel band is ever silent).
- one JSON file per setting: {"configuration": <FeatureConfiguration as JSON>, "features":
  [[frame 0], [frame 1], …], …}, computed with librosa in float64 from the float32 signal.

Definitions (the Swift side implements the same):
- pre-emphasis y[n] = x[n] − c·x[n−1] with x[−1] = 0: librosa.effects.preemphasis(zi=[0]);
- frame k covers samples [k·hop, k·hop + win): librosa.stft with center=False pads the win-sample
  periodic Hann window to n_fft in the middle, so the signal is padded by (n_fft − win) // 2 zeros
  in front (and the rest behind) to put frame k's window over exactly those samples; |X|² does not
  depend on where the zeros of the padded frame sit;
- power=2 mel spectrogram from librosa.feature.melspectrogram(htk, norm, fmin, fmax; float64 basis);
- log-mel = np.log(np.maximum(mel, floor)) (natural log; not librosa's power_to_db);
- MFCC = librosa.feature.mfcc(S=log-mel, dct_type=2, norm="ortho"), which with S given is exactly
  scipy's DCT-II (checked against scipy.fft.dct(type=2, norm="ortho") here) of our log-mel.

Every reference is cross-checked against a plain numpy framing + rfft computation before writing.
Run: python3 Scripts/make_logmel_fixture.py  (needs librosa, numpy, scipy).
"""
import json
import pathlib
import warnings

import librosa
import numpy as np
import scipy.fft
import scipy.signal

SAMPLE_RATE = 16_000
OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "StreamFeaturesTests" / "Fixtures"

BASE = dict(
    sampleRateHz=16000.0, windowSamples=400, hopSamples=160, fftSize=512, melBands=40,
    minimumFrequencyHz=0.0, logFloor=1e-10,
)
FIXTURES = {
    "logmel_htk": dict(melScale="htk", melNormalization="none"),
    "logmel_slaney_area": dict(melScale="slaney", melNormalization="slaney"),
    "logmel_htk_preemphasis": dict(melScale="htk", melNormalization="none", preEmphasis=0.97),
    "logmel_slaney_area_preemphasis": dict(melScale="slaney", melNormalization="slaney", preEmphasis=0.97),
    "mfcc13_slaney_area_preemphasis": dict(
        melScale="slaney", melNormalization="slaney", preEmphasis=0.97, mfccCount=13),
    "mfcc20_htk": dict(melScale="htk", melNormalization="none", mfccCount=20),
    "logmel_custom": dict(
        windowSamples=480, hopSamples=200, fftSize=1024, melBands=64, minimumFrequencyHz=125.0,
        maximumFrequencyHz=7600.0, melScale="slaney", melNormalization="slaney", preEmphasis=0.95),
}


def make_signal():
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    chirp = 0.3 * scipy.signal.chirp(t, f0=100.0, t1=1.0, f1=7000.0, method="linear")
    tones = 0.2 * np.sin(2 * np.pi * 440.0 * t) + 0.1 * np.sin(2 * np.pi * 2500.0 * t + 0.3)
    noise = 0.01 * np.random.default_rng(20240).standard_normal(t.size)
    return (chirp + tones + noise).astype(np.float32)


def f32(x):
    """The value a Swift Float setting holds, as a Python float."""
    return float(np.float32(x))


def reference(signal, cfg):
    sr, win, hop, n_fft = cfg["sampleRateHz"], cfg["windowSamples"], cfg["hopSamples"], cfg["fftSize"]
    y = signal.astype(np.float64)
    if "preEmphasis" in cfg:
        coef = f32(cfg["preEmphasis"])
        y = librosa.effects.preemphasis(y, coef=coef, zi=[0.0])
        plain = y.copy()
        plain_check = signal.astype(np.float64)
        plain_check[1:] -= coef * signal[:-1].astype(np.float64)
        assert np.allclose(plain, plain_check, rtol=0, atol=1e-12)
    pad = (n_fft - win) // 2
    padded = np.pad(y, (pad, n_fft - win - pad))
    htk = cfg["melScale"] == "htk"
    norm = "slaney" if cfg["melNormalization"] == "slaney" else None
    fmax = cfg.get("maximumFrequencyHz", sr / 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an empty mel filter would be a bad fixture
        mel = librosa.feature.melspectrogram(
            y=padded, sr=sr, n_fft=n_fft, hop_length=hop, win_length=win, window="hann", center=False,
            power=2.0, n_mels=cfg["melBands"], fmin=cfg["minimumFrequencyHz"], fmax=fmax, htk=htk, norm=norm,
            dtype=np.float64)
        basis = librosa.filters.mel(
            sr=sr, n_fft=n_fft, n_mels=cfg["melBands"], fmin=cfg["minimumFrequencyHz"], fmax=fmax, htk=htk,
            norm=norm, dtype=np.float64)
    # Cross-check: frame k = y[k·hop : k·hop + win] × periodic Hann, zero-padded at the end.
    frames = librosa.util.frame(y, frame_length=win, hop_length=hop)
    window = scipy.signal.get_window("hann", win, fftbins=True)
    power = np.abs(np.fft.rfft(frames * window[:, None], n=n_fft, axis=0)) ** 2
    assert frames.shape[1] == 1 + (len(y) - win) // hop == mel.shape[1]
    assert np.allclose(basis @ power, mel, rtol=1e-9, atol=1e-12)

    logmel = np.log(np.maximum(mel, f32(cfg["logFloor"])))
    if "mfccCount" in cfg:
        out = librosa.feature.mfcc(S=logmel, n_mfcc=cfg["mfccCount"], dct_type=2, norm="ortho")
        direct = scipy.fft.dct(logmel, type=2, norm="ortho", axis=0)[: cfg["mfccCount"]]
        assert np.allclose(out, direct, rtol=1e-12, atol=1e-12)
    else:
        out = logmel
    return out.T  # frames × features


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    signal = make_signal()
    signal.astype("<f4").tofile(OUT / "signal.f32")
    total = (OUT / "signal.f32").stat().st_size
    for name, overrides in FIXTURES.items():
        cfg = {**BASE, **overrides}
        features = reference(signal, cfg)
        document = {
            "description": (
                f"{name}: librosa {librosa.__version__} reference for signal.f32 (float64, center=False, "
                "periodic Hann, power 2, natural log of max(mel, logFloor); MFCC = orthonormal DCT-II of it)"),
            "configuration": cfg,
            "frameCount": int(features.shape[0]),
            "featureCount": int(features.shape[1]),
            "features": [[float(f"{v:.8g}") for v in row] for row in features],
        }
        path = OUT / f"{name}.json"
        path.write_text(json.dumps(document, separators=(",", ":")) + "\n")
        total += path.stat().st_size
        print(f"{path.name}: {features.shape[0]} frames × {features.shape[1]}, "
              f"range {features.min():.3f}…{features.max():.3f}")
    print(f"total fixture size {total / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
