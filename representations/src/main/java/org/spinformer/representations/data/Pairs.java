package org.spinformer.representations.data;

import org.spinformer.core.io.Utf8Lines;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * Aligned text pairs (a sentence and its translation or paraphrase).
 *
 * <p>Sources: the embedded Bible ({@code bible-kjv-web-rv1909.tsv.gz}: 31,077 verses, columns {@code ref},
 * {@code en_kjv} (King James), {@code en_web} (World English Bible), {@code es_rv1909} (Reina-Valera 1909);
 * public domain), or any tab-separated file, gzipped or not: with a header row and named columns
 * ({@code FILE:colA,colB}), or a file of exactly two columns (no header needed: a first row equal to
 * {@code a\tb}-style names is used as header only when columns are named). Rows with an empty side are skipped.
 *
 * @param nameA label of side A
 * @param nameB label of side B
 * @param ids   a row label (verse reference or line number)
 * @param a     side A texts
 * @param b     side B texts
 */
public record Pairs(String nameA, String nameB, List<String> ids, List<String> a, List<String> b) {
    /** Class-path resource of the Bible TSV. */
    public static final String BIBLE = "/org/spinformer/representations/data/bible-kjv-web-rv1909.tsv.gz";

    public Pairs {
        if (a.size() != b.size() || ids.size() != a.size()) {
            throw new IllegalArgumentException("pair lists differ in length");
        }
    }

    public int size() {
        return a.size();
    }

    /**
     * Parses a pair source: {@code bible:COL_A,COL_B} (columns en_kjv, en_web, es_rv1909), {@code FILE:COL_A,COL_B}
     * (TSV with a header) or {@code FILE} (a two-column TSV without header).
     */
    public static Pairs parse(String spec) throws IOException {
        String s = spec.trim();
        int colon = s.lastIndexOf(':');
        String src = colon > 0 ? s.substring(0, colon) : s;
        String cols = colon > 0 ? s.substring(colon + 1) : null;
        if (src.equals("bible")) {
            if (cols == null) {
                throw new IllegalArgumentException("bible pairs need two columns, e.g. bible:en_kjv,es_rv1909");
            }
            try (InputStream in = Pairs.class.getResourceAsStream(BIBLE)) {
                if (in == null) {
                    throw new IOException("resource " + BIBLE + " missing");
                }
                return read(new GZIPInputStream(in), "bible", cols);
            }
        }
        Path file = Path.of(src);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("pairs file not found: " + file
                    + " (use bible:COL_A,COL_B, FILE:COL_A,COL_B or a two-column FILE)");
        }
        try (InputStream raw = Files.newInputStream(file)) {
            InputStream in = src.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
            return read(in, file.getFileName().toString(), cols);
        }
    }

    private static Pairs read(InputStream in, String source, String cols) throws IOException {
        // strict UTF-8: a bad byte fails with its line and offset instead of becoming U+FFFD
        java.util.Iterator<String> r = Utf8Lines.read(in, source).iterator();
        int ia;
        int ib;
        int iid = -1;
        String nameA;
        String nameB;
        String line;
        int lineNo = 0;
        List<String> ids = new ArrayList<>();
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        if (cols != null) {
            String header = r.hasNext() ? r.next() : null;
            lineNo++;
            if (header == null) {
                throw new IllegalArgumentException(source + " is empty");
            }
            List<String> h = Arrays.asList(header.split("\t", -1));
            String[] c = cols.split(",");
            if (c.length != 2) {
                throw new IllegalArgumentException("name two columns, e.g. en_kjv,es_rv1909; got '" + cols + "'");
            }
            ia = h.indexOf(c[0].trim());
            ib = h.indexOf(c[1].trim());
            if (ia < 0 || ib < 0) {
                throw new IllegalArgumentException(source + ": no column '" + (ia < 0 ? c[0] : c[1]) + "' (have "
                        + h + ")");
            }
            iid = h.indexOf("ref");
            nameA = c[0].trim();
            nameB = c[1].trim();
        } else {
            ia = 0;
            ib = 1;
            nameA = "a";
            nameB = "b";
        }
        while (r.hasNext()) {
            line = r.next();
            lineNo++;
            String[] f = line.split("\t", -1);
            if (cols == null && f.length != 2) {
                throw new IllegalArgumentException(source + " line " + lineNo + ": expected 2 tab-separated columns, got "
                        + f.length + " (name the columns with FILE:COL_A,COL_B for wider files)");
            }
            if (f.length <= Math.max(ia, ib)) {
                continue;
            }
            String x = f[ia].trim();
            String y = f[ib].trim();
            if (x.isEmpty() || y.isEmpty()) {
                continue;
            }
            ids.add(iid >= 0 && iid < f.length ? f[iid] : Integer.toString(lineNo));
            a.add(x);
            b.add(y);
        }
        if (a.isEmpty()) {
            throw new IllegalArgumentException(source + ": no non-empty pairs");
        }
        return new Pairs(nameA, nameB, List.copyOf(ids), List.copyOf(a), List.copyOf(b));
    }

    /** n pairs drawn without replacement by a seeded shuffle, kept in source order. */
    public Pairs sample(int n, long seed) {
        if (n < 1 || n > size()) {
            throw new IllegalArgumentException("cannot sample " + n + " of " + size() + " pairs");
        }
        int[] p = new int[size()];
        Arrays.setAll(p, i -> i);
        Random rnd = new Random(seed);
        for (int i = p.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        int[] pick = Arrays.copyOf(p, n);
        Arrays.sort(pick);
        List<String> ii = new ArrayList<>();
        List<String> aa = new ArrayList<>();
        List<String> bb = new ArrayList<>();
        for (int i : pick) {
            ii.add(ids.get(i));
            aa.add(a.get(i));
            bb.add(b.get(i));
        }
        return new Pairs(nameA, nameB, ii, aa, bb);
    }
}
