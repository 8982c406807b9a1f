package org.spinformer.nqs;

import org.junit.jupiter.api.Test;
import org.spinformer.nqs.driver.Training;
import org.spinformer.nqs.exact.ExactDiagonalization;
import org.spinformer.nqs.lattice.Lattice;
import org.spinformer.nqs.operator.Heisenberg;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lanczos in a symmetric sector ({@code nqs exact --symmetry}) against Lanczos in the whole Sz = 0 space: the
 * trivial sectors hold the ground state; the odd spin-flip sector of the 8-site chain holds the first excited state
 * (the S = 1 triplet at momentum π, found in the full space by deflation), and adding the translations (momentum 0)
 * removes it.
 */
class ExactSectorTest {
    @Test
    void trivialSectorsHoldTheGroundStateOf4x4() {
        Lattice sq = Lattice.square(4);
        ExactDiagonalization ed = new ExactDiagonalization(new Heisenberg(sq, 0.5));
        double e0 = ed.groundState().energy();
        assertEquals(-8.4579233514, e0, 1e-9); // E/N = -0.52862 (4x4, J2 = 0.5)
        for (String sym : new String[] {"space+flip", "patch+point", "point", "flip"}) {
            ExactDiagonalization.Result r = ed.groundState(Training.sector(sym, sq, 2, "heisenberg"), 300, 2L);
            assertEquals(e0, r.energy(), 1e-10, sym);
            assertTrue(r.residual() < 1e-8, sym + " residual " + r.residual());
        }
    }

    @Test
    void oddFlipSectorOfTheChainHoldsTheTriplet() {
        Lattice chain = Lattice.chain(8);
        ExactDiagonalization ed = new ExactDiagonalization(new Heisenberg(chain, 0.0));
        ExactDiagonalization.Result[] low = ed.lowestStates(2);
        int[] id = chain.translation(0, 0);
        double odd = ed.groundState(new ExactDiagonalization.Sector(List.of(id), true, -1), 300, 3L).energy();
        double even = ed.groundState(new ExactDiagonalization.Sector(List.of(id), true, 1), 300, 3L).energy();
        assertEquals(low[0].energy(), even, 1e-10, "even sector: the singlet ground state");
        assertEquals(low[1].energy(), odd, 1e-9, "odd sector: the triplet");
        assertTrue(odd - even > 0.1, "triplet gap " + (odd - even));
        // momentum 0 and odd under the flip: the k = π triplet is excluded, so the sector's lowest lies higher
        double k0odd = ed.groundState(new ExactDiagonalization.Sector(chain.translations(1, 1), true, -1), 300, 3L)
                .energy();
        assertTrue(k0odd > odd + 1e-6, "k = 0 odd sector " + k0odd + " should lie above the k = π triplet " + odd);
    }
}
