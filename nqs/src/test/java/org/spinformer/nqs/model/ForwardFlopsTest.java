package org.spinformer.nqs.model;

import org.spinformer.core.testing.CpuTest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spinformer.core.nn.Weights;
import org.spinformer.nqs.lattice.Lattice;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The analytic forward count {@link ViT#forwardFlops()} against the products the forward actually executes,
 * counted from the shapes the core blocks hand to a tapping {@link Weights}: every linear map (2·in·out per row,
 * plus the bias) and every factored-attention mixing (2·H·T²·d_h per sample), plus the patch permutation σ P
 * (2N², not a block). What is left (LayerNorm, GELU, residual sums, pooling, log cosh) is elementwise, so the formula
 * must lie between the counted products and 1.3 times them: a missing layer, a wrong width or a factor of 2 would
 * fall outside.
 */
class ForwardFlopsTest extends CpuTest {

    @ParameterizedTest
    @CsvSource({"4, 16, 2, 4, 1, 32", "6, 16, 2, 4, 2, 32", "8, 32, 3, 8, 2, 64", "6, 8, 1, 2, 3, 16"})
    void theFormulaCountsTheProductsTheForwardExecutes(int side, int dim, int layers, int heads, int patch, int mlp) {
        Lattice l = Lattice.square(side);
        ViT vit = new ViT(l, new ViT.Config(dim, layers, heads, patch, mlp), DataType.FLOAT64, m, 3);
        int rows = 5;
        double[] counted = {0};
        Weights w = Weights.tapped(vit.parameters()::get, (kind, name, input, y) -> {
            long perSample = y.size() / rows;
            switch (kind) {
                case LINEAR -> {
                    long in = input.getShape().get(input.getShape().dimension() - 1);
                    long out = y.getShape().get(y.getShape().dimension() - 1);
                    counted[0] += (2.0 * in + 1) * perSample; // 2·in per output element, + bias
                    assertTrue(perSample % out == 0);
                }
                case MIXING -> {
                    Shape v = input.getShape(); // [B,H,T,dh]
                    counted[0] += 2.0 * v.get(1) * v.get(2) * v.get(2) * v.get(3);
                }
                default -> { }
            }
            return y;
        });
        try (NDManager s = m.newSubManager()) {
            NDArray sigma = s.randomUniform(-1, 1, new Shape(rows, l.n())).sign().toType(DataType.FLOAT64, false);
            vit.forward(sigma, w);
        }
        double products = counted[0] + 2.0 * l.n() * l.n();
        double formula = vit.forwardFlops();
        System.out.printf(java.util.Locale.ROOT, "%dx%d D=%d L=%d H=%d b=%d F=%d: formula %.0f, counted products %.0f "
                + "(ratio %.3f)%n", side, side, dim, layers, heads, patch, mlp, formula, products, formula / products);
        assertTrue(formula >= products && formula <= 1.3 * products,
                "forwardFlops " + formula + " vs counted products " + products);
    }
}
