package org.spinformer.representations.pooling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

import java.util.Arrays;

/**
 * The states of fixed absolute token positions p_1 &lt; … &lt; p_P, the same in every text (for comparisons of one
 * token position with another, e.g. {@code repr distance}):
 * <pre>
 *   v_b = [h_b,p_1 ; h_b,p_2 ; … ; h_b,p_P]        h [S,B,T,D], mask [B,T] → [S,B,P·D]
 * </pre>
 * No position may reach a special token or padding: every p ≥ {@code lead} (the leading special tokens, checked
 * here) and every text of a batch needs at least p_P + 1 + {@code trail} tokens (checked on each batch from the
 * mask, one scalar read; a shorter text is refused, never clamped). The pick is an index on the token axis, so each
 * value is a copy of the model's state bit for bit.
 *
 * @param positions the absolute positions (0 = the first token, special ones included), increasing
 * @param lead      leading special tokens (BERT's [CLS]: 1)
 * @param trail     trailing special tokens (BERT's [SEP]: 1)
 */
public record Positions(int[] positions, int lead, int trail) implements TokenPooler {
    public Positions {
        if (positions == null || positions.length == 0) {
            throw new IllegalArgumentException("give at least one token position");
        }
        if (lead < 0 || trail < 0) {
            throw new IllegalArgumentException("special token counts must be >= 0, got " + lead + ", " + trail);
        }
        positions = positions.clone();
        for (int i = 0; i < positions.length; i++) {
            if (positions[i] < lead || (i > 0 && positions[i] <= positions[i - 1])) {
                throw new IllegalArgumentException("token positions must be increasing and >= " + lead
                        + " (after the leading special tokens), got " + Arrays.toString(positions));
            }
        }
    }

    @Override
    public int[] positions() {
        return positions.clone();
    }

    /** The least token count of a text (special tokens included): p_P + 1 + trail. */
    public int need() {
        return positions[positions.length - 1] + 1 + trail;
    }

    /** Output width for model width D: P·D. */
    public long width(long d) {
        return positions.length * d;
    }

    /** h [S,B,T,D] with mask [B,T] → [S,B,P·D]. */
    @Override
    public NDArray apply(NDArray h, NDArray mask) {
        long s = h.getShape().get(0);
        long b = h.getShape().get(1);
        long d = h.getShape().get(3);
        long shortest = mask.toType(DataType.INT64, false).sum(new int[] {1}).min().getLong();
        if (shortest < need()) {
            throw new IllegalArgumentException("a text of " + shortest + " tokens is too short for token position "
                    + positions[positions.length - 1] + " (" + need() + " tokens needed with " + trail
                    + " trailing special)");
        }
        long[] p = Arrays.stream(positions).asLongStream().toArray();
        NDArray picked = h.get(new NDIndex(":, :, {}, :", h.getManager().create(p))); // [S,B,P,D]
        return picked.reshape(s, b, p.length * d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Positions q && Arrays.equals(positions, q.positions) && lead == q.lead && trail == q.trail;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(positions) + lead) + trail;
    }

    @Override
    public String toString() {
        return "positions" + Arrays.toString(positions);
    }
}
