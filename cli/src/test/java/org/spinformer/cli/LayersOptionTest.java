package org.spinformer.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one {@code --layers} parser: "all" or a comma list, the range checked against the model's layer count. */
class LayersOptionTest {
    @Test
    void parsesAllAndLists() {
        assertNull(LayersOption.Selection.parse("all").indices());
        assertNull(LayersOption.Selection.parse(" ALL ").indices());
        assertArrayEquals(new int[] {0, 8, 16}, LayersOption.Selection.parse("0,8,16").indices());
        assertArrayEquals(new int[] {6}, LayersOption.Selection.parse(" 6 ").indices());
        for (String bad : new String[] {"x", "0,,3", "1.5", "0,all", "3,"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LayersOption.Selection.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("--layers"), e.getMessage());
        }
    }

    @Test
    void rangeNamesTheLayerCount() {
        LayersOption o = new LayersOption();
        o.layers = LayersOption.Selection.parse("0,6");
        assertArrayEquals(new int[] {0, 6}, o.checked("minilm"));
        o.layers = LayersOption.Selection.parse("12");
        assertArrayEquals(new int[] {12}, o.checked("bge-small"));
        for (String bad : new String[] {"-1", "7", "0,3,9"}) {
            o.layers = LayersOption.Selection.parse(bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.checked("minilm"));
            assertTrue(e.getMessage().contains("which has 6 layers"), e.getMessage());
        }
        o.layers = LayersOption.Selection.ALL;
        assertNull(o.checked("minilm"));
    }
}
