package org.spinformer.language.corpus;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.spinformer.core.fuzz.FuzzContract;

/**
 * Fuzzes {@link Corpus#load} (a user's text, TSV and JSON-lines corpora) under core's {@link FuzzContract}: the same
 * bytes are read as plain text, as a TSV column and as a JSON-lines field. Seeds in
 * {@code CorpusFuzzTestInputs/corpus/}.
 */
class CorpusFuzzTest {
    @FuzzTest
    void corpus(byte[] data) {
        Path dir = FuzzContract.dir("corpus");
        Path txt = FuzzContract.write(dir, "corpus.txt", data);
        Path tsv = FuzzContract.write(dir, "corpus.tsv", data);
        Path jsonl = FuzzContract.write(dir, "corpus.jsonl", data);
        FuzzContract.check(m -> Corpus.load(txt.toString()));
        FuzzContract.check(m -> Corpus.load(tsv + "#text"));
        FuzzContract.check(m -> Corpus.load(jsonl + "#text"));
    }
}
