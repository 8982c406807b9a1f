package org.spinformer.benchmarks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HalfPrecisionProfileTest {
    private static String ev(String name, double ts, double dur, int tid) {
        return "{\"name\":\"" + name + "\",\"ph\":\"X\",\"ts\":" + ts + ",\"dur\":" + dur + ",\"tid\":" + tid
                + ",\"pid\":\"CPU Functions\",\"args\":{}}";
    }

    @Test
    void selfTimeIsDurationMinusDirectChildren(@TempDir Path dir) throws Exception {
        // thread 1: linear [0,100] ⊃ addmm [10,40] ⊃ copy [20,30]; linear ⊃ gelu [50,60]; a second linear
        // [200,210]; thread 2: copy [0,5]; events out of order as libtorch writes them
        String trace = "[" + String.join(",", ev("aten::addmm", 10, 30, 1), ev("aten::copy_", 20, 10, 1),
                ev("aten::linear", 0, 100, 1), ev("aten::gelu", 50, 10, 1), ev("aten::linear", 200, 10, 1),
                ev("aten::copy_", 0, 5, 2), "{\"name\":\"meta\",\"ph\":\"M\"}") + "]";
        Path f = dir.resolve("t.json");
        Files.writeString(f, trace);
        List<HalfPrecisionProfile.SelfTime> st = HalfPrecisionProfile.selfTimes(f);
        Map<String, Double> self = st.stream().collect(Collectors.toMap(HalfPrecisionProfile.SelfTime::name,
                HalfPrecisionProfile.SelfTime::micros));
        assertEquals(60 + 10, self.get("aten::linear"), 1e-9); // 100 − 30 − 10, plus the second call
        assertEquals(20, self.get("aten::addmm"), 1e-9);
        assertEquals(10 + 5, self.get("aten::copy_"), 1e-9);
        assertEquals(10, self.get("aten::gelu"), 1e-9);
        assertEquals("aten::linear", st.get(0).name());
        assertEquals(2, st.get(0).calls());
    }
}
