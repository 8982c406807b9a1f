package org.spinformer.nqs.sampler;

import org.spinformer.core.train.Rng;

/**
 * Seeds of the per-step random streams of the samplers. A {@link java.util.SplittableRandom} seeded with s and
 * one seeded with s + 0x9E3779B97F4A7C15 produce the same sequence shifted by one draw, so seeds such as
 * {@code seed·γ + step} make runs with consecutive {@code --seed} values nearly identical. Here (seed, step) is
 * hashed twice with SplitMix64's finaliser: distinct pairs give unrelated streams.
 */
final class StreamSeeds {
    private StreamSeeds() {}

    static long of(long seed, long step) {
        return new Rng(new Rng(seed).nextLong() ^ step).nextLong();
    }
}
