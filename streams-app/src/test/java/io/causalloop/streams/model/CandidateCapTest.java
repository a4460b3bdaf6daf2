package io.causalloop.streams.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.propensity.AssignmentCountPropensity;
import io.causalloop.propensity.AssignmentCounts;
import io.causalloop.propensity.DecayUnit;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cap on a group's candidates: total kept, largest and current candidates kept, the rest folded. */
class CandidateCapTest {

    @Test
    void shouldLeaveSmallGroupsAlone() {
        AssignmentCounts c = new AssignmentCounts(3.0, new String[] {"a", "b"}, new double[] {2.0, 1.0});
        assertSame(c, CandidateCap.bound(c, 4, "a"));
    }

    @Test
    void shouldFoldTheSmallestCountsIntoOtherKeepingTheTotalAndTheCurrentCandidate() {
        AssignmentCounts c = new AssignmentCounts(10.0, new String[] {"a", "b", "c", "d", "e"},
                new double[] {5.0, 0.1, 3.0, 0.2, 0.05});
        AssignmentCounts b = CandidateCap.bound(c, 4, "e");
        assertEquals(List.of("e", "a", CandidateCap.OTHER), Arrays.asList(b.candidates()));
        assertEquals(c.total(), b.total(), 1e-12);
        assertEquals(3.0 + 0.2 + 0.1, b.counts()[2], 1e-12);
        assertEquals(10.0, b.clock());
    }

    @Test
    void shouldKeepAGroupOfUniqueTextsBoundedWhileARepeatedCandidateKeepsItsShare() {
        AssignmentCountPropensity p = new AssignmentCountPropensity(
                new AssignmentCountPropensity.Config(DecayUnit.RECORDS, 1e9, 0.5));
        AssignmentCounts c = null;
        for (int k = 0; k < 20_000; k++) {
            String candidate = k % 4 == 0 ? "repeated" : "unique text " + k;
            c = CandidateCap.bound(p.observe(c, candidate, k), 100, candidate);
            assertTrue(c.candidates().length <= 100);
        }
        assertEquals(20_000, c.total(), 1.0); // the half-life of 1e9 records still decays a little
        assertEquals(Math.log(0.25), p.logPropensity(c, "repeated"), 0.01);
    }
}
