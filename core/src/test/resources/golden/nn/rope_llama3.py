"""Golden values for RopeTest: Llama 3 scaled RoPE inverse frequencies.

A numpy transcription of Hugging Face transformers `_compute_llama3_parameters`
(modeling_rope_utils.py), in float64. Run: python3 rope_llama3.py > rope_llama3.csv
Columns: case, k, inv_freq.
"""
import numpy as np

CASES = {
    # name: (head_dim, theta, factor, low_freq_factor, high_freq_factor, original_max_position_embeddings)
    "llama31_128": (128, 500000.0, 8.0, 1.0, 4.0, 8192),
    "small_16": (16, 10000.0, 4.0, 1.0, 2.0, 64),
}


def llama3_inv_freq(dim, base, factor, low_freq_factor, high_freq_factor, old_context_len):
    inv_freq = 1.0 / (base ** (np.arange(0, dim, 2, dtype=np.int64).astype(np.float64) / dim))
    low_freq_wavelen = old_context_len / low_freq_factor
    high_freq_wavelen = old_context_len / high_freq_factor
    wavelen = 2 * np.pi / inv_freq
    inv_freq_llama = np.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
    smooth_factor = (old_context_len / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
    smoothed = (1 - smooth_factor) * inv_freq_llama / factor + smooth_factor * inv_freq_llama
    is_medium = ~(wavelen < high_freq_wavelen) & ~(wavelen > low_freq_wavelen)
    return np.where(is_medium, smoothed, inv_freq_llama)


if __name__ == "__main__":
    print("case,k,inv_freq")
    for name, args in CASES.items():
        for k, w in enumerate(llama3_inv_freq(*args)):
            print(f"{name},{k},{float(w)!r}")
